using Zhifu.Core;
using Zhifu.Core.Banking;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.RealName.Limits;

namespace Zhifu.Server.Funds;

/// <summary>What a top-up or withdrawal came to: the movement, or a refusal (a wallet error or a class limit, ACC-2).</summary>
public sealed record FundsOutcome(FundMovementRow? Movement, WalletError? Error, LimitRefusal? Refusal);

/// <summary>
/// Starts a holder's top-up or withdrawal with a bound card (CARD-2, CARD-3), authorized with the payment password (ACC-7) and
/// checked by risk control (RISK-1 … RISK-4) — the one path the Wallet API and the wallet console both take.
/// </summary>
public sealed class WalletFunds(FundsOptions options, IBoundCards boundCards, WalletAccounts accounts, IFundsGuard fundsGuard,
    WalletCredentials credentials, IClock clock, Risk.RiskCheck riskCheck, FundMovements movements, OwnCardWithdrawals withdrawals,
    Risk.RiskCases riskCases, Risk.IRiskEngine riskEngine, PayerClaims payerClaims)
{
    public long MaxFen(string kind) => kind == FundMovements.TopUp ? options.TopUpMaxFen : options.WithdrawalMaxFen;

    /// <param name="requestId">The client's idempotency key (required): the movement's id is derived from it, so a repeat (a retry
    /// after a timeout, a second tap) answers the first movement instead of starting another.</param>
    public async Task<FundsOutcome> StartAsync(string kind, Guid userId, string? cardToken, long amountFen, string? paymentPassword,
        string? verificationCode, string? requestId, Risk.RiskOrigin origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(origin);
        if (!Hosting.RequestIds.IsWellFormed(requestId))
        {
            return Refused(Transfers.TransferErrors.InvalidRequestId);
        }
        if (amountFen <= 0 || amountFen > MaxFen(kind))
        {
            return Refused(FundsErrors.BadAmount);
        }
        if (cardToken is not { Length: > 0 and <= 64 })
        {
            return Refused(FundsErrors.CardNotFound);
        }
        var card = await boundCards.FindAsync(userId, cardToken, cancellationToken);
        if (card is null)
        {
            return Refused(FundsErrors.CardNotFound);
        }
        if (kind == FundMovements.Withdrawal && card.CardType != BankCardType.Debit)
        {
            return Refused(FundsErrors.CreditCardCannotReceive);
        }
        var movementId = DerivedIds.For(userId, "funds:" + requestId);
        if (await movements.FindMovementAsync(movementId) is { } earlier)
        {
            return Repeat(earlier, kind, amountFen, card);
        }
        // RISK-2: a withdrawal is decided and started while it holds the payer's claim (as transfers are): withdrawals sent at
        // once are counted one after another in the velocity windows, never all checked against the same empty window.
        await using var claim = kind == FundMovements.Withdrawal ? await payerClaims.ClaimAsync(userId, cancellationToken) : null;
        if (kind == FundMovements.Withdrawal && claim is null)
        {
            return Refused(Transfers.TransferErrors.PayerBusy);
        }
        if (claim is not null && await movements.FindMovementAsync(movementId) is { } waitedFor)
        {
            return Repeat(waitedFor, kind, amountFen, card); // a second tap that waited for the first's claim: the first's movement
        }
        var (outcome, written) = await StartNewAsync(movementId, kind, userId, card, amountFen, paymentPassword, verificationCode,
            origin, cancellationToken);
        // A second tap sent with the first (same requestId) passed the look above before the first wrote its movement; its checks
        // may then see the first's money and refuse (a class limit, the day's count, a risk rule). Refused before it wrote
        // anything, it answers the first movement instead — the same answer a tap a moment later gets.
        return !written && await movements.FindMovementAsync(movementId) is { } raced
            ? Repeat(raced, kind, amountFen, card)
            : outcome;
    }

    /// <summary>The movement a repeated requestId asked for, or the refusal of a requestId reused for another movement.</summary>
    private static FundsOutcome Repeat(FundMovementRow earlier, string kind, long amountFen, BoundCard card) =>
        earlier.Kind == kind && earlier.AmountFen == amountFen && earlier.CardToken == card.Token
            ? new FundsOutcome(earlier, null, null)
            : Refused(FundsErrors.RequestIdReused);

    /// <summary>The checks, then the movement; <c>Written</c> false when refused before anything of it was written.</summary>
    private async Task<(FundsOutcome Outcome, bool Written)> StartNewAsync(Guid movementId, string kind, Guid userId, BoundCard card,
        long amountFen, string? paymentPassword, string? verificationCode, Risk.RiskOrigin origin, CancellationToken cancellationToken)
    {
        var user = (await accounts.FindAsync(userId, cancellationToken))!;
        if (user.MustChangeLoginPassword)
        {
            return (Refused(WalletErrors.MustChangePassword), false);
        }
        if (await fundsGuard.CheckAsync(user, kind, amountFen, cancellationToken) is { } guard)
        {
            return (Refused(guard), false);
        }
        if (await credentials.VerifyPaymentPasswordAsync(userId, paymentPassword, cancellationToken) is { } password)
        {
            return (Refused(password), false);
        }
        var riskEvent = new Risk.RiskEvent(kind == FundMovements.TopUp ? Risk.RiskKinds.TopUp : Risk.RiskKinds.Withdrawal, movementId,
            userId, amountFen, clock.UtcNow, CardToken: card.Token, DeviceKey: origin.DeviceKey, Region: origin.Region);
        var (decision, riskRefusal) = await riskCheck.CheckAsync(riskEvent, user,
            verificationCode is { Length: <= 16 } code ? code : null, cancellationToken);
        if (riskRefusal is not null)
        {
            return (Refused(riskRefusal), false); // RISK-1
        }
        var review = decision.Action == Risk.RiskAction.Review;
        FundMovementRow? movement;
        if (kind == FundMovements.TopUp)
        {
            // CARD-3: money from a credit card lands in the consumption-only funds.
            var account = card.CardType == BankCardType.Credit ? user.ConsumptionAccountId : user.WalletAccountId;
            WalletError? error;
            try
            {
                (movement, error) = await movements.StartAsync(movementId, userId, kind, card, amountFen, account, review);
            }
            catch (Core.Ledger.LedgerUnavailableException)
            {
                return (Refused(FundsErrors.Unavailable), true); // nothing held; the recovery worker ends the record as not held (CARD-4)
            }
            if (error is not null)
            {
                return (Refused(error), true);
            }
        }
        else
        {
            // CARD-3: withdrawals leave only from the ordinary balance; ACC-2: within the class's limits.
            var (withdrawn, error, refusal, written) = await withdrawals.WithdrawAsync(movementId, userId, card, amountFen,
                user.WalletAccountId, review, cancellationToken);
            if (refusal is not null || error is not null)
            {
                return (new FundsOutcome(null, error, refusal), written);
            }
            movement = withdrawn;
        }
        if (movement!.Status == FundMovements.Review)
        {
            await riskCases.OpenAsync(decision, Risk.RiskCases.KindReview, CancellationToken.None);
        }
        else if (movement.Status != FundMovements.Failed)
        {
            await riskEngine.CompletedAsync(riskEvent, CancellationToken.None);
        }
        return (new FundsOutcome(movement, null, null), true);
    }

    private static FundsOutcome Refused(WalletError error) => new(null, error, null);
}
