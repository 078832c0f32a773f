using System.Diagnostics;
using Zhifu.Core.Ledger;

namespace Zhifu.Data.Ledger;

/// <summary>
/// The store's own thread: commits one sealed batch at a time while the writer thread applies the next batch's rules
/// (pipelining, as TigerBeetle does), so the writer's ceiling is the slower of the two stages, not their sum. It also
/// stands in front of the store for the engine's rare reads, which wait until no commit is running: the store has one
/// connection and is not thread-safe.
/// </summary>
internal sealed class CommitPipeline : ILedgerStore
{
    private readonly ILedgerStore _store;
    private readonly Thread _thread;
    private readonly SemaphoreSlim _started = new(0, 1);
    private readonly ManualResetEventSlim _idle = new(true);
    private LedgerBatch? _batch;
    private TaskCompletionSource _done = new();
    private Exception? _error;
    private long _commitTicks;
    private bool _stopping;
    private int _disposed;

    public CommitPipeline(ILedgerStore store)
    {
        _store = store;
        _thread = new Thread(Run) { IsBackground = true, Name = "zhifu-ledger-commit" };
        _thread.Start();
    }

    /// <summary>How long the store took to commit the last batch handed over, in ms.</summary>
    public double LastCommitMs => _commitTicks * 1000.0 / Stopwatch.Frequency;

    /// <summary>Whether a batch was handed over and its outcome not yet taken with <see cref="Finish"/>.</summary>
    public bool InFlight => _batch is not null;

    /// <summary>Completes when the batch handed over has been committed or has failed (take the outcome with Finish).</summary>
    public Task Done => _done.Task;

    /// <summary>Starts committing <paramref name="batch"/> on the store's thread.</summary>
    public void Begin(LedgerBatch batch)
    {
        if (_batch is not null)
        {
            throw new InvalidOperationException("a batch is already being committed");
        }
        _batch = batch;
        _error = null;
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _idle.Reset();
        _started.Release();
    }

    /// <summary>Waits for the batch handed over to be committed; null when it was, else what the store threw.</summary>
    public Exception? Finish()
    {
        _idle.Wait();
        _batch = null;
        return _error;
    }

    public LedgerSnapshot Load()
    {
        _idle.Wait();
        return _store.Load();
    }

    public void Commit(LedgerBatch batch)
    {
        _idle.Wait();
        _store.Commit(batch);
    }

    public IReadOnlyList<StoredTransfer> FindTransfers(IReadOnlyCollection<Guid> ids)
    {
        _idle.Wait();
        return _store.FindTransfers(ids);
    }

    public PendingStatus? FindPendingStatus(Guid pendingId)
    {
        _idle.Wait();
        return _store.FindPendingStatus(pendingId);
    }

    /// <summary>Waits for a running commit, stops the thread and closes the store.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return; // the writer may be disposed both as itself and as ILedger
        }
        _idle.Wait();
        _stopping = true;
        _started.Release();
        _thread.Join();
        _store.Dispose();
        _started.Dispose();
        _idle.Dispose();
    }

    private void Run()
    {
        while (true)
        {
            _started.Wait();
            if (_stopping)
            {
                return;
            }
            var started = Stopwatch.GetTimestamp();
            try
            {
                _store.Commit(_batch!);
            }
            catch (Exception e)
            {
                _error = e;
            }
            _commitTicks = Stopwatch.GetTimestamp() - started;
            _idle.Set();
            _done.TrySetResult();
        }
    }
}
