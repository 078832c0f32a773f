using Microsoft.EntityFrameworkCore;
using Zhifu.Core.Banking;
using Zhifu.Data.Entities;
using Zhifu.Server.Risk;

namespace Zhifu.Server.Funds;

/// <summary>
/// A top-up or withdrawal held for risk review (RISK-1): the ledger hold stands and the bank is not asked until the case is
/// decided. Release asks the bank exactly as the start would have (CARD-4's recovery applies from then on); void voids the
/// hold and its limit legs as a bank refusal would.
/// </summary>
public sealed partial class FundMovements
{
    /// <summary>Held: the ledger hold is in place, the bank has not been asked.</summary>
    public const string Review = "review";

    /// <summary>The case released it: the bank is asked now.</summary>
    public async Task<RiskHoldOutcome> ReleaseReviewAsync(Guid movementId, IBoundCards cards, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cards);
        var movement = await FindMovementAsync(movementId);
        if (movement?.Status != Review)
        {
            return Settled(movement, post: true);
        }
        if (!await MayMoveAsync(movement))
        {
            return RiskHoldOutcome.Restricted; // held until the restriction is lifted, or voided by the case
        }
        var card = await cards.FindAsync(movement.UserId, movement.CardToken, cancellationToken);
        if (card is null || !await LeaveReviewAsync(movementId))
        {
            // the card was unbound since: the money goes back, and the case records the void it really was (RISK-4)
            return card is null
                ? await VoidReviewAsync(movementId) is RiskHoldOutcome.Done ? RiskHoldOutcome.VoidedInstead : RiskHoldOutcome.EndedOtherwise
                : RiskHoldOutcome.EndedOtherwise;
        }
        movement = (await FindMovementAsync(movementId))!;
        var hold = await HoldOrBarAsync(movement);
        if (hold is null)
        {
            await FinishAsync(movement, Failed, null, NotHeld); // never held (a crash before the hold): never sent (CARD-4)
            return RiskHoldOutcome.EndedOtherwise;
        }
        if (hold != Core.Ledger.PendingStatus.Open)
        {
            await ReleaseClaimAsync(movementId, movement.ResolvingSince!.Value); // ended otherwise: the recovery worker settles it
            return RiskHoldOutcome.EndedOtherwise;
        }
        var request = new BankMovementRequest(RequestId(movement), card.Bank, card.CardNumber, movement.AmountFen, Purpose(movement));
        await RecordAnswerAsync(movement, movement.Kind == TopUp ? await bank.DebitAsync(request, CancellationToken.None)
            : await bank.CreditAsync(request, CancellationToken.None));
        return RiskHoldOutcome.Done; // asked: whatever the ledger could record now, the case's decision is carried out
    }

    /// <summary>
    /// What a decision asked again finds when the movement left review already (only a decision of its case takes it out): one
    /// that left as voided (<see cref="RiskRejected"/>) was voided; one sent to the bank — pending, unknown, succeeded, or
    /// refused by the bank — was released by an earlier attempt that stopped before its case recorded it (RISK-4: the record
    /// says what happened to the money, never "revoked"); one never held ended otherwise.
    /// </summary>
    private static RiskHoldOutcome Settled(FundMovementRow? movement, bool post) => movement switch
    {
        null or { FailureCode: NotHeld } => RiskHoldOutcome.EndedOtherwise,
        { FailureCode: RiskRejected } => post ? RiskHoldOutcome.VoidedInstead : RiskHoldOutcome.Done,
        _ => post ? RiskHoldOutcome.Done : RiskHoldOutcome.ReleasedInstead,
    };

    /// <summary>The failure code of a movement a risk decision voided — set as it leaves review, so nothing ever sends it.</summary>
    public const string RiskRejected = "risk_rejected";

    /// <summary>
    /// The case voided it: the hold is voided as if the bank had refused. It leaves review marked <see cref="RiskRejected"/> in
    /// the same statement: a void interrupted after that (a crash, the ledger down) is finished by the recovery worker by a
    /// reversal, never by sending it to the bank, and by this decision when it is made again.
    /// </summary>
    public async Task<RiskHoldOutcome> VoidReviewAsync(Guid movementId)
    {
        if (!await LeaveReviewAsync(movementId, RiskRejected))
        {
            // this decision's own earlier void, interrupted — or finished by the recovery worker since
            var earlier = await FindMovementAsync(movementId);
            return earlier is { FailureCode: RiskRejected } && earlier.Status != Succeeded
                ? earlier.Status == Failed ? RiskHoldOutcome.Done : await VoidLeftAsync(earlier)
                : Settled(earlier, post: false);
        }
        return await VoidLeftAsync((await FindMovementAsync(movementId))!);
    }

    private async Task<RiskHoldOutcome> VoidLeftAsync(FundMovementRow movement)
    {
        if (await HoldOrBarAsync(movement) is null)
        {
            await FinishAsync(movement, Failed, null, NotHeld); // nothing was held: nothing to void
            return RiskHoldOutcome.Done;
        }
        await ApplyAsync(movement, BankOutcome.Failed, null, RiskRejected);
        return RiskHoldOutcome.Done;
    }

    /// <summary>
    /// The movement's hold as it stands in the ledger — or null, after making sure it never will be there: a transfer under
    /// the hold's id that the ledger refuses (0 fen) reserves the id, so a hold request still on its way answers that refusal
    /// instead of holding money for a movement settled as not held. The ledger's counterpart of the reversal that bars a late
    /// original at the bank (CARD-4).
    /// </summary>
    private Task<Core.Ledger.PendingStatus?> HoldOrBarAsync(FundMovementRow movement) => HoldOrBarAsync(movement.Id, Code(movement));

    private async Task<Core.Ledger.PendingStatus?> HoldOrBarAsync(Guid movementId, ushort code)
    {
        if (await HoldStatusAsync(movementId) is { } hold)
        {
            return hold;
        }
        await ledger.SubmitAsync([new Core.Ledger.Transfer
        {
            Id = movementId, Ledger = Core.Ledger.Ledgers.Cny, Code = code, BusinessId = movementId, AmountFen = 0,
        }], CancellationToken.None);
        return await HoldStatusAsync(movementId); // not null: the hold got in first after all
    }

    /// <summary>
    /// For a card transfer given up before its movement was written (the transfer worker's abandon): bars the movement's hold in
    /// the ledger, so a sender still running (only slow) can never hold its money nor ask the bank — its linked [legs…, hold]
    /// is refused whole. False when the hold got in first: then its movement exists and is followed as any.
    /// </summary>
    public async Task<bool> BarCardTransferAsync(Guid movementId) =>
        await HoldOrBarAsync(movementId, Core.Ledger.TransferCode.Withdrawal) is null;

    /// <summary>
    /// A movement recorded for review whose hold never reached the ledger (the ledger down, the process stopped) is failed as
    /// not-held once it is barred — unless a decision took it up meanwhile. Nothing was held, so no case is opened for it.
    /// </summary>
    public async Task<bool> FailUnheldReviewAsync(FundMovementRow movement)
    {
        ArgumentNullException.ThrowIfNull(movement);
        if (await HoldOrBarAsync(movement) is not null)
        {
            return false;
        }
        var now = clock.UtcNow;
        await using var db = database.CreateContext();
        return await db.Set<FundMovementRow>().Where(m => m.Id == movement.Id && m.Status == Review)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, Failed).SetProperty(m => m.FailureCode, NotHeld)
                .SetProperty(m => m.ResolvedAt, now).SetProperty(m => m.Version, m => m.Version + 1), CancellationToken.None) == 1;
    }

    /// <summary>review → pending, by exactly one caller, who holds the movement's claim until the outcome is recorded (the
    /// recovery worker must not resend a movement being voided, nor reverse one being sent); a void leaves its mark
    /// (<paramref name="voiding"/>) in the same statement.</summary>
    private async Task<bool> LeaveReviewAsync(Guid movementId, string? voiding = null)
    {
        var now = clock.UtcNow;
        await using var db = database.CreateContext();
        return await db.Set<FundMovementRow>().Where(m => m.Id == movementId && m.Status == Review)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, Pending).SetProperty(m => m.ResolvingSince, now)
                .SetProperty(m => m.FailureCode, voiding).SetProperty(m => m.Version, m => m.Version + 1), CancellationToken.None) == 1;
    }

    /// <summary>
    /// Top-ups (<paramref name="riskKind"/> top-up) or withdrawals and transfers to a card (withdrawal) held for review with no
    /// case (see <see cref="IRiskHold.HeldWithoutCaseAsync"/>). A transfer to a card is decided under the transfer's id.
    /// </summary>
    public async Task<IReadOnlyList<RiskEvent>> HeldWithoutCaseAsync(string riskKind, DateTimeOffset before, int max,
        CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var cases = RiskCases.UndecidedReviews(db);
        var kind = riskKind == RiskKinds.TopUp ? TopUp : Withdrawal;
        var own = await db.Set<FundMovementRow>().AsNoTracking()
            .Where(m => m.Status == Review && m.Kind == kind && m.CreatedAt < before && !cases.Any(c => c.BusinessId == m.Id)
                && db.LedgerPending.Any(p => p.Id == m.Id)) // never held: failed as not-held instead (FailUnheldReviewAsync)
            .OrderBy(m => m.CreatedAt).Take(max).ToListAsync(cancellationToken);
        var held = own.Select(m => new RiskEvent(riskKind, m.Id, m.UserId, m.AmountFen, m.CreatedAt, CardToken: m.CardToken)).ToList();
        if (riskKind == RiskKinds.Withdrawal)
        {
            var toCards = await (from t in db.Set<WalletTransferRow>()
                                 join m in db.Set<FundMovementRow>() on t.FundMovementId equals (Guid?)m.Id
                                 where m.Status == Review && m.Kind == CardTransfer && m.CreatedAt < before && !cases.Any(c => c.BusinessId == t.Id)
                                     && db.LedgerPending.Any(p => p.Id == m.Id)
                                 orderby m.CreatedAt
                                 select new { t.Id, m.UserId, m.AmountFen, m.CreatedAt, m.CardToken }).Take(max).ToListAsync(cancellationToken);
            held.AddRange(toCards.Select(t => new RiskEvent(riskKind, t.Id, t.UserId, t.AmountFen, t.CreatedAt, CardToken: t.CardToken)));
        }
        return held;
    }

    private static string Purpose(FundMovementRow movement) => movement.Kind switch
    {
        TopUp => "知付充值",
        CardTransfer => "知付转账到卡",
        _ => "知付提现",
    };
}

/// <summary>Risk review of top-ups and withdrawals (including a transfer to one's own card, whose movement it finds).</summary>
public sealed class FundsRiskHold(string kind, FundMovements movements, IBoundCards cards) : IRiskHold
{
    public string Kind => kind;

    public async Task<RiskHoldOutcome> ReleaseAsync(Guid businessId, CancellationToken cancellationToken) =>
        await movements.ReleaseReviewAsync(await MovementIdAsync(businessId), cards, cancellationToken);

    public async Task<RiskHoldOutcome> VoidAsync(Guid businessId, CancellationToken cancellationToken) =>
        await movements.VoidReviewAsync(await MovementIdAsync(businessId));

    public Task<IReadOnlyList<RiskEvent>> HeldWithoutCaseAsync(DateTimeOffset before, int max, CancellationToken cancellationToken) =>
        movements.HeldWithoutCaseAsync(kind, before, max, cancellationToken);

    /// <summary>A transfer to a card is decided under the transfer's id; its movement's id is derived from it.</summary>
    private async Task<Guid> MovementIdAsync(Guid businessId) =>
        await movements.FindMovementAsync(businessId) is not null ? businessId : Core.DerivedIds.For(businessId, "fund-movement");
}
