using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Zhifu.Core;
using Zhifu.Core.Ledger;

namespace Zhifu.Data.Ledger;

/// <summary>
/// The single batched ledger writer (group commit). Callers enqueue; one thread takes up to
/// <see cref="LedgerWriterOptions.BatchSizeMax"/> transfers, checks them against in-memory balances, hands them to the store
/// to commit in one database transaction and only then answers every caller. While the store commits a batch, the writer
/// already applies the next one on top of it (<see cref="CommitPipeline"/>); if that commit fails, both are rolled back and
/// replayed one at a time. A hot account is one row update per batch.
/// </summary>
public sealed partial class LedgerWriter : ILedger, IDisposable
{
    private readonly Meter _meter = new("Zhifu.Ledger");
    private readonly Counter<long> _transfersCommitted;
    private readonly Histogram<long> _batchSizes;
    private readonly Histogram<double> _commitTimes;

    private readonly Channel<LedgerRequest> _queue;
    private readonly ConcurrentDictionary<Guid, AccountBalance> _committed = new();
    private readonly LedgerEngine _engine;
    private readonly CommitPipeline _store;
    private readonly IClock _clock;
    private readonly LedgerWriterOptions _options;
    private readonly Thread _thread;
    private volatile Exception? _fault;

    /// <summary>Rebuilds balances from the store and starts the writer thread.</summary>
    public LedgerWriter(ILedgerStore store, IClock clock, LedgerWriterOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSizeMax, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.QueueCapacity, 1);
        _store = new CommitPipeline(store);
        _clock = clock;
        _options = options;
        _engine = new LedgerEngine(_store, clock, options.RecentTransferCapacity);
        foreach (var account in _engine.AllAccounts())
        {
            _committed[account.Id] = account;
        }
        _queue = Channel.CreateBounded<LedgerRequest>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _transfersCommitted = _meter.CreateCounter<long>("transfers_committed", description: "Transfers stored (applied or refused)");
        _batchSizes = _meter.CreateHistogram<long>("batch_transfers", description: "Transfers per committed batch");
        _commitTimes = _meter.CreateHistogram<double>("commit_ms", description: "Time to commit one batch");
        // Gauges are read at scrape time, so they show even when nothing has moved since the server started.
        _meter.CreateObservableGauge("queue_depth", () => _queue!.Reader.Count, description: "Requests waiting for the writer");
        _meter.CreateObservableGauge("open_holds", () => _engine.OpenPendingCount, description: "Pending transfers not yet resolved");
        _meter.CreateObservableGauge("accounts", () => _committed.Count, description: "Ledger accounts");
        _thread = new Thread(Run) { IsBackground = true, Name = "zhifu-ledger-writer" };
        _thread.Start();
    }

    /// <summary>Number of open holds (for diagnostics).</summary>
    public int OpenPendingCount => _engine.OpenPendingCount;

    /// <inheritdoc />
    public async Task<TransferResult[]> SubmitAsync(IReadOnlyList<Transfer> transfers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transfers);
        if (transfers.Count == 0)
        {
            return [];
        }
        ArgumentOutOfRangeException.ThrowIfGreaterThan(transfers.Count, _options.RequestSizeMax, nameof(transfers));
        var request = new TransferRequest([.. transfers]);
        await EnqueueAsync(request, cancellationToken);
        return await request.Completion.Task;
    }

    /// <inheritdoc />
    public async Task<CreateAccountResult[]> CreateAccountsAsync(IReadOnlyList<NewAccount> accounts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        if (accounts.Count == 0)
        {
            return [];
        }
        ArgumentOutOfRangeException.ThrowIfGreaterThan(accounts.Count, _options.RequestSizeMax, nameof(accounts));
        var request = new AccountRequest([.. accounts]);
        await EnqueueAsync(request, cancellationToken);
        return await request.Completion.Task;
    }

    /// <inheritdoc />
    public AccountBalance? GetAccount(Guid accountId) => _committed.TryGetValue(accountId, out var a) ? a : null;

    private async ValueTask EnqueueAsync(LedgerRequest request, CancellationToken cancellationToken)
    {
        if (_fault is { } fault)
        {
            throw new LedgerUnavailableException("the ledger writer stopped", fault);
        }
        try
        {
            await _queue.Writer.WriteAsync(request, cancellationToken);
        }
        catch (ChannelClosedException e)
        {
            throw new LedgerUnavailableException("the ledger is shutting down", e);
        }
    }

    /// <summary>Stops taking requests, finishes the queued ones and closes the store.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _thread.Join();
        _store.Dispose();
        _meter.Dispose();
    }

    private void Run()
    {
        var batch = new List<LedgerRequest>();
        var inFlight = new List<LedgerRequest>();
        try
        {
            while (true)
            {
                if (_store.InFlight)
                {
                    TakeWhileCommitting(batch);
                    if (!FinishInFlight(inFlight, batch))
                    {
                        batch.Clear();
                        continue;
                    }
                }
                else
                {
                    if (!WaitForWork())
                    {
                        break;
                    }
                    Take(batch, linger: true);
                    _engine.ExpireDue();
                    foreach (var request in batch)
                    {
                        request.Apply(_engine);
                    }
                }
                if (_engine.Batch.IsEmpty)
                {
                    CompleteAll(batch);
                    batch.Clear();
                    continue;
                }
                _store.Begin(_engine.Seal());
                (inFlight, batch) = (batch, inFlight);
            }
        }
        catch (Exception e)
        {
            // A bug in the writer must not leave callers waiting forever: fail them and refuse new work.
            _fault = e;
            _queue.Writer.TryComplete(e);
            foreach (var request in batch.Concat(inFlight))
            {
                request.Fail(new LedgerUnavailableException("the ledger writer stopped", e));
            }
            while (_queue.Reader.TryRead(out var queued))
            {
                queued.Fail(new LedgerUnavailableException("the ledger writer stopped", e));
            }
        }
    }

    /// <summary>
    /// While the store commits the sealed batch, applies requests as they arrive on top of it, until the commit is done or
    /// the next batch is full: the time spent committing one batch is the time the next one fills.
    /// </summary>
    private void TakeWhileCommitting(List<LedgerRequest> batch)
    {
        _engine.ExpireDue();
        var size = 0;
        while (size < _options.BatchSizeMax)
        {
            if (_queue.Reader.TryRead(out var request))
            {
                request.Apply(_engine);
                batch.Add(request);
                size += request.Size;
                continue;
            }
            if (_store.Done.IsCompleted)
            {
                return;
            }
            var arrival = _queue.Reader.WaitToReadAsync().AsTask();
            Task.WaitAny(_store.Done, arrival);
            if (arrival is { IsCompletedSuccessfully: true, Result: false } or { IsFaulted: true })
            {
                return; // the queue is closed: nothing more will come
            }
        }
    }

    /// <summary>Takes queued requests up to the batch size; with <paramref name="linger"/>, waits up to BatchWaitMaxMs for more.</summary>
    private void Take(List<LedgerRequest> batch, bool linger)
    {
        var size = 0;
        var lingerUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency * _options.BatchWaitMaxMs / 1000;
        while (size < _options.BatchSizeMax)
        {
            if (_queue.Reader.TryRead(out var request))
            {
                batch.Add(request);
                size += request.Size;
            }
            else if (!linger || _options.BatchWaitMaxMs == 0 || Stopwatch.GetTimestamp() >= lingerUntil
                || !_queue.Reader.WaitToReadAsync().AsTask().Wait(TimeSpan.FromMilliseconds(1)))
            {
                break;
            }
        }
    }

    /// <summary>Waits for a request or for the next hold to expire; false once the queue is closed and empty.</summary>
    private bool WaitForWork()
    {
        while (true)
        {
            if (_queue.Reader.TryPeek(out _))
            {
                return true;
            }
            if (_queue.Reader.Completion.IsCompleted)
            {
                return false;
            }
            var waitMs = 1_000L;
            if (_engine.NextExpiry is { } at)
            {
                var now = (_clock.UtcNow.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
                if (at <= now)
                {
                    CommitBatch([]);
                    continue;
                }
                waitMs = Math.Clamp((at - now) / 1000, 1, 1_000);
            }
            _queue.Reader.WaitToReadAsync().AsTask().Wait(TimeSpan.FromMilliseconds(waitMs));
        }
    }
}
