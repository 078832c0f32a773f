using Zhifu.Core;
using Zhifu.Core.Ledger;

namespace Zhifu.Server.Ledger;

/// <summary>
/// Ends holds (pending transfers) together: one linked request posting or voiding each, with ids derived from the hold and
/// the purpose, so a repeat (a crash, a second worker, a repeated case decision) is answered idempotently, and a post racing
/// a void has exactly one winner at the ledger's single writer.
/// </summary>
public static class HeldChain
{
    public static List<Transfer> Resolve(IEnumerable<Transfer> holds, bool post)
    {
        ArgumentNullException.ThrowIfNull(holds);
        var purpose = post ? "post" : "void";
        var flag = post ? TransferFlags.PostPending : TransferFlags.VoidPending;
        return TransferChain.Link([.. holds.Select(h => new Transfer
        {
            Id = DerivedIds.For(h.Id, purpose), PendingId = h.Id, Ledger = h.Ledger, Code = h.Code, Flags = flag, BusinessId = h.BusinessId,
        })]);
    }

    /// <summary>True when the holds now stand resolved as asked (by this request or an earlier one), false when they were
    /// resolved the other way, null when the ledger said something else.</summary>
    public static bool? Outcome(IReadOnlyList<TransferResult> results, bool post)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.All(r => r.IsSuccess()))
        {
            return true;
        }
        var first = results.First(r => r != TransferResult.LinkedEventFailed);
        var (done, other) = post
            ? (TransferResult.PendingTransferAlreadyPosted, TransferResult.PendingTransferAlreadyVoided)
            : (TransferResult.PendingTransferAlreadyVoided, TransferResult.PendingTransferAlreadyPosted);
        return first == done ? true : first == other ? false : null;
    }
}
