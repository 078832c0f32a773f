using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Ledger;

/// <summary>One leg of an adjustment: its id (the transfer's), the accounts and the amount.</summary>
public sealed record AdjustmentLeg(Guid Id, Guid Debit, Guid Credit, long AmountFen);

/// <summary>
/// 调账 — a money move that is not a customer transaction (demo funding, the institution's own deposits, 刷脸支付先行赔付 and
/// its recovery). The records are written before the transfers so every applied transfer has its explanation; each leg's id is
/// its transfer's business id and idempotency key, so repeating an adjustment never moves money twice. Several legs go to the
/// ledger as one linked request: all or none.
/// </summary>
public sealed class Adjustments(ILedger ledger, DatabaseOptions database, IClock clock)
{
    public async Task<TransferResult> PostAsync(Guid id, string kind, string reason, Guid debit, Guid credit, long amountFen,
        string createdBy, CancellationToken cancellationToken = default) =>
        await PostAsync([new AdjustmentLeg(id, debit, credit, amountFen)], kind, reason, createdBy, cancellationToken);

    /// <summary>The legs as one linked request; the first refusal among them, else <see cref="TransferResult.Ok"/> (or
    /// <see cref="TransferResult.Exists"/> for a repeat).</summary>
    public async Task<TransferResult> PostAsync(IReadOnlyList<AdjustmentLeg> legs, string kind, string reason, string createdBy,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(legs);
        ArgumentOutOfRangeException.ThrowIfZero(legs.Count);
        await using (var db = database.CreateContext())
        {
            foreach (var leg in legs)
            {
                if (await db.Adjustments.FindAsync([leg.Id], cancellationToken) is null)
                {
                    db.Adjustments.Add(new AdjustmentRow
                    {
                        Id = leg.Id,
                        Kind = kind,
                        Reason = reason,
                        AmountFen = leg.AmountFen,
                        DebitAccountId = leg.Debit,
                        CreditAccountId = leg.Credit,
                        CreatedBy = createdBy,
                        CreatedAt = clock.UtcNow,
                    });
                }
            }
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (Microsoft.EntityFrameworkCore.DbUpdateException)
            {
                // the same adjustment recorded at the same moment by another caller (an operator's decision and the resume
                // worker): its records stand, and the ledger request below answers as the first one's (same ids)
                if (!await AllRecordedAsync(legs))
                {
                    throw;
                }
            }
        }
        var results = await ledger.SubmitAsync(TransferChain.Link([.. legs.Select(leg => new Transfer
        {
            Id = leg.Id,
            DebitAccountId = leg.Debit,
            CreditAccountId = leg.Credit,
            AmountFen = leg.AmountFen,
            Ledger = Ledgers.Cny,
            Code = TransferCode.Adjustment,
            BusinessId = leg.Id,
        })]), cancellationToken);
        var refused = results.Where(r => !r.IsSuccess()).ToList();
        return refused.Count == 0 ? results[^1] : refused.FirstOrDefault(r => r != TransferResult.LinkedEventFailed, refused[0]);
    }

    private async Task<bool> AllRecordedAsync(IReadOnlyList<AdjustmentLeg> legs)
    {
        var ids = legs.Select(l => l.Id).ToList();
        await using var db = database.CreateContext();
        return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Adjustments.Where(a => ids.Contains(a.Id)),
            CancellationToken.None) == ids.Count;
    }
}
