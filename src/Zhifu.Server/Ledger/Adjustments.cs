using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Ledger;

/// <summary>
/// 调账 — a money move that is not a customer transaction (demo funding, the institution's own deposits). The record is
/// written before the transfer so every applied transfer has its explanation; its id is the transfer's business id and
/// idempotency key, so repeating an adjustment never moves money twice.
/// </summary>
public sealed class Adjustments(ILedger ledger, DatabaseOptions database, IClock clock)
{
    public async Task<TransferResult> PostAsync(Guid id, string kind, string reason, Guid debit, Guid credit, long amountFen,
        string createdBy, CancellationToken cancellationToken = default)
    {
        await using (var db = database.CreateContext())
        {
            if (await db.Adjustments.FindAsync([id], cancellationToken) is null)
            {
                db.Adjustments.Add(new AdjustmentRow
                {
                    Id = id,
                    Kind = kind,
                    Reason = reason,
                    AmountFen = amountFen,
                    DebitAccountId = debit,
                    CreditAccountId = credit,
                    CreatedBy = createdBy,
                    CreatedAt = clock.UtcNow,
                });
                await db.SaveChangesAsync(cancellationToken);
            }
        }
        var results = await ledger.SubmitAsync([new Transfer
        {
            Id = id,
            DebitAccountId = debit,
            CreditAccountId = credit,
            AmountFen = amountFen,
            Ledger = Ledgers.Cny,
            Code = TransferCode.Adjustment,
            BusinessId = id,
        }], cancellationToken);
        return results[0];
    }
}
