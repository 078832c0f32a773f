using Zhifu.Core.Banking;

namespace Zhifu.Tests.Bank;

/// <summary>A made-up card and holder with valid check digits, unique within the test run.</summary>
public sealed record TestCard(string Bank, string CardNumber, string Name, string IdNumber, string Phone)
{
    private static int s_sequence = Random.Shared.Next(1_000_000);

    public static TestCard New(string bank)
    {
        var n = Interlocked.Increment(ref s_sequence);
        var body = "621799" + n.ToString("D12", System.Globalization.CultureInfo.InvariantCulture);
        var idBody = "11010119900101" + (n % 1000).ToString("D3", System.Globalization.CultureInfo.InvariantCulture);
        return new TestCard(bank, body + CheckDigits.LuhnDigit(body), "测试" + n, idBody + CheckDigits.ResidentIdCheck(idBody),
            "139" + (n % 100_000_000).ToString("D8", System.Globalization.CultureInfo.InvariantCulture));
    }

    public BankMovementRequest Movement(string requestId, long amountFen, string memo = "") =>
        new(requestId, Bank, CardNumber, amountFen, memo);

    public CardVerificationRequest Verification() => new(Bank, CardNumber, Name, IdNumber, Phone);
}
