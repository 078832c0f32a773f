using System.Globalization;
using Microsoft.Data.Sqlite;
using Zhifu.Bank.Cards;
using Zhifu.Bank.Hosting;
using Zhifu.Bank.Storage;
using Zhifu.Core.Banking;

namespace Zhifu.Bank.Movements;

/// <summary>The answer to a movement order: the record it produced or found, or a refusal of a changed repeat.</summary>
internal sealed record MovementDecision(Movement? Movement, bool FirstTime, bool Conflict);

/// <summary>Debits and credits on cards, exactly once per request id (CARD-4).</summary>
internal sealed class MovementBook(BankDatabase database, TimeProvider clock)
{
    public static Movement? Find(SqliteConnection connection, SqliteTransaction? tx, string requestId) =>
        connection.One(tx, Movement.Read, $"SELECT {Movement.Columns} FROM movements WHERE request_id = $id", ("$id", requestId));

    public Movement? Find(string requestId) => database.Read(c => Find(c, null, requestId));

    public Task<MovementDecision> ApplyAsync(MovementOrder order) => database.WriteAsync((c, tx) =>
    {
        if (Find(c, tx, order.RequestId) is { } earlier)
        {
            return earlier.IsSameOrder(order) ? new MovementDecision(earlier, false, false) : new MovementDecision(null, false, true);
        }
        var refusal = BarredByReversal(c, tx, order.RequestId) ? BankErrorCodes.ReversedBeforeArrival : Move(c, tx, order);
        var now = clock.GetUtcNow();
        var movement = new Movement(order.RequestId, NewBankTxnId(order.Bank), order.Bank, order.CardNo, order.Direction,
            order.AmountFen, order.Memo, refusal is null ? "succeeded" : "failed", refusal, Explain(refusal), now.ToUnixTimeMilliseconds(),
            null);
        c.Run(tx, """
            INSERT INTO movements (request_id, bank_txn_id, bank, card_no, direction, amount_fen, memo, status, code, message,
                                   created_at_ms, local_day)
            VALUES ($id, $txn, $bank, $card_no, $direction, $amount, $memo, $status, $code, $message, $at, $day)
            """,
            ("$id", movement.RequestId), ("$txn", movement.BankTxnId), ("$bank", movement.Bank), ("$card_no", movement.CardNo),
            ("$direction", movement.Direction), ("$amount", movement.AmountFen), ("$memo", movement.Memo), ("$status", movement.Status),
            ("$code", movement.Code), ("$message", movement.Message), ("$at", movement.CreatedAtMs), ("$day", ChinaDay(now)));
        return new MovementDecision(movement, true, false);
    });

    /// <summary>Moves the money on the card, or says why not; nothing is changed when it says why not.</summary>
    private static string? Move(SqliteConnection c, SqliteTransaction tx, MovementOrder order)
    {
        var card = CardBook.Find(c, tx, order.CardNo);
        if (card is null || card.Bank != order.Bank)
        {
            return BankErrorCodes.CardNotFound;
        }
        if (!card.IsActive)
        {
            return BankErrorCodes.CardClosed;
        }
        var debit = order.Direction == "debit";
        if (debit && card.BalanceFen < order.AmountFen)
        {
            return BankErrorCodes.InsufficientFunds;
        }
        if (!debit && card.BalanceFen > Field.MaxBalanceFen - order.AmountFen)
        {
            return BankErrorCodes.BalanceLimit;
        }
        c.Run(tx, "UPDATE cards SET balance_fen = balance_fen + $delta WHERE card_no = $card_no",
            ("$delta", debit ? -order.AmountFen : order.AmountFen), ("$card_no", order.CardNo));
        return null;
    }

    private static bool BarredByReversal(SqliteConnection c, SqliteTransaction tx, string requestId)
    {
        using var command = c.Command(tx, "SELECT 1 FROM reversals WHERE request_id = $id LIMIT 1", ("$id", requestId));
        return command.ExecuteScalar() is not null;
    }

    public static string ChinaDay(DateTimeOffset time) =>
        time.ToOffset(BankStatementCsv.ShanghaiOffset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private string NewBankTxnId(string bank) => $"{bank}{Guid.CreateVersion7(clock.GetUtcNow()):N}".ToUpperInvariant();

    private static string? Explain(string? code) => code switch
    {
        null => null,
        BankErrorCodes.CardNotFound => "no such card at this bank",
        BankErrorCodes.CardClosed => "the card is closed",
        BankErrorCodes.InsufficientFunds => "insufficient balance or available credit",
        BankErrorCodes.BalanceLimit => "the card's balance would exceed the bank's ceiling",
        BankErrorCodes.ReversedBeforeArrival => "a reversal for this request id arrived first",
        _ => code,
    };
}
