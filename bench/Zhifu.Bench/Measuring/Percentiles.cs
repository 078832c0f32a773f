using System.Diagnostics;

namespace Zhifu.Bench.Measuring;

/// <summary>Nearest-rank percentiles (no interpolation: every reported latency is one that a caller really waited).</summary>
internal static class Percentiles
{
    public static double Of(IReadOnlyList<double> sorted, double quantile) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static double[] SortedMilliseconds(IEnumerable<long> stopwatchTicks) =>
        stopwatchTicks.Select(t => t * 1_000.0 / Stopwatch.Frequency).Order().ToArray();
}
