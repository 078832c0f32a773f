using Microsoft.Data.Sqlite;
using Zhifu.Bank.Cards;
using Zhifu.Bank.Storage;
using Zhifu.Core.Banking;

namespace Zhifu.Bank.Movements;

/// <summary>The answer to a reversal: succeeded or failed with a code, or a refusal of a reused reversal id.</summary>
internal sealed record ReversalDecision(string? Status, string? Code, bool Conflict);

/// <summary>
/// Reversals (冲正), each original at most once. A reversal that overtakes its original is answered succeeded and recorded,
/// and the original is then refused when it arrives: after a timeout the platform may reverse without knowing which came first.
/// </summary>
internal sealed class ReversalBook(BankDatabase database, TimeProvider clock)
{
    public Task<ReversalDecision> ReverseAsync(string requestId, string reversalId) => database.WriteAsync((c, tx) =>
    {
        var earlier = c.One(tx, r => new ReversalDecision(r.GetString(1), r.NullableString(2), r.GetString(0) != requestId),
            "SELECT request_id, status, code FROM reversals WHERE reversal_id = $rid", ("$rid", reversalId));
        if (earlier is not null)
        {
            // The same reversal id answers the same again; reused for another original it is refused.
            return earlier.Conflict ? new ReversalDecision(null, null, true) : earlier;
        }
        var original = MovementBook.Find(c, tx, requestId);
        var (status, code) = original switch
        {
            null => ("succeeded", BankErrorCodes.OriginalNotFound),
            { Status: "reversed" } => ("succeeded", BankErrorCodes.AlreadyReversed),
            { Status: "failed" } => ("failed", BankErrorCodes.OriginalFailed),
            _ => Undo(c, tx, original, reversalId),
        };
        c.Run(tx, "INSERT INTO reversals (reversal_id, request_id, status, code, created_at_ms) VALUES ($rid, $id, $status, $code, $at)",
            ("$rid", reversalId), ("$id", requestId), ("$status", status), ("$code", code),
            ("$at", clock.GetUtcNow().ToUnixTimeMilliseconds()));
        return new ReversalDecision(status, code, false);
    });

    private (string Status, string? Code) Undo(SqliteConnection c, SqliteTransaction tx, Movement original, string reversalId)
    {
        var card = CardBook.Find(c, tx, original.CardNo)
            ?? throw new InvalidOperationException("a succeeded movement always has its card");
        // Undoing a credit takes the money back; the holder may have spent it since.
        if (original.Direction == "credit" && card.BalanceFen < original.AmountFen)
        {
            return ("failed", BankErrorCodes.InsufficientFunds);
        }
        var delta = original.Direction == "debit" ? original.AmountFen : -original.AmountFen;
        c.Run(tx, "UPDATE cards SET balance_fen = balance_fen + $delta WHERE card_no = $card_no",
            ("$delta", delta), ("$card_no", card.CardNo));
        c.Run(tx, "UPDATE movements SET status = 'reversed', reversal_id = $rid, reversed_at_ms = $at WHERE request_id = $id",
            ("$rid", reversalId), ("$at", clock.GetUtcNow().ToUnixTimeMilliseconds()), ("$id", original.RequestId));
        return ("succeeded", null);
    }
}
