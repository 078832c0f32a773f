using System.Collections.Concurrent;
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
    Risk.RiskCases riskCases, Risk.IRiskEngine riskEngine, PayerClaims payerClaims, PayerTurns payerTurns)
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
        // A second tap of the same requestId while the first is under way in this process waits for the first and answers its
        // movement: decided on its own it would be risk-checked as a second movement (a false alert for a velocity rule) only
        // to be answered the first movement after all.
        var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        while (!_underWay.TryAdd(movementId, mine.Task))
        {
            if (_underWay.TryGetValue(movementId, out var first))
            {
                try
                {
                    await first.WaitAsync(UnderWayWaitMax, cancellationToken);
                }
                catch (TimeoutException)
                {
                    return Refused(FundsErrors.InProgress);
                }
            }
            if (await movements.FindMovementAsync(movementId) is { } tapped)
            {
                return Repeat(tapped, kind, amountFen, card);
            }
        }
        try
        {
            return await StartOnceAsync(movementId, kind, userId, card, amountFen, paymentPassword, verificationCode, origin,
                cancellationToken);
        }
        finally
        {
            _underWay.TryRemove(movementId, out _);
            mine.SetResult();
        }
    }

    /// <summary>Top-ups and withdrawals under way in this process, by movement id; as many entries as requests in flight.</summary>
    private readonly ConcurrentDictionary<Guid, Task> _underWay = new();

    /// <summary>How long a second tap waits for the first: its password check, the payer's turn or claim, and the bank.</summary>
    private static readonly TimeSpan UnderWayWaitMax = TimeSpan.FromSeconds(30);

    private async Task<FundsOutcome> StartOnceAsync(Guid movementId, string kind, Guid userId, BoundCard card, long amountFen,
        string? paymentPassword, string? verificationCode, Risk.RiskOrigin origin, CancellationToken cancellationToken)
    {
        // RISK-2: a withdrawal is decided and started while it holds the payer's claim (as transfers are): withdrawals sent at
        // once are counted one after another in the velocity windows, never all checked against the same empty window.
        await using var claim = kind == FundMovements.Withdrawal ? await payerClaims.ClaimAsync(userId, cancellationToken) : null;
        if (kind == FundMovements.Withdrawal && claim is null)
        {
            return Refused(Transfers.TransferErrors.PayerBusy);
        }
        if (claim is not null && await movements.FindMovementAsync(movementId) is { } waitedFor)
        {
            return Repeat(waitedFor, kind, amountFen, card); // a second tap (on another server) that waited for the first's claim
        }
        var (outcome, written) = await StartNewAsync(movementId, kind, userId, card, amountFen, paymentPassword, verificationCode,
            origin, cancellationToken);
        // A second tap sent with the first (same requestId) to another server passed the looks above before the first wrote its
        // movement; its checks may then see the first's money and refuse (a class limit, the day's count, a risk rule). Refused
        // before it wrote anything, it answers the first movement instead — the same answer a tap a moment later gets.
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
        if (kind != FundMovements.TopUp)
        {
            return await WithdrawAsync(movementId, user, card, amountFen, riskEvent, verificationCode, cancellationToken);
        }
        // RISK-2: a top-up is decided in the payer's turn (as payments are) and counted in the velocity windows at its decision,
        // so top-ups sent at once cannot all pass a rule that counts them; one that does not start after all is taken back out,
        // a held one counts when its case releases it. The turn lasts the in-memory decision only, not the bank's answer.
        Risk.RiskDecision decision;
        using (var turn = await payerTurns.TakeAsync(userId, cancellationToken))
        {
            if (turn is null)
            {
                return (Refused(Payments.PaymentErrors.PayerBusy), false); // a payment or transfer of the payer held it past the wait
            }
            WalletError? riskRefusal;
            (decision, riskRefusal) = await Decide(riskEvent, user, verificationCode, cancellationToken);
            if (riskRefusal is not null)
            {
                return (Refused(riskRefusal), false); // RISK-1
            }
            if (decision.Action != Risk.RiskAction.Review)
            {
                riskEngine.Counted(riskEvent);
            }
        }
        // One that does not start (nothing held or asked of the bank) is taken back out; one whose end is not known (an error
        // after the bank was asked) stays counted, erring towards counting.
        var counted = decision.Action != Risk.RiskAction.Review;
        (FundsOutcome, bool) NotStarted(FundsOutcome outcome)
        {
            if (counted)
            {
                riskEngine.Uncounted(riskEvent);
            }
            return (outcome, true);
        }
        // CARD-3: money from a credit card lands in the consumption-only funds.
        var account = card.CardType == BankCardType.Credit ? user.ConsumptionAccountId : user.WalletAccountId;
        FundMovementRow? movement;
        WalletError? error;
        bool repeated;
        try
        {
            (movement, error, repeated) = await movements.StartAsync(movementId, userId, FundMovements.TopUp, card, amountFen, account,
                decision.Action == Risk.RiskAction.Review);
        }
        catch (Core.Ledger.LedgerUnavailableException)
        {
            return NotStarted(Refused(FundsErrors.Unavailable)); // nothing held; the recovery worker ends the record as not held (CARD-4)
        }
        if (error is not null)
        {
            return NotStarted(Refused(error));
        }
        if (repeated || movement!.Status == FundMovements.Failed)
        {
            return NotStarted(new FundsOutcome(movement, null, null)); // a double tap on another server (the first counted it), or failed
        }
        await FollowUpAsync(movement, decision, riskEngine.LearnedAsync);
        return (new FundsOutcome(movement, null, null), true);
    }

    private Task<(Risk.RiskDecision, WalletError?)> Decide(Risk.RiskEvent riskEvent, UserRow user, string? verificationCode,
        CancellationToken cancellationToken) =>
        riskCheck.CheckAsync(riskEvent, user, verificationCode is { Length: <= 16 } code ? code : null, cancellationToken);

    /// <summary>A withdrawal: decided and started in the payer's claim (<see cref="StartAsync"/>), counted once it started.</summary>
    private async Task<(FundsOutcome Outcome, bool Written)> WithdrawAsync(Guid movementId, UserRow user, BoundCard card,
        long amountFen, Risk.RiskEvent riskEvent, string? verificationCode, CancellationToken cancellationToken)
    {
        var (decision, riskRefusal) = await Decide(riskEvent, user, verificationCode, cancellationToken);
        if (riskRefusal is not null)
        {
            return (Refused(riskRefusal), false); // RISK-1
        }
        // CARD-3: withdrawals leave only from the ordinary balance; ACC-2: within the class's limits.
        var (withdrawn, error, refusal, written) = await withdrawals.WithdrawAsync(movementId, user.Id, card, amountFen,
            user.WalletAccountId, decision.Action == Risk.RiskAction.Review, cancellationToken);
        if (refusal is not null || error is not null)
        {
            return (new FundsOutcome(null, error, refusal), written);
        }
        await FollowUpAsync(withdrawn!, decision, riskEngine.CompletedAsync);
        return (new FundsOutcome(withdrawn, null, null), true);
    }

    /// <summary>A held movement opens its review case; one that started has <paramref name="completed"/> told of it.</summary>
    private async Task FollowUpAsync(FundMovementRow movement, Risk.RiskDecision decision,
        Func<Risk.RiskEvent, CancellationToken, Task> completed)
    {
        if (movement.Status == FundMovements.Review)
        {
            await riskCases.OpenAsync(decision, Risk.RiskCases.KindReview, CancellationToken.None);
        }
        else if (movement.Status != FundMovements.Failed)
        {
            await completed(decision.Event, CancellationToken.None);
        }
    }

    private static FundsOutcome Refused(WalletError error) => new(null, error, null);
}
