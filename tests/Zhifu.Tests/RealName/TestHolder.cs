using System.Globalization;
using System.Net.Http.Json;
using Zhifu.Core.Banking;

namespace Zhifu.Tests.RealName;

/// <summary>
/// A made-up holder with a valid ID number, a name of letters only and a unique phone. The bank simulator knows them only
/// at the banks where a test opens a card for them: each such bank is one confirming source (ACC-2).
/// </summary>
internal sealed record TestHolder(string Name, string IdNumber, string Phone)
{
    private const string Numerals = "零一二三四五六七八九";
    private static int s_sequence = Random.Shared.Next(1_000_000);

    public static TestHolder New()
    {
        var n = Interlocked.Increment(ref s_sequence);
        var born = new DateOnly(1960, 1, 1).AddDays(n % 15_000);
        var body = "310104" + born.ToString("yyyyMMdd", CultureInfo.InvariantCulture)
            + (n % 1000).ToString("D3", CultureInfo.InvariantCulture);
        var name = "实名" + string.Concat(n.ToString(CultureInfo.InvariantCulture).Select(d => Numerals[d - '0']));
        return new TestHolder(name, body + CheckDigits.ResidentIdCheck(body), NewPhone());
    }

    public static string NewPhone() =>
        "137" + (Interlocked.Increment(ref s_sequence) % 100_000_000).ToString("D8", CultureInfo.InvariantCulture);

    /// <summary>A fresh card number with a valid Luhn digit.</summary>
    public static string NewCardNumber()
    {
        var body = "622588" + Interlocked.Increment(ref s_sequence).ToString("D12", CultureInfo.InvariantCulture);
        return body + CheckDigits.LuhnDigit(body);
    }

    /// <summary>Opens a card for this holder (name, ID number and this phone) at a bank of the simulator; its number.</summary>
    public async Task<string> OpenCardAsync(Uri bank, string bankCode, BankCardType type = BankCardType.Debit, long fen = 1_000_000)
    {
        var number = NewCardNumber();
        using var http = new HttpClient();
        using var response = await http.PostAsJsonAsync(new Uri(bank, "admin/cards"), new Dictionary<string, object?>
        {
            ["bank"] = bankCode, ["card_no"] = number, ["name"] = Name, ["id_no"] = IdNumber, ["phone"] = Phone,
            ["card_type"] = type == BankCardType.Debit ? "debit" : "credit",
            [type == BankCardType.Debit ? "balance_fen" : "credit_limit_fen"] = fen,
        }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return number;
    }

    /// <summary>Cards at each of these banks, so each counts as a confirming source.</summary>
    public async Task KnownAtAsync(Uri bank, params string[] bankCodes)
    {
        foreach (var code in bankCodes)
        {
            await OpenCardAsync(bank, code);
        }
    }
}
