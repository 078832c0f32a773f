using System.Globalization;
using Zhifu.Bench.Merchant;

namespace Zhifu.Bench.Results;

/// <summary>
/// Issue 6, item 9: end-to-end throughput ≥ 70 % of the crypto floor, and p99 ≤ 20 ms at half the measured peak. Judged on
/// the production-defaults run of each database, as ratios (the machine is shared; absolute rates move, ratios much less).
/// The floor that includes everything mandatory is RSA + Argon2id; the RSA-only floor is judged too, so neither hides.
/// </summary>
internal static class MerchantTargets
{
    public const double FloorShareRequired = 0.70;
    public const double P99MsMax = 20;

    public static IEnumerable<TargetVerdict> Judge(IReadOnlyList<MerchantRun> runs)
    {
        foreach (var run in runs.Where(r => r.ProductionArgon2))
        {
            yield return FloorVerdict(run, run.RsaArgon2Floor, "the crypto floor (RSA-2048 × 6 + Argon2id × 1)", "P0",
                run.RoundShares);
            yield return FloorVerdict(run, run.RsaFloor, "the RSA-only floor (RSA-2048 × 6)", "P1", []);
            var p99 = run.HalfLoad?.P99Ms ?? double.PositiveInfinity;
            yield return new TargetVerdict(
                $"{run.Database}: p99 ≤ {P99MsMax:0} ms at half the peak",
                run.HalfLoad is { } h
                    ? Invariant($"p99 {h.P99Ms:0.0} ms = {h.P99Ms / P99MsMax:0.00}× the limit (p50 {h.P50Ms:0.0} ms) at {h.SentRate:N1}/s")
                        + (run.Lone is { } lone
                            ? Invariant($"; one payment at a time: p50 {lone.Payments.P50Ms:0.0} ms, p99 {lone.Payments.P99Ms:0.0} ms, ")
                                + Invariant($"of which its mandatory crypto on one thread {lone.CryptoMs:0.0} ms")
                            : "")
                    : "not measured",
                p99 <= P99MsMax && run.HalfLoad is { Failed: 0, Overloaded: false });
        }
    }

    public static double Share(double measured, double floor) => floor == 0 ? 0 : measured / floor;

    /// <summary>Judged on the stricter floor (<see cref="FloorFigures.Strictest"/>); both readings are shown.</summary>
    /// <param name="roundShares">The rounds' ratios against this floor, listed when more than one (the rounds are measured
    /// against the RSA + Argon2id floor only).</param>
    private static TargetVerdict FloorVerdict(MerchantRun run, FloorFigures floor, string name, string format,
        IReadOnlyList<double> roundShares)
    {
        var rate = run.Peak.PaymentsPerSecond;
        var judged = Share(rate, floor.Strictest);
        return new TargetVerdict(
            $"{run.Database}: end to end ≥ 70 % of {name}",
            Invariant($"{judged.ToString(format, CultureInfo.InvariantCulture)}: {rate:N1} payments/s against a floor of ")
                + Invariant($"{floor.PaymentsPerSecond:N1}/s measured, {floor.CpuBoundPaymentsPerSecond:N1}/s CPU-bound ")
                + Invariant($"({Environment.ProcessorCount} cores ÷ {floor.CpuMsPerPayment:0.00} ms); by CPU time the floor's work is ")
                + Invariant($"{Share(floor.CpuMsPerPayment, run.Peak.CpuMsPerPayment):P1} of a payment's")
                + (roundShares.Count > 1
                    ? Invariant($"; the median of {roundShares.Count} rounds (floors and peak back to back), whose ratios were ")
                        + string.Join(", ", roundShares.Select(r => r.ToString("P0", CultureInfo.InvariantCulture)))
                    : ""),
            judged >= FloorShareRequired);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
