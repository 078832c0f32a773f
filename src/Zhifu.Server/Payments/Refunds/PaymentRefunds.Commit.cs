using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.MerchantApi;

namespace Zhifu.Server.Payments.Refunds;

public sealed partial class PaymentRefunds
{
    /// <summary>403 NOT_ENOUGH: the merchant's settlement balance cannot cover the refund.</summary>
    public static V3Error NotEnough { get; } = new(403, "NOT_ENOUGH", "商户待结算余额不足，无法退款 (the merchant's balance cannot cover the refund)");

    /// <summary>
    /// Submits a refund's in-flight ledger request (again, after an interruption: same ids answer the first outcome) and
    /// records what it did: a hold now awaits review; a posted refund is SUCCESS; a voided one CLOSED — each with its callback
    /// in the same commit. A request refused on its first try moved nothing and leaves no refund (the merchant may try the same
    /// out_refund_no again); refused later (after a crash), the refund closes.
    /// </summary>
    public async Task<(PaymentRefundRow? Refund, V3Error? Error)> CommitAsync(Guid refundId, IReadOnlyList<Transfer> chain, bool firstTry)
    {
        TransferResult[] results;
        try
        {
            results = await ledger.SubmitAsync(chain, CancellationToken.None);
        }
        catch (LedgerUnavailableException)
        {
            return (await FindAsync(refundId), null); // PROCESSING, as the protocol allows; the worker submits the same chain again
        }
        await using var db = database.CreateContext();
        await using var tx = await db.Database.BeginTransactionAsync(CancellationToken.None);
        var refund = await db.Set<PaymentRefundRow>().FirstOrDefaultAsync(r => r.Id == refundId, CancellationToken.None);
        if (refund is null)
        {
            return (null, null); // removed by its first try, refused, while this (the worker's) request was at the ledger
        }
        if (refund.Status != Processing || !InFlight(refund, chain))
        {
            // Settled meanwhile by the worker or a racing caller — or this caller's chain is an older one (a worker that read
            // the hold chain before the review stored its decision): what is in flight now is its submitter's to record.
            return (refund, null);
        }
        var order = await db.Set<PaymentOrderRow>().AsNoTracking().FirstAsync(o => o.Id == refund.OrderId, CancellationToken.None);
        V3Error? error = null;
        var flags = chain.Aggregate(TransferFlags.None, (all, t) => all | t.Flags);
        if (results[^1].IsSuccess())
        {
            (refund.ChainJson, refund.SubmittedAt) = (null, null);
            if (flags.HasFlag(TransferFlags.VoidPending))
            {
                await CloseAsync(db, refund, order);
            }
            else if (!flags.HasFlag(TransferFlags.Pending))
            {
                (refund.Status, refund.SuccessTime) = (Success, clock.UtcNow);
                await notifications.AddAsync(db, refund.MerchantId, refund.MchId, refund.Id, refund.NotifyUrl ?? order.NotifyUrl,
                    "REFUND.SUCCESS", "退款成功", "refund", RefundView.Notice(refund, order));
            }
        }
        else if (firstTry && InFirstTry(refund))
        {
            db.Remove(refund);
            await GiveBackAsync(db, refund, removed: true);
            error = results.Contains(TransferResult.ExceedsCredits) ? NotEnough
                : results.Contains(TransferResult.CreditAccountAlreadyClosed) ? PayerUnavailable // closed meanwhile (ACC-6)
                : V3Error.SystemError;
            if (error == V3Error.SystemError)
            {
                logger.LogError("refund {RefundId} refused by the ledger: {Results}", refund.RefundId, string.Join(",", results));
            }
        }
        else
        {
            logger.LogWarning("refund {RefundId} refused by the ledger after an interruption ({Results}): closed", refund.RefundId,
                string.Join(",", results));
            refund.ChainJson = null;
            if (refund.Review == AwaitingReview)
            {
                refund.Review = Lapsed; // closed undecided: out of the review queue, shown as such
            }
            await CloseAsync(db, refund, order);
        }
        refund.Version++;
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateConcurrencyException)
        {
            // another caller (a worker on another replica, a reviewer) recorded this outcome first: answer the refund as it is
            await tx.RollbackAsync(CancellationToken.None);
            return (await FindAsync(refundId), null);
        }
        await tx.CommitAsync(CancellationToken.None);
        notifications.Wake();
        return error is null ? (refund, null) : (null, error);
    }

    /// <summary>
    /// Whether the refund's first ledger request may still be under way: submitted less than <c>PayingRecoverySeconds</c> ago.
    /// Within it a refusal removes the refund (nothing moved; the same out_refund_no may be sent again) and repeats are asked to
    /// wait; past it the worker owns the request and a refusal closes the refund (REFUND.CLOSED) instead of removing one a
    /// repeat was already answered PROCESSING about.
    /// </summary>
    private bool InFirstTry(PaymentRefundRow refund) => refund.Status == Processing && refund.ChainJson is not null
        && refund.SubmittedAt > clock.UtcNow.AddSeconds(-options.PayingRecoverySeconds) && refund.Version == 0;

    /// <summary>Whether <paramref name="chain"/> is the refund's ledger request in flight (the same transfer ids).</summary>
    private static bool InFlight(PaymentRefundRow refund, IReadOnlyList<Transfer> chain) =>
        refund.ChainJson is { } json && JsonSerializer.Deserialize<Transfer[]>(json)!.Select(t => t.Id).SequenceEqual(chain.Select(t => t.Id));

    /// <summary>CLOSED: the amount becomes refundable again, and the merchant is told by REFUND.CLOSED.</summary>
    private async Task CloseAsync(ZhifuDb db, PaymentRefundRow refund, PaymentOrderRow order)
    {
        (refund.Status, refund.ClosedAt, refund.SubmittedAt) = (Closed, clock.UtcNow, null);
        await GiveBackAsync(db, refund, removed: false);
        await notifications.AddAsync(db, refund.MerchantId, refund.MchId, refund.Id, refund.NotifyUrl ?? order.NotifyUrl,
            "REFUND.CLOSED", "退款关闭", "refund", RefundView.Notice(refund, order));
    }

    /// <summary>Releases the refund's reservation on its order (one atomic update, whatever other refunds do meanwhile).</summary>
    private static Task<int> GiveBackAsync(ZhifuDb db, PaymentRefundRow refund, bool removed) =>
        db.Set<PaymentOrderRow>().Where(o => o.Id == refund.OrderId).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.RefundedFen, o => o.RefundedFen - refund.RefundFen)
            .SetProperty(o => o.RefundCount, o => o.RefundCount - (removed ? 1 : 0))
            .SetProperty(o => o.Version, o => o.Version + 1));

    /// <summary>
    /// 退款审核 (PAY-4): a reviewer of the merchant approves (the holds post) or rejects (they void) a refund awaiting review.
    /// Deciding again the same way answers the refund; the other way is refused, and so is deciding a refund that closed
    /// undecided (its holds were refused after an interruption: nothing to post or void, its amount already given back).
    /// </summary>
    public async Task<(PaymentRefundRow? Refund, string? Refusal)> ReviewAsync(Guid merchantId, string refundId, bool approve,
        string reviewer, string? note, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var refund = await db.Set<PaymentRefundRow>().FirstOrDefaultAsync(r => r.MerchantId == merchantId && r.RefundId == refundId, ct);
        if (refund is null)
        {
            return (null, "REFUND_NOT_FOUND");
        }
        var decided = approve ? Approved : Rejected;
        if (!Reviewable(refund))
        {
            return refund.Review == decided ? (refund, null) : (null, "REFUND_NOT_AWAITING_REVIEW");
        }
        if (refund.ChainJson is not null)
        {
            return (null, "REFUND_IN_PROGRESS"); // its hold is still being placed
        }
        if (approve && refund.RequestedBy == reviewer)
        {
            return (null, "REFUND_REVIEWER_IS_REQUESTER"); // PAY-4: a review is a second person's (the requester may still reject)
        }
        var merchant = await db.Merchants.AsNoTracking().FirstAsync(m => m.Id == merchantId, ct);
        var order = await db.Set<PaymentOrderRow>().AsNoTracking().FirstAsync(o => o.Id == refund.OrderId, ct);
        var payer = await db.Users.AsNoTracking().FirstAsync(u => u.Id == order.PayerUserId, ct);
        if (approve && await guard.EnsureCanTransactAsync(payer.Id, Lifecycle.Business.NonCounterIn, ct) is not null)
        {
            // checked when the refund was requested, and again now: the wallet may have been listed, frozen against receiving
            // or made dormant while the refund waited (ACC-4 … ACC-6); it stays awaiting review (it can still be rejected)
            return (null, "REFUND_PAYER_UNAVAILABLE");
        }
        var chain = RefundLedger.Resolve(money.Moves(refund, merchant, payer, hold: true), approve);
        (refund.Review, refund.ReviewedBy, refund.ReviewNote) = (decided, reviewer, note);
        (refund.ChainJson, refund.SubmittedAt) = (JsonSerializer.Serialize(chain), clock.UtcNow);
        refund.Version++;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return (null, "REFUND_IN_PROGRESS");
        }
        var (done, _) = await CommitAsync(refund.Id, chain, firstTry: false);
        return (done, null);
    }

    /// <summary>Submits again every refund whose ledger request was interrupted (at most 16 a round).</summary>
    public async Task RecoverAsync(CancellationToken ct)
    {
        var before = clock.UtcNow.AddSeconds(-options.PayingRecoverySeconds);
        List<PaymentRefundRow> stuck;
        await using (var db = database.CreateContext())
        {
            stuck = await db.Set<PaymentRefundRow>().AsNoTracking()
                .Where(r => r.Status == Processing && r.SubmittedAt != null && r.SubmittedAt < before).Take(16).ToListAsync(ct);
        }
        foreach (var refund in stuck)
        {
            await CommitAsync(refund.Id, JsonSerializer.Deserialize<Transfer[]>(refund.ChainJson!)!, firstTry: false);
        }
    }

    public async Task<PaymentRefundRow?> FindAsync(Guid id)
    {
        await using var db = database.CreateContext();
        return await db.Set<PaymentRefundRow>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id);
    }

    /// <summary>查询单笔退款: the merchant's refund by out_refund_no, with its order.</summary>
    public async Task<(PaymentRefundRow, PaymentOrderRow)?> FindAsync(string mchId, string outRefundNo, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var refund = await db.Set<PaymentRefundRow>().AsNoTracking()
            .FirstOrDefaultAsync(r => r.MchId == mchId && r.OutRefundNo == outRefundNo, ct);
        return refund is null ? null : (refund, await db.Set<PaymentOrderRow>().AsNoTracking().FirstAsync(o => o.Id == refund.OrderId, ct));
    }
}
