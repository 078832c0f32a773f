using Zhifu.Bench.Ledger;

namespace Zhifu.Bench.Results;

/// <summary>How the results name things for people.</summary>
internal static class Names
{
    public static string Of(PaymentPattern pattern) => pattern == PaymentPattern.Uniform ? "uniform" : "hot account";

    public static string Of(LedgerMode mode) => mode == LedgerMode.Batched ? "batched" : "naive";
}
