using System.Collections.Concurrent;
using Zhifu.Bench.Measuring;

namespace Zhifu.Bench.Merchant;

/// <summary>What one measurement of payments saw: done payments (latencies) and failures, with the first few failure reasons.</summary>
internal sealed class PaymentTally
{
    private const int ReasonsKept = 5;
    private readonly ConcurrentBag<long> _latencyTicks = [];
    private readonly ConcurrentQueue<string> _reasons = new();
    private long _failed;

    public int Done => _latencyTicks.Count;

    public long Failed => Interlocked.Read(ref _failed);

    public IReadOnlyCollection<string> FailureReasons => _reasons;

    public void Record(long startedAt, long verifiedAt) => _latencyTicks.Add(verifiedAt - startedAt);

    public void Fail(string reason)
    {
        if (Interlocked.Increment(ref _failed) <= ReasonsKept)
        {
            _reasons.Enqueue(reason);
        }
    }

    public double[] SortedMilliseconds() => Percentiles.SortedMilliseconds(_latencyTicks);
}
