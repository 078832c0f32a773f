using System.Diagnostics;
using Zhifu.Bench.Measuring;

namespace Zhifu.Bench.Merchant;

/// <summary>
/// Open loop: payments arrive on a fixed schedule at a given rate (half the measured peak), whatever the earlier ones are
/// doing, for a bounded count and time. Latency runs from each payment's scheduled start to its callback verified, so a
/// server that falls behind shows it (no coordinated omission). Sending stops early if too many are unfinished.
/// </summary>
internal static class HalfLoadLatency
{
    public static async Task<PacedFigures> MeasureAsync(PaymentCycle cycle, double ratePerSecond, TimeSpan durationMax, int paymentsMax,
        int? postgresPort)
    {
        var count = (int)Math.Clamp(ratePerSecond * durationMax.TotalSeconds, 1, paymentsMax);
        var interval = Stopwatch.Frequency / ratePerSecond;
        var tally = new PaymentTally();
        var inFlight = 0;
        var overloaded = false;
        var running = new List<Task>(count);
        var from = LoadSample.Take(postgresPort);
        var start = Stopwatch.GetTimestamp();
        var sent = 0;
        while (sent < count && !overloaded)
        {
            var due = start + (long)(sent * interval);
            var now = Stopwatch.GetTimestamp();
            if (due > now)
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Max(0.001, (double)(due - now) / Stopwatch.Frequency)));
                continue;
            }
            if (Volatile.Read(ref inFlight) >= MerchantPlan.PacedInFlightMax)
            {
                overloaded = true;
                break;
            }
            if (!cycle.TryTake(out var sequence))
            {
                break;
            }
            Interlocked.Increment(ref inFlight);
            running.Add(Task.Run(async () =>
            {
                try
                {
                    tally.Record(due, await cycle.RunAsync(sequence));
                }
                catch (PaymentFailedException e)
                {
                    tally.Fail(e.Message);
                }
                finally
                {
                    Interlocked.Decrement(ref inFlight);
                }
            }));
            sent++;
        }
        var sentFor = Stopwatch.GetElapsedTime(start);
        await Task.WhenAll(running);
        var to = LoadSample.Take(postgresPort);
        var sorted = tally.SortedMilliseconds();
        return new PacedFigures(ratePerSecond, sent / sentFor.TotalSeconds, sent, tally.Done, tally.Failed, tally.FailureReasons,
            Percentiles.Of(sorted, 0.50), Percentiles.Of(sorted, 0.90), Percentiles.Of(sorted, 0.99), sorted.Length == 0 ? 0 : sorted[^1],
            overloaded, LoadSample.Between(from, to, tally.Done), tally.Steps());
    }
}

/// <summary>The paced run: rates asked and achieved, payments sent and done, latency percentiles in ms.</summary>
internal sealed record PacedFigures(
    double TargetRate, double SentRate, int Sent, int Done, long Failed, IReadOnlyCollection<string> FailureReasons, double P50Ms,
    double P90Ms, double P99Ms, double MaxMs, bool Overloaded, LoadDelta Load, StepLatencies Steps);
