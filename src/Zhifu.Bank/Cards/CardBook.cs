using Microsoft.Data.Sqlite;
using Zhifu.Bank.Storage;
using Zhifu.Core.Banking;

namespace Zhifu.Bank.Cards;

/// <summary>Card accounts: opening, closing, holder verification and the totals that prove no fen was lost.</summary>
internal sealed class CardBook(BankDatabase database, TimeProvider clock)
{
    public static Card? Find(SqliteConnection connection, SqliteTransaction? tx, string cardNo) =>
        connection.One(tx, Card.Read, $"SELECT {Card.Columns} FROM cards WHERE card_no = $card_no", ("$card_no", cardNo));

    public Card? Find(string cardNo) => database.Read(c => Find(c, null, cardNo));

    /// <summary>Null when the bank knows an active card holder with exactly these three facts; else the mismatch code.</summary>
    public string? VerifyIdentity(string bank, string name, string idNo, string phone) => database.Read(c =>
    {
        using var command = c.Command(null, """
            SELECT 1 FROM cards
            WHERE bank = $bank AND id_no = $id_no AND holder_name = $name AND phone = $phone AND status = 'active' LIMIT 1
            """, ("$bank", bank), ("$id_no", idNo), ("$name", name), ("$phone", phone));
        return command.ExecuteScalar() is null ? BankErrorCodes.HolderMismatch : null;
    });

    /// <summary>The card when card, bank and holder facts all match; otherwise the code saying which check failed.</summary>
    public (Card? Card, string? Code) VerifyCard(string bank, string cardNo, string name, string idNo, string phone)
    {
        var card = Find(cardNo);
        if (card is null || card.Bank != bank)
        {
            return (null, BankErrorCodes.CardNotFound);
        }
        if (!card.IsActive)
        {
            return (null, BankErrorCodes.CardClosed);
        }
        return card.HolderName == name && card.IdNo == idNo && card.Phone == phone ? (card, null) : (null, BankErrorCodes.HolderMismatch);
    }

    /// <summary>Opens a card; null when a card with that number exists already.</summary>
    public Task<Card?> OpenAsync(Card card) => database.WriteAsync<Card?>((c, tx) =>
    {
        var inserted = c.Run(tx, $"""
            INSERT OR IGNORE INTO cards ({Card.Columns}, opened_at_ms)
            VALUES ($card_no, $bank, $name, $id_no, $phone, $type, $balance, $balance, 'active', $now)
            """,
            ("$card_no", card.CardNo), ("$bank", card.Bank), ("$name", card.HolderName), ("$id_no", card.IdNo),
            ("$phone", card.Phone), ("$type", card.CardType), ("$balance", card.BalanceFen),
            ("$now", clock.GetUtcNow().ToUnixTimeMilliseconds()));
        return inserted == 1 ? Find(c, tx, card.CardNo) : null;
    });

    public Task<Card?> CloseAsync(string cardNo) => database.WriteAsync((c, tx) =>
    {
        c.Run(tx, "UPDATE cards SET status = 'closed' WHERE card_no = $card_no", ("$card_no", cardNo));
        return Find(c, tx, cardNo);
    });

    // SUM, not TOTAL: TOTAL answers a floating-point number, and money is never a double.
    public BankTotals Totals() => database.Read(c =>
    {
        using var cards = c.Command(null,
            "SELECT COUNT(*), COALESCE(SUM(opening_balance_fen), 0), COALESCE(SUM(balance_fen), 0) FROM cards");
        using var cardRow = cards.ExecuteReader();
        cardRow.Read();
        var totals = new BankTotals(cardRow.GetInt64(0), cardRow.GetInt64(1), cardRow.GetInt64(2));
        var movements = c.Many(
            r => (Direction: r.GetString(0), Status: r.GetString(1), Count: r.GetInt64(2), AmountFen: r.GetInt64(3)),
            "SELECT direction, status, COUNT(*), SUM(amount_fen) FROM movements GROUP BY direction, status");
        return movements.Aggregate(totals, (t, m) => t.Add(m.Direction, m.Status, m.Count, m.AmountFen));
    });
}
