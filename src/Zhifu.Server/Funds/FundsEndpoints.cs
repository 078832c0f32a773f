using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;

namespace Zhifu.Server.Funds;

/// <summary>Top-up and withdrawal over the Wallet API (CARD-2), authorized with the payment password (ACC-7).</summary>
public static class FundsEndpoints
{
    /// <param name="RequestId">The client's idempotency key (or the <c>Idempotency-Key</c> header): a repeat answers the first movement.</param>
    public sealed record MovementRequest(string? CardToken, long AmountFen, string? PaymentPassword, string? VerificationCode = null,
        string? RequestId = null);
    public sealed record MovementDto(Guid Id, string Kind, string Status, long AmountFen, string Amount, string Card, string Bank,
        string? FailureCode, string CreatedAt, string? ResolvedAt);

    public static void Map(WebApplication app)
    {
        var me = app.MapGroup("/api/wallet/me").WithTags("Wallet: top-up and withdrawal").RequireAuthorization(WalletSessions.Scheme);
        me.MapPost("/top-ups", (MovementRequest r, ClaimsPrincipal u, IServiceProvider s, HttpContext h) => StartAsync(FundMovements.TopUp, r, u, s, h));
        me.MapPost("/withdrawals", (MovementRequest r, ClaimsPrincipal u, IServiceProvider s, HttpContext h) =>
            StartAsync(FundMovements.Withdrawal, r, u, s, h));
        me.MapGet("/fund-movements/{id:guid}", async (Guid id, ClaimsPrincipal u, DatabaseOptions database, HttpContext h) =>
        {
            await using var db = database.CreateContext();
            var userId = u.UserId();
            var row = await db.Set<FundMovementRow>().AsNoTracking().FirstOrDefaultAsync(m => m.Id == id && m.UserId == userId, h.RequestAborted);
            return row is null ? FundsErrors.MovementNotFound.ToResult(h) : Results.Ok(Dto(row));
        });
    }

    public static MovementDto Dto(FundMovementRow m) => new(m.Id, m.Kind, m.Status, m.AmountFen, new Money(m.AmountFen).ToString(), m.CardMasked,
        m.Bank, m.FailureCode, ChinaTime.Format(m.CreatedAt), m.ResolvedAt is { } r ? ChinaTime.Format(r) : null);

    private static async Task<IResult> StartAsync(string kind, MovementRequest request, ClaimsPrincipal principal, IServiceProvider services,
        HttpContext context)
    {
        if (!Hosting.RequestIds.IsValid(context, request.RequestId))
        {
            return Transfers.TransferErrors.InvalidRequestId.ToResult(context); // required: every money move is idempotent
        }
        var requestId = Hosting.RequestIds.Of(context, request.RequestId)!;
        var (movement, error, refusal) = await services.GetRequiredService<WalletFunds>().StartAsync(kind, principal.UserId(),
            request.CardToken, request.AmountFen, request.PaymentPassword, request.VerificationCode, requestId, Risk.RiskOrigin.Of(context),
            context.RequestAborted);
        if (refusal is not null)
        {
            return FundsErrors.LimitRefused(refusal, context);
        }
        if (error is not null)
        {
            return error.ToResult(context);
        }
        var dto = Dto(movement!);
        return movement!.Status switch
        {
            FundMovements.Succeeded => Results.Created($"/api/wallet/me/fund-movements/{dto.Id}", dto),
            FundMovements.Failed => Hosting.ApiProblem.Create(context, 422, "BANK_DECLINED", $"银行未能完成：{dto.FailureCode}",
                $"The bank declined: {dto.FailureCode}"),
            _ => Results.Accepted($"/api/wallet/me/fund-movements/{dto.Id}", dto),
        };
    }
}
