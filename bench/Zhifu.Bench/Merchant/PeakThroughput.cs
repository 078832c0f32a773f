using System.Diagnostics;
using Zhifu.Bench.Measuring;

namespace Zhifu.Bench.Merchant;

/// <summary>
/// Closed loop: each caller runs one payment after another (create → pay → callback verified) for a warm-up, then the
/// measured window. Throughput counts the payments whose callback was verified inside the window.
/// </summary>
internal static class PeakThroughput
{
    public static async Task<EndToEndFigures> MeasureAsync(PaymentCycle cycle, int callers, TimeSpan warmup, TimeSpan measure,
        int? postgresPort)
    {
        var window = new RunWindow(warmup, measure);
        var tally = new PaymentTally();
        var budgetSpent = false;
        async Task CallerAsync()
        {
            while (!window.IsOver(Stopwatch.GetTimestamp()))
            {
                if (!cycle.TryTake(out var sequence))
                {
                    budgetSpent = true;
                    return;
                }
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var steps = await cycle.RunAsync(sequence);
                    if (window.Counts(steps.VerifiedAt))
                    {
                        tally.Record(started, steps);
                    }
                }
                catch (PaymentFailedException e)
                {
                    tally.Fail(e.Message);
                }
            }
        }
        var running = Enumerable.Range(0, callers).Select(_ => Task.Run(CallerAsync)).ToArray();
        await window.UntilMeasuringAsync();
        var from = LoadSample.Take(postgresPort);
        await window.UntilOverAsync();
        var to = LoadSample.Take(postgresPort);
        await Task.WhenAll(running);
        return EndToEndFigures.From(tally, measure, LoadSample.Between(from, to, tally.Done), budgetSpent);
    }
}

/// <summary>Payments done per second in a window, their latency, and where the CPU went.</summary>
internal sealed record EndToEndFigures(
    double PaymentsPerSecond, int Done, long Failed, IReadOnlyCollection<string> FailureReasons, double P50Ms, double P99Ms, double MaxMs,
    double CpuMsPerPayment, LoadDelta Load, bool BudgetSpent, StepLatencies Steps)
{
    public static EndToEndFigures From(PaymentTally tally, TimeSpan window, LoadDelta load, bool budgetSpent)
    {
        var sorted = tally.SortedMilliseconds();
        var rate = tally.Done / window.TotalSeconds;
        return new EndToEndFigures(rate, tally.Done, tally.Failed, tally.FailureReasons, Percentiles.Of(sorted, 0.50),
            Percentiles.Of(sorted, 0.99), sorted.Length == 0 ? 0 : sorted[^1],
            rate == 0 ? 0 : load.ProcessCores * 1_000 / rate, load, budgetSpent, tally.Steps());
    }
}
