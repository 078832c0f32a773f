namespace Zhifu.Core.Banking;

/// <summary>A demo card holder the bank simulator knows (fictional person, valid-looking numbers).</summary>
/// <param name="Name">Full name.</param>
/// <param name="IdNumber">18-character resident ID number with a valid check character.</param>
/// <param name="Phone">11-digit mobile number reserved at the banks.</param>
/// <param name="Cards">The person's cards.</param>
public sealed record DemoPerson(string Name, string IdNumber, string Phone, IReadOnlyList<DemoCard> Cards);

/// <summary>A demo card the bank simulator opens on first start.</summary>
/// <param name="Bank">Bank code.</param>
/// <param name="CardNumber">Card number with a valid Luhn digit.</param>
/// <param name="CardType">Debit or credit.</param>
/// <param name="OpeningBalanceFen">Balance in fen for a debit card; the credit limit (available credit) for a credit card.</param>
public sealed record DemoCard(string Bank, string CardNumber, BankCardType CardType, long OpeningBalanceFen);

/// <summary>
/// The demo world's bank side: the simulator seeds these cards on first start and the server's demo seed binds them.
/// The holders span the account classes of ACC-2 by how many banks (external sources) know them:
/// 张三 five banks (enough for Class Ⅲ), 李四 three (Class Ⅱ), 王五 two (Class Ⅰ; born 1958, an elderly user for PWL-2).
/// </summary>
public static class DemoCards
{
    /// <summary>张三: four debit cards and a CMB credit card.</summary>
    public static readonly DemoPerson ZhangSan = new("张三", "110105198503123010", "13800138001",
    [
        new("ICBC", "6222020200012345670", BankCardType.Debit, 5_000_000),
        new("CCB", "6217001100023456784", BankCardType.Debit, 800_000),
        new("ABC", "6228480013004567890", BankCardType.Debit, 120_050),
        new("BOC", "6216610800005678918", BankCardType.Debit, 30_000),
        new("CMB", "6225751000234561", BankCardType.Credit, 3_000_000),
    ]);

    /// <summary>李四: two debit cards and a CMB credit card.</summary>
    public static readonly DemoPerson LiSi = new("李四", "310115199007214620", "13912345678",
    [
        new("ICBC", "6222020200034567814", BankCardType.Debit, 2_000_000),
        new("CCB", "6217001100045678928", BankCardType.Debit, 500_000),
        new("CMB", "5528010012345675", BankCardType.Credit, 1_000_000),
    ]);

    /// <summary>王五 (ID number ends in X): two debit cards and an ICBC credit card.</summary>
    public static readonly DemoPerson WangWu = new("王五", "44010619581102155X", "18620003000",
    [
        new("BOC", "6216610800076543215", BankCardType.Debit, 6_000_000),
        new("ICBC", "6222020200098765437", BankCardType.Debit, 250_000),
        new("ICBC", "6253301000112238", BankCardType.Credit, 500_000),
    ]);

    /// <summary>Every demo person.</summary>
    public static IReadOnlyList<DemoPerson> People { get; } = [ZhangSan, LiSi, WangWu];
}
