using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Funds;

/// <summary>
/// ACC-2's class-limit legs of a plain withdrawal (转入本人银行账户 counts for Class Ⅰ's ¥1,000 since opening): held together
/// with the money and settled together with it — posted when the bank pays the card, voided when it declines or the request
/// is reversed (CARD-4), so a failed withdrawal gives the allowance back with the money.
/// </summary>
public sealed partial class FundMovements
{
    /// <summary>At most this many class legs ride on one withdrawal (today at most one: Class Ⅰ since opening).</summary>
    public const int ClassLegsMax = 4;

    /// <summary>
    /// The id a withdrawal's <paramref name="index"/>-th class leg carries: derived from the movement, so whoever settles the
    /// movement (the request, the recovery worker after a restart) finds the legs by id without a table of its own.
    /// </summary>
    public static Guid ClassLegId(Guid movementId, int index) =>
        DerivedIds.For(movementId, "class-limit:" + index.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// The money's post or void followed by the same for each class leg the withdrawal holds, as one linked chain, so the
    /// allowance can never stay used by a withdrawal whose money came back (or come back while the money left).
    /// </summary>
    private async Task<List<Transfer>> SettlementChainAsync(FundMovementRow movement, bool post)
    {
        var purpose = post ? "post" : "void";
        var flag = post ? TransferFlags.PostPending : TransferFlags.VoidPending;
        var chain = new List<Transfer>
        {
            new()
            {
                Id = DerivedIds.For(movement.Id, purpose), PendingId = movement.Id, Ledger = Ledgers.Cny, Code = Code(movement),
                Flags = flag, BusinessId = movement.Id,
            },
        };
        if (movement.Kind == Withdrawal)
        {
            var ids = Enumerable.Range(0, ClassLegsMax).Select(i => ClassLegId(movement.Id, i)).ToList();
            await using var db = database.CreateContext();
            var legs = await db.LedgerTransfers.AsNoTracking() // by primary key: cheap, and true after any restart
                .Where(t => ids.Contains(t.Id) && t.Result == (int)TransferResult.Ok).ToListAsync(CancellationToken.None);
            chain.AddRange(legs.OrderBy(l => ids.IndexOf(l.Id)).Select(l => new Transfer
            {
                Id = DerivedIds.For(l.Id, purpose), PendingId = l.Id, Ledger = l.Ledger, Code = (ushort)l.Code, Flags = flag,
                BusinessId = l.BusinessId,
            }));
        }
        return TransferChain.Link(chain);
    }

    /// <summary>What the settlement chain answered as one: its first real refusal, or Ok.</summary>
    private static TransferResult Outcome(TransferResult[] results) =>
        results.All(r => r.IsSuccess()) ? TransferResult.Ok : results.First(r => !r.IsSuccess() && r != TransferResult.LinkedEventFailed);
}
