using System.Security.Claims;
using Zhifu.Server.Security;

namespace Zhifu.Server.RealName;

/// <summary>
/// Face-to-face verification (面对面核实, ACC-2) by operations or customer-service staff at the counter: the holder shows the
/// ID document in person, the operator enters the name and ID number printed on it, and the wallet's class rises per the table
/// when they are the identity the wallet submitted. Audited (SEC-1).
/// </summary>
public static class FaceToFaceEndpoints
{
    /// <param name="Name">The name on the ID document shown at the counter.</param>
    /// <param name="IdNumber">The ID number on that document.</param>
    public sealed record FaceToFaceRequest(string? Ticket, string? Name, string? IdNumber);
    public sealed record FaceToFaceDto(Guid UserId, int ClassBefore, int AccountClass, string ClassName);

    public static void Map(WebApplication app)
    {
        var group = app.MapGroup("/api/ops/accounts").WithTags("Operator: real name")
            .RequireAuthorization(p => p.AddAuthenticationSchemes(OperatorAuth.Scheme).RequireRole("operations", "service"));
        group.MapPost("/{userId:guid}/face-to-face", VerifyAsync);
    }

    private static async Task<IResult> VerifyAsync(Guid userId, FaceToFaceRequest? request, ClaimsPrincipal principal,
        RealNameVerification verification, AuditLog audit, HttpContext context)
    {
        var ticket = request?.Ticket?.Trim();
        if (ticket is not { Length: > 0 and <= 64 } || ticket.Any(char.IsControl))
        {
            return RealNameErrors.TicketRequired.ToResult(context);
        }
        var (before, after, error) = await verification.FaceToFaceAsync(userId, ticket, principal.Identity!.Name!, request!.Name,
            request.IdNumber, context.RequestAborted);
        if (error is not null)
        {
            return error.ToResult(context);
        }
        await audit.AppendAsync(principal.Identity!.Name!, principal.FindFirstValue(ClaimTypes.Role)!, "real-name.face-to-face",
            $"user:{userId}", $"ticket {ticket}, class {before} -> {after}");
        return Results.Ok(new FaceToFaceDto(userId, before, after, AccountClasses.Name(after)));
    }
}
