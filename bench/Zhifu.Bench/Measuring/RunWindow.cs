using System.Diagnostics;

namespace Zhifu.Bench.Measuring;

/// <summary>
/// The time line of one measurement: a warm-up (JIT, caches, connection pools) that is not counted, then the measured
/// window. Throughput counts the answers that arrive inside the window, whenever their request was sent.
/// </summary>
internal sealed class RunWindow
{
    public RunWindow(TimeSpan warmup, TimeSpan measure)
    {
        MeasureFrom = Stopwatch.GetTimestamp() + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        Until = MeasureFrom + (long)(measure.TotalSeconds * Stopwatch.Frequency);
        Measure = measure;
    }

    public long MeasureFrom { get; }

    public long Until { get; }

    public TimeSpan Measure { get; }

    /// <summary>Callers stop sending once the window closes; answers after it are not counted.</summary>
    public bool IsOver(long now) => now >= Until;

    public bool Counts(long answeredAt) => answeredAt >= MeasureFrom && answeredAt < Until;

    public Task UntilMeasuringAsync() => DelayUntilAsync(MeasureFrom);

    public Task UntilOverAsync() => DelayUntilAsync(Until);

    private static Task DelayUntilAsync(long timestamp)
    {
        var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        return left > TimeSpan.Zero ? Task.Delay(left) : Task.CompletedTask;
    }
}
