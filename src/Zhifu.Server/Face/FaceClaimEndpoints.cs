using System.Security.Claims;
using Zhifu.Server.Accounts;
using Zhifu.Server.Hosting;
using Zhifu.Server.Lifecycle;

namespace Zhifu.Server.Face;

/// <summary>
/// FACE-6 over HTTP: the wallet's claims (<c>/api/wallet/face/claims</c>) and the operators' cases
/// (<c>/api/ops/face-claims</c>: read by risk, service, finance, audit; taken by risk or service; decided by risk; recovery
/// concluded by finance — each audited).
/// </summary>
public static class FaceClaimEndpoints
{
    /// <summary><c>userAtFault</c> must be given (a missing one is never read as "compensate"); <c>expectedFen</c>, when given, is
    /// the amount the operator confirmed the fund will pay.</summary>
    public sealed record DecideRequest(bool? UserAtFault, string? Note, long? ExpectedFen);

    public sealed record RecoveryRequest(string? Outcome, long AmountFen, string? Note);

    /// <summary>Which operator roles read, take, decide and recover claims — the API and the operator console's pages alike.</summary>
    public static class OperatorRoles
    {
        public const string Read = "risk,service,finance,audit";
        public const string Assign = "risk,service";
        public const string Decide = "risk";
        public const string Recover = "finance";
    }

    public static void Map(WebApplication app)
    {
        var wallet = app.MapGroup("/api/wallet/face/claims").WithTags("Wallet: face payment").RequireAuthorization(WalletSessions.Scheme);
        wallet.MapGet("", async (ClaimsPrincipal user, FaceClaims claims, HttpContext h) =>
        {
            var claimable = await claims.ClaimableAsync(user.UserId(), h.RequestAborted);
            return Results.Ok(new
            {
                claims = await claims.MineAsync(user.UserId(), h.RequestAborted),
                claimable = claimable.Select(c => new
                {
                    c.TransactionId, c.MchId, c.Description, c.AmountFen, amount = new Core.Money(c.AmountFen).ToString(),
                    paidAt = Core.ChinaTime.Format(c.PaidAt),
                }),
            });
        });
        wallet.MapPost("", async (FaceClaimRequest request, ClaimsPrincipal user, FaceClaims claims, HttpContext h) =>
        {
            var (claim, error) = await claims.OpenAsync(user.UserId(), request, h.RequestAborted);
            return error is not null ? error.ToResult(h) : Results.Created($"/api/wallet/face/claims/{claim!.Id}", claim);
        });

        var ops = app.MapGroup("/api/ops/face-claims").WithTags("Operator: face-pay claims");
        var readers = OperatorLifecycleEndpoints.Roles(OperatorRoles.Read.Split(','));
        ops.MapGet("", async (string? state, bool? pursuing, int? skip, int? take, FaceClaims claims, HttpContext h) =>
        {
            if (state is not null && !FaceClaims.States.Contains(state))
            {
                return ApiProblem.Create(h, 400, "INVALID_STATE", "状态不正确", "Unknown state", "state");
            }
            var (rows, total) = await claims.ListAsync(state, pursuing == true, Math.Max(0, skip ?? 0),
                Math.Clamp(take ?? 50, 1, FaceClaims.PageMax), h.RequestAborted);
            return Results.Ok(new { total, rows });
        }).RequireAuthorization(readers);
        ops.MapGet("/{id:guid}", async (Guid id, FaceClaims claims, HttpContext h) =>
            await claims.FindAsync(id, h.RequestAborted) is { } claim ? Results.Ok(claim) : FaceClaims.NotFound.ToResult(h))
            .RequireAuthorization(readers);
        ops.MapPost("/{id:guid}/assign", async (Guid id, ClaimsPrincipal user, FaceClaims claims, HttpContext h) =>
            Answer(await claims.AssignAsync(id, OperatorActor.Of(user), h.RequestAborted), h))
            .RequireAuthorization(OperatorLifecycleEndpoints.Roles(OperatorRoles.Assign.Split(',')));
        ops.MapPost("/{id:guid}/decide", async (Guid id, DecideRequest request, ClaimsPrincipal user, FaceClaims claims, HttpContext h) =>
            Answer(request.UserAtFault is not { } atFault ? FaceClaims.DecisionRequired
                : await claims.DecideAsync(id, atFault, request.Note, OperatorActor.Of(user), h.RequestAborted, request.ExpectedFen), h))
            .RequireAuthorization(OperatorLifecycleEndpoints.Roles(OperatorRoles.Decide.Split(',')));
        ops.MapPost("/{id:guid}/recovery", async (Guid id, RecoveryRequest request, ClaimsPrincipal user, FaceClaims claims, HttpContext h) =>
            Answer(await claims.RecoverAsync(id, request.Outcome, request.AmountFen, request.Note, OperatorActor.Of(user), h.RequestAborted), h))
            .RequireAuthorization(OperatorLifecycleEndpoints.Roles(OperatorRoles.Recover.Split(',')));
    }

    private static IResult Answer(WalletError? error, HttpContext h) => error is null ? Results.NoContent() : error.ToResult(h);
}
