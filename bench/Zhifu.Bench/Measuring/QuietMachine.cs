using System.Diagnostics;

namespace Zhifu.Bench.Measuring;

/// <summary>
/// The benchmark machine is shared (builds and test runs of other work land on the same 2 cores). Before each measurement,
/// wait a bounded time for the machine to be nearly idle; what other processes still used is reported per row either way.
/// </summary>
internal static class QuietMachine
{
    private const double IdleCoresMax = 0.3;

    /// <summary>Returns how long it waited; gives up (and measures anyway) after <paramref name="waitMax"/>.</summary>
    public static async Task<TimeSpan> WaitAsync(TimeSpan waitMax)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < waitMax)
        {
            var (busy0, total0) = LoadSample.ReadMachine();
            await Task.Delay(500);
            var (busy1, total1) = LoadSample.ReadMachine();
            var cores = total1 == total0 ? 0 : (double)(busy1 - busy0) / (total1 - total0) * Environment.ProcessorCount;
            if (cores < IdleCoresMax)
            {
                break;
            }
        }
        return Stopwatch.GetElapsedTime(started);
    }
}
