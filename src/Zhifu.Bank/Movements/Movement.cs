using Microsoft.Data.Sqlite;
using Zhifu.Bank.Storage;

namespace Zhifu.Bank.Movements;

/// <summary>A debit or credit order as the platform sent it; the request id is the idempotency key.</summary>
internal sealed record MovementOrder(string RequestId, string Direction, string Bank, string CardNo, long AmountFen, string Memo);

/// <summary>The bank's record of one request id: what was asked and what came of it.</summary>
internal sealed record Movement(
    string RequestId, string BankTxnId, string Bank, string CardNo, string Direction, long AmountFen, string Memo, string Status,
    string? Code, string? Message, long CreatedAtMs, string? ReversalId)
{
    public const string Columns =
        "request_id, bank_txn_id, bank, card_no, direction, amount_fen, memo, status, code, message, created_at_ms, reversal_id";

    /// <summary>A repeat must ask for exactly the same movement; anything else is refused, never merged.</summary>
    public bool IsSameOrder(MovementOrder order) =>
        order.Direction == Direction && order.Bank == Bank && order.CardNo == CardNo && order.AmountFen == AmountFen && order.Memo == Memo;

    /// <summary>What the request itself achieved: a later reversal does not change the first answer to the request.</summary>
    public string FirstOutcome => Status == "reversed" ? "succeeded" : Status;

    public static Movement Read(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt64(5), r.GetString(6), r.GetString(7),
        r.NullableString(8), r.NullableString(9), r.GetInt64(10), r.NullableString(11));
}
