using System.Diagnostics;
using Zhifu.Bench.Measuring;

namespace Zhifu.Bench.Merchant;

/// <summary>
/// Closed loop: each caller runs one payment after another (create → pay → callback verified) for a warm-up, then the
/// measured window. Throughput counts the payments whose callback was verified inside the window.
/// </summary>
internal static class PeakThroughput
{
    /// <summary>Compilation in the last second below this means the JIT has settled (1 % of one core).</summary>
    public static readonly TimeSpan JitSettledPerSecond = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Runs payments on <paramref name="callers"/> loops until the JIT has settled — less than <see cref="JitSettledPerSecond"/>
    /// of compilation in a second (tiered compilation recompiles hot methods for a while after start) — or for at most
    /// <paramref name="max"/>: a server runs for days, so its steady state is what the windows measure, not the first process's
    /// compiling. Later servers in the same process find the code compiled and settle at once. Failed payments are left to the
    /// audit, which checks every order.
    /// </summary>
    public static async Task<(TimeSpan Took, TimeSpan LastSecond)> SettleJitAsync(PaymentCycle cycle, int callers, TimeSpan max)
    {
        var stop = 0;
        async Task CallerAsync()
        {
            while (Volatile.Read(ref stop) == 0 && cycle.TryTake(out var sequence))
            {
                try
                {
                    await cycle.RunAsync(sequence);
                }
                catch (PaymentFailedException)
                {
                    // the audit reports it
                }
            }
        }
        var running = Enumerable.Range(0, callers).Select(_ => Task.Run(CallerAsync)).ToArray();
        var took = Stopwatch.StartNew();
        var (before, lastSecond) = (System.Runtime.JitInfo.GetCompilationTime(), TimeSpan.MaxValue);
        while (took.Elapsed < max && lastSecond >= JitSettledPerSecond)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = System.Runtime.JitInfo.GetCompilationTime();
            (lastSecond, before) = (now - before, now);
        }
        Interlocked.Exchange(ref stop, 1);
        await Task.WhenAll(running);
        return (took.Elapsed, lastSecond);
    }

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
