using Microsoft.Data.Sqlite;

namespace Zhifu.Bank.Cards;

/// <summary>A card account at one bank (银行卡账户). For a credit card the balance is the available credit.</summary>
internal sealed record Card(
    string CardNo, string Bank, string HolderName, string IdNo, string Phone, string CardType, long BalanceFen,
    long OpeningBalanceFen, string Status)
{
    public const string Columns = "card_no, bank, holder_name, id_no, phone, card_type, balance_fen, opening_balance_fen, status";

    public bool IsActive => Status == "active";

    public static Card Read(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt64(6),
        r.GetInt64(7), r.GetString(8));
}
