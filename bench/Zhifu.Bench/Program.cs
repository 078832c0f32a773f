using System.Globalization;
using Zhifu.Bench.Ledger;
using Zhifu.Bench.Merchant;

namespace Zhifu.Bench;

/// <summary>
/// The end-to-end benchmark harness: one verb per subsystem, each writing <c>bench/results/{verb}.md</c>.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        // Reports are compared across machines and runs: one number format everywhere (1,234,567.8).
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var verb = args.Length > 0 ? args[0] : "";
        switch (verb)
        {
            case "ledger":
                return await LedgerCommand.RunAsync(args[1..]);
            case "merchant":
                return await MerchantCommand.RunAsync(args[1..]);
            case "risk":
                return await Risk.RiskCommand.RunAsync(args[1..]);
            case "face":
                return await Face.FaceCommand.RunAsync(args[1..]);
            default:
                Console.Error.WriteLine("""
                    usage: Zhifu.Bench <verb> [options]

                    verbs:
                      ledger [--quick] [--pg "<npgsql connection string>"] [--out <file>]
                          transfers/s and latency of the batched ledger writer against a naive
                          one-transaction-per-transfer baseline, on SQLite and (with --pg or ZHIFU_BENCH_PG)
                          PostgreSQL. Writes bench/results/ledger.md (--quick: bench/results/ledger-quick.md).
                      merchant [--quick] [--pg "<npgsql connection string>"] [--out <file>]
                          signed end-to-end merchant payments/s over loopback HTTP (create, wallet pay, callback
                          verified) against the crypto floor (RSA-2048 x 6, + Argon2id x 1), and p50/p99 latency at half
                          the peak, on the real server with production defaults. Writes bench/results/merchant.md
                          (--quick: bench/results/merchant-quick.md).
                      risk [--quick] [--out <file>]
                          the risk engine's decision over the starter rules with trained profiles: latency and
                          decisions/s per thread count, against the ledger's throughput and a baseline keeping the
                          velocity windows in SQLite. Writes bench/results/risk.md (--quick: risk-quick.md).
                    """);
                return 2;
        }
    }
}
