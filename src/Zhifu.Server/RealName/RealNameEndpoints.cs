using System.Security.Claims;
using Zhifu.Server.Accounts;

namespace Zhifu.Server.RealName;

/// <summary>The Wallet API's real-name routes (ACC-2, ACC-3): verify, see the class and its limits, make the Class Ⅲ choice.</summary>
public static class RealNameEndpoints
{
    public sealed record VerifyRequest(string? Name, string? IdNumber);
    public sealed record ChoiceRequest(Guid? KeepUserId, string? Action, string? PaymentPassword);

    public static void Map(WebApplication app)
    {
        var group = app.MapGroup("/api/wallet/me/real-name").WithTags("Wallet: real name").RequireAuthorization(WalletSessions.Scheme);
        group.MapGet("", async (ClaimsPrincipal u, RealNameStatus status, CancellationToken ct) =>
            Results.Ok(await status.ForAsync(u.UserId(), ct)));
        group.MapPost("", VerifyAsync);
        group.MapPost("/class-three-choice", ChooseAsync);
    }

    private static async Task<IResult> VerifyAsync(VerifyRequest? request, ClaimsPrincipal principal, RealNameVerification verification,
        RealNameStatus status, HttpContext context)
    {
        if (request is null)
        {
            return RealNameErrors.InvalidRequest.ToResult(context);
        }
        var error = await verification.SubmitAsync(principal.UserId(), request.Name, request.IdNumber, context.RequestAborted);
        return error?.ToResult(context) ?? Results.Ok(await status.ForAsync(principal.UserId(), context.RequestAborted));
    }

    private static async Task<IResult> ChooseAsync(ChoiceRequest? request, ClaimsPrincipal principal, ClassThreeChoice choice,
        RealNameStatus status, HttpContext context)
    {
        if (request is null || request.PaymentPassword is { Length: > 64 })
        {
            return RealNameErrors.InvalidRequest.ToResult(context);
        }
        var error = await choice.ChooseAsync(principal.UserId(), request.KeepUserId, request.Action, request.PaymentPassword,
            context.RequestAborted);
        return error?.ToResult(context) ?? Results.Ok(await status.ForAsync(principal.UserId(), context.RequestAborted));
    }
}
