using System.Collections.Concurrent;
using Zhifu.Bench.Measuring;

namespace Zhifu.Bench.Merchant;

/// <summary>What one measurement of payments saw: done payments (latencies) and failures, with the first few failure reasons.</summary>
internal sealed class PaymentTally
{
    private const int ReasonsKept = 5;
    private readonly ConcurrentBag<long> _latencyTicks = [];
    private readonly ConcurrentBag<long> _createTicks = [];
    private readonly ConcurrentBag<long> _payTicks = [];
    private readonly ConcurrentBag<long> _callbackTicks = [];
    private readonly ConcurrentQueue<string> _reasons = new();
    private long _failed;

    public int Done => _latencyTicks.Count;

    public long Failed => Interlocked.Read(ref _failed);

    public IReadOnlyCollection<string> FailureReasons => _reasons;

    public void Record(long startedAt, PaymentSteps steps)
    {
        _latencyTicks.Add(steps.VerifiedAt - startedAt);
        _createTicks.Add(steps.CreatedAt - startedAt);
        _payTicks.Add(steps.PaidAt - steps.CreatedAt);
        _callbackTicks.Add(steps.VerifiedAt - steps.PaidAt);
    }

    public void Fail(string reason)
    {
        if (Interlocked.Increment(ref _failed) <= ReasonsKept)
        {
            _reasons.Enqueue(reason);
        }
    }

    public double[] SortedMilliseconds() => Percentiles.SortedMilliseconds(_latencyTicks);

    /// <summary>Where a payment's time goes: p50 and p99 of create, pay, and pay answer → callback verified.</summary>
    public StepLatencies Steps()
    {
        static (double, double) Of(IEnumerable<long> ticks)
        {
            var sorted = Percentiles.SortedMilliseconds(ticks);
            return (Percentiles.Of(sorted, 0.50), Percentiles.Of(sorted, 0.99));
        }
        var (createP50, createP99) = Of(_createTicks);
        var (payP50, payP99) = Of(_payTicks);
        var (callbackP50, callbackP99) = Of(_callbackTicks);
        return new StepLatencies(createP50, createP99, payP50, payP99, callbackP50, callbackP99);
    }
}

/// <summary>p50/p99 in ms of each step of a payment.</summary>
internal sealed record StepLatencies(
    double CreateP50, double CreateP99, double PayP50, double PayP99, double CallbackP50, double CallbackP99);
