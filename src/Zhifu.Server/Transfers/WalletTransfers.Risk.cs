using Microsoft.EntityFrameworkCore;
using Zhifu.Data.Entities;
using Zhifu.Server.Risk;

namespace Zhifu.Server.Transfers;

/// <summary>
/// Transfers under risk control (RISK-1): every transfer is decided before it moves; a wallet transfer held for review is a
/// hold payer → payee (with its limit legs) that the case decision posts or voids.
/// </summary>
public sealed partial class WalletTransfers : IRiskHold
{
    string IRiskHold.Kind => RiskKinds.Transfer;

    /// <summary>Money held rather than moved: a delayed arrival (TRF-2) or a review (RISK-1).</summary>
    private static bool IsHeld(WalletTransferRow row) => row.Arrival != RealTime || row.RiskReview;

    async Task<IReadOnlyList<RiskEvent>> IRiskHold.HeldWithoutCaseAsync(DateTimeOffset before, int max, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var cases = RiskCases.UndecidedReviews(db);
        var held = await db.Set<WalletTransferRow>().AsNoTracking()
            .Where(t => t.Status == UnderReview && t.Kind == KindWallet && t.CreatedAt < before && !cases.Any(c => c.BusinessId == t.Id))
            .OrderBy(t => t.CreatedAt).Take(max).ToListAsync(cancellationToken);
        return [.. held.Select(t => new RiskEvent(RiskKinds.Transfer, t.Id, t.PayerUserId, t.AmountFen, t.CreatedAt, PayeeUserId: t.PayeeUserId))];
    }

    private RiskEvent RiskEventOf(Guid id, UserRow payer, TransferOrder order, TransferTarget target) => new(
        target.Card is null ? RiskKinds.Transfer : RiskKinds.Withdrawal, id, payer.Id, order.AmountFen, clock.UtcNow,
        PayeeUserId: target.Payee?.Id, CardToken: target.Card?.Token, DeviceKey: order.Origin.DeviceKey, Region: order.Origin.Region);

    private static TransferProblem? RiskRefusal(RiskDecision decision) =>
        decision.Action == RiskAction.Block ? TransferProblem.From(RiskErrors.Blocked) : null;

    /// <summary>Opens the review case of a held transfer; teaches the engine a transfer that went through.</summary>
    private async Task RiskFollowUpAsync(WalletTransferRow? row, RiskDecision decision)
    {
        if (row is null)
        {
            return;
        }
        if (decision.Action == RiskAction.Review)
        {
            // A wallet transfer is held as the transfer itself; a card transfer by its fund movement, the bank not yet asked.
            await cases.OpenAsync(decision, RiskCases.KindReview, CancellationToken.None);
            return;
        }
        await risk.CompletedAsync(decision.Event, CancellationToken.None);
    }

    /// <summary>
    /// What a decision asked again finds when the transfer left review already: a decision of this case that stopped before
    /// recording itself. Arrived or waiting to arrive: released (a void asked now finds it released — its retry refused by a
    /// restriction since); failed by the review: voided; revoked by the payer: ended otherwise.
    /// </summary>
    private static RiskHoldOutcome Settled(WalletTransferRow? row, bool post) => row?.Status switch
    {
        Succeeded or Pending => post ? RiskHoldOutcome.Done : RiskHoldOutcome.ReleasedInstead,
        Failed when row.FailureCode == RiskRejected => post ? RiskHoldOutcome.VoidedInstead : RiskHoldOutcome.Done,
        _ => RiskHoldOutcome.EndedOtherwise,
    };

    private const string RiskRejected = "RISK_REJECTED";

    /// <summary>The case released it: a real-time transfer arrives now; a delayed one keeps its arrival time (TRF-2).</summary>
    public async Task<RiskHoldOutcome> ReleaseAsync(Guid businessId, CancellationToken cancellationToken)
    {
        var row = await FindAsync(businessId);
        if (row?.Status != UnderReview)
        {
            return Settled(row, post: true);
        }
        var arrives = row.Arrival == RealTime ? row.CreatedAt : row.CreatedAt.AddHours(DelayHours(row.Arrival));
        if (arrives > clock.UtcNow)
        {
            (row.Status, row.ArrivesAt) = (Pending, arrives); // still a hold: the release worker posts it, the payer may revoke
        }
        else
        {
            if (!await PartiesMayMoveAsync(row))
            {
                return RiskHoldOutcome.Restricted;
            }
            switch (await ResolveLegsAsync(row, post: true, withMoney: true))
            {
                case null:
                    return RiskHoldOutcome.Unavailable;
                case false:
                    return RiskHoldOutcome.EndedOtherwise;
            }
            (row.Status, row.ArrivesAt, row.ResolvedAt) = (Succeeded, clock.UtcNow, clock.UtcNow);
        }
        return await RecordReleasedAsync(row, RiskHoldOutcome.Done);
    }

    /// <summary>A release's record on the transfer (from under review; else it ended otherwise meanwhile), the payer's activity,
    /// and the parties told.</summary>
    private async Task<RiskHoldOutcome> RecordReleasedAsync(WalletTransferRow row, RiskHoldOutcome outcome)
    {
        if (!await UpdateAsync(row, UnderReview))
        {
            return RiskHoldOutcome.EndedOtherwise;
        }
        await TouchAsync(row.PayerUserId);
        await notices.ReviewedAsync(row, released: true);
        return outcome;
    }

    /// <summary>The case voided it: the hold and its limit legs are voided, the money is the payer's again.</summary>
    public async Task<RiskHoldOutcome> VoidAsync(Guid businessId, CancellationToken cancellationToken)
    {
        var row = await FindAsync(businessId);
        if (row?.Status != UnderReview)
        {
            return Settled(row, post: false);
        }
        switch (await ResolveLegsAsync(row, post: false, withMoney: true))
        {
            case null:
                return RiskHoldOutcome.Unavailable;
            case false:
                // already posted (a payer's revocation voids, it never posts): a release of this case moved the money and stopped
                // before recording it, then a restriction refused its retry — the transfer arrived, and is recorded so
                (row.Status, row.ArrivesAt, row.ResolvedAt) = (Succeeded, clock.UtcNow, clock.UtcNow);
                return await RecordReleasedAsync(row, RiskHoldOutcome.ReleasedInstead);
        }
        row.Status = Failed;
        (row.FailureCode, row.FailureZh, row.FailureEn) = (RiskRejected, "经风险审核未予放行，资金已退回", "Not cleared by risk review; the money is back");
        row.ResolvedAt = clock.UtcNow;
        if (!await UpdateAsync(row, UnderReview))
        {
            return RiskHoldOutcome.EndedOtherwise; // the payer revoked it in the same moment: the void is theirs
        }
        await notices.ReviewedAsync(row, released: false);
        return RiskHoldOutcome.Done;
    }
}
