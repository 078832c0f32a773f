using System.Globalization;
using Zhifu.Bench.Ledger;

namespace Zhifu.Bench.Results;

/// <summary>One target of the ledger issue and whether this run met it.</summary>
internal sealed record TargetVerdict(string Target, string Measured, bool Pass);

/// <summary>
/// The targets. Throughput is judged on the best durable batched shape of each workload, and both workloads must
/// reach it; the 20× ratio compares that best shape with the naive baseline of the same database and workload.
/// </summary>
internal static class LedgerTargets
{
    public const double RatioRequired = 20;

    public static double ThroughputRequired(string database) => database == "SQLite" ? 200_000 : 100_000;

    public static LedgerRun? Best(IEnumerable<LedgerRun> runs, string database, PaymentPattern pattern) => runs
        .Where(r => r.Database == database && r.Pattern == pattern && r.Mode == LedgerMode.Batched)
        .MaxBy(r => r.Throughput.TransfersPerSecond);

    public static LedgerRun? Naive(IEnumerable<LedgerRun> runs, string database, PaymentPattern pattern) =>
        runs.FirstOrDefault(r => r.Database == database && r.Pattern == pattern && r.Mode == LedgerMode.Naive);

    public static IEnumerable<TargetVerdict> Judge(IReadOnlyList<LedgerRun> runs)
    {
        foreach (var database in runs.Select(r => r.Database).Distinct())
        {
            var required = ThroughputRequired(database);
            var bests = Enum.GetValues<PaymentPattern>().Select(p => (Pattern: p, Run: Best(runs, database, p))).ToList();
            yield return new TargetVerdict(
                Invariant($"{database}: ≥ {required:N0} transfers/s"),
                string.Join("; ", bests.Select(b =>
                    Invariant($"{Names.Of(b.Pattern)} {b.Run?.Throughput.TransfersPerSecond ?? 0:N0}/s ({b.Run?.Shape})"))),
                bests.All(b => b.Run is not null && b.Run.Throughput.TransfersPerSecond >= required));

            var ratios = bests.Select(b => (b.Pattern, Ratio: Ratio(b.Run, Naive(runs, database, b.Pattern)))).ToList();
            yield return new TargetVerdict(
                Invariant($"{database}: batched ≥ {RatioRequired:0}× naive"),
                string.Join("; ", ratios.Select(r => Invariant($"{Names.Of(r.Pattern)} {r.Ratio:0.0}×"))),
                ratios.All(r => r.Ratio >= RatioRequired));

            var hot = Best(runs, database, PaymentPattern.HotAccount);
            var uniform = Best(runs, database, PaymentPattern.Uniform);
            var hotRatio = Ratio(hot, uniform);
            yield return new TargetVerdict(
                $"{database}: hot account at least as fast as uniform",
                Invariant($"best hot ÷ best uniform = {hotRatio:0.00}"),
                hotRatio >= 1);
        }
    }

    public static double Ratio(LedgerRun? over, LedgerRun? under) =>
        over is null || under is null || under.Throughput.TransfersPerSecond == 0
            ? 0
            : over.Throughput.TransfersPerSecond / under.Throughput.TransfersPerSecond;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
