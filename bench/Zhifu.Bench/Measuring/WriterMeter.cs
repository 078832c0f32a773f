using System.Diagnostics.Metrics;

namespace Zhifu.Bench.Measuring;

/// <summary>
/// Listens to the writer's own metrics (meter <c>Zhifu.Ledger</c>: commit time and transfers per batch) during the
/// measured window, so the results can say how much of the writer's time the database commit takes.
/// </summary>
internal sealed class WriterMeter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<double> _commitMs = new(4_096);
    private readonly Lock _gate = new();
    private long _batchTransfers;
    private volatile bool _recording;

    public WriterMeter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Names as LedgerWriter publishes them (older builds prefixed them with "zhifu_ledger_").
            if (instrument.Meter.Name == "Zhifu.Ledger" && instrument.Name.Replace("zhifu_ledger_", "", StringComparison.Ordinal)
                is "commit_ms" or "batch_transfers" or "batch_size")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (_recording)
            {
                lock (_gate)
                {
                    _commitMs.Add(value);
                }
            }
        });
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (_recording)
            {
                Interlocked.Add(ref _batchTransfers, value);
            }
        });
        _listener.Start();
    }

    public void Start() => _recording = true;

    public void Stop() => _recording = false;

    /// <summary>The batches committed in the window; commit share is the part of the window spent inside the store's Commit.</summary>
    public BatchProfile Profile(TimeSpan window)
    {
        lock (_gate)
        {
            var sorted = _commitMs.Order().ToArray();
            var total = sorted.Sum();
            return new BatchProfile(
                Batches: sorted.Length,
                MeanBatchSize: sorted.Length == 0 ? 0 : (double)Interlocked.Read(ref _batchTransfers) / sorted.Length,
                MeanCommitMs: sorted.Length == 0 ? 0 : total / sorted.Length,
                P99CommitMs: Percentiles.Of(sorted, 0.99),
                MaxCommitMs: sorted.Length == 0 ? 0 : sorted[^1],
                CommitShare: total / window.TotalMilliseconds);
        }
    }

    public void Dispose() => _listener.Dispose();
}

/// <summary>The writer's batches in one window.</summary>
internal sealed record BatchProfile(
    int Batches, double MeanBatchSize, double MeanCommitMs, double P99CommitMs, double MaxCommitMs, double CommitShare);
