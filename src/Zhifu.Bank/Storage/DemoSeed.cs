using Microsoft.Data.Sqlite;
using Zhifu.Core.Banking;

namespace Zhifu.Bank.Storage;

/// <summary>Opens the demo cards of <see cref="DemoCards"/> on first start only, so later balances are never reset.</summary>
internal static class DemoSeed
{
    public static void SeedOnce(SqliteConnection connection, SqliteTransaction tx, DateTimeOffset now)
    {
        using var check = connection.Command(tx, "SELECT 1 FROM meta WHERE key = 'demo_seeded'");
        if (check.ExecuteScalar() is not null)
        {
            return;
        }
        foreach (var person in DemoCards.People)
        {
            foreach (var card in person.Cards)
            {
                connection.Run(tx, """
                    INSERT OR IGNORE INTO cards
                        (card_no, bank, holder_name, id_no, phone, card_type, balance_fen, opening_balance_fen, status, opened_at_ms)
                    VALUES ($card_no, $bank, $name, $id_no, $phone, $type, $balance, $balance, 'active', $now)
                    """,
                    ("$card_no", card.CardNumber), ("$bank", card.Bank), ("$name", person.Name), ("$id_no", person.IdNumber),
                    ("$phone", person.Phone), ("$type", card.CardType == BankCardType.Debit ? "debit" : "credit"),
                    ("$balance", card.OpeningBalanceFen), ("$now", now.ToUnixTimeMilliseconds()));
            }
        }
        connection.Run(tx, "INSERT INTO meta (key, value) VALUES ('demo_seeded', $at)", ("$at", now.ToString("O")));
    }
}
