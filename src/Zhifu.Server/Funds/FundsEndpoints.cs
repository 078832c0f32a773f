using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Banking;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;

namespace Zhifu.Server.Funds;

/// <summary>Top-up and withdrawal over the Wallet API (CARD-2), authorized with the payment password (ACC-7).</summary>
public static class FundsEndpoints
{
    public sealed record MovementRequest(string? CardToken, long AmountFen, string? PaymentPassword, string? VerificationCode = null);
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
        var options = services.GetRequiredService<FundsOptions>();
        var max = kind == FundMovements.TopUp ? options.TopUpMaxFen : options.WithdrawalMaxFen;
        if (request.AmountFen <= 0 || request.AmountFen > max)
        {
            return FundsErrors.BadAmount.ToResult(context);
        }
        if (request.CardToken is not { Length: > 0 and <= 64 })
        {
            return FundsErrors.CardNotFound.ToResult(context);
        }
        var userId = principal.UserId();
        var card = await services.GetRequiredService<IBoundCards>().FindAsync(userId, request.CardToken, context.RequestAborted);
        if (card is null)
        {
            return FundsErrors.CardNotFound.ToResult(context);
        }
        if (kind == FundMovements.Withdrawal && card.CardType != BankCardType.Debit)
        {
            return FundsErrors.CreditCardCannotReceive.ToResult(context);
        }
        var user = (await services.GetRequiredService<WalletAccounts>().FindAsync(userId, context.RequestAborted))!;
        if (user.MustChangeLoginPassword)
        {
            return WalletErrors.MustChangePassword.ToResult(context);
        }
        var guard = await services.GetRequiredService<IFundsGuard>().CheckAsync(user, kind, request.AmountFen, context.RequestAborted);
        if (guard is not null)
        {
            return guard.ToResult(context);
        }
        var password = await services.GetRequiredService<WalletCredentials>()
            .VerifyPaymentPasswordAsync(userId, request.PaymentPassword, context.RequestAborted);
        if (password is not null)
        {
            return password.ToResult(context);
        }
        var origin = Risk.RiskOrigin.Of(context);
        var movementId = Guid.CreateVersion7();
        var riskEvent = new Risk.RiskEvent(kind == FundMovements.TopUp ? Risk.RiskKinds.TopUp : Risk.RiskKinds.Withdrawal, movementId,
            userId, request.AmountFen, services.GetRequiredService<IClock>().UtcNow, CardToken: card.Token, DeviceKey: origin.DeviceKey,
            Region: origin.Region);
        var (decision, riskRefusal) = await services.GetRequiredService<Risk.RiskCheck>().CheckAsync(riskEvent, user,
            request.VerificationCode is { Length: <= 16 } code ? code : null, context.RequestAborted);
        var review = decision.Action == Risk.RiskAction.Review;
        if (riskRefusal is not null)
        {
            return riskRefusal.ToResult(context); // RISK-1
        }
        FundMovementRow? movement;
        if (kind == FundMovements.TopUp)
        {
            // CARD-3: money from a credit card lands in the consumption-only funds.
            var account = card.CardType == BankCardType.Credit ? user.ConsumptionAccountId : user.WalletAccountId;
            (movement, var error) = await services.GetRequiredService<FundMovements>()
                .StartAsync(movementId, userId, kind, card, request.AmountFen, account, review);
            if (error is not null)
            {
                return error.ToResult(context);
            }
        }
        else
        {
            // CARD-3: withdrawals leave only from the ordinary balance; ACC-2: within the class's limits.
            var (withdrawn, error, refusal) = await services.GetRequiredService<OwnCardWithdrawals>()
                .WithdrawAsync(movementId, userId, card, request.AmountFen, user.WalletAccountId, review, context.RequestAborted);
            if (refusal is not null)
            {
                return FundsErrors.LimitRefused(refusal, context);
            }
            if (error is not null)
            {
                return error.ToResult(context);
            }
            movement = withdrawn;
        }
        var dto = Dto(movement!);
        if (movement!.Status == FundMovements.Review)
        {
            await services.GetRequiredService<Risk.RiskCases>().OpenAsync(decision, Risk.RiskCases.KindReview, CancellationToken.None);
        }
        else if (movement.Status != FundMovements.Failed)
        {
            await services.GetRequiredService<Risk.IRiskEngine>().CompletedAsync(riskEvent, CancellationToken.None);
        }
        return movement!.Status switch
        {
            FundMovements.Succeeded => Results.Created($"/api/wallet/me/fund-movements/{dto.Id}", dto),
            FundMovements.Failed => Hosting.ApiProblem.Create(context, 422, "BANK_DECLINED", $"银行未能完成：{dto.FailureCode}",
                $"The bank declined: {dto.FailureCode}"),
            _ => Results.Accepted($"/api/wallet/me/fund-movements/{dto.Id}", dto),
        };
    }
}
