using System.Diagnostics;
using Zhifu.Core.Ledger;

namespace Zhifu.Data.Ledger;

public sealed partial class LedgerWriter
{
    /// <summary>
    /// Takes the outcome of the batch being committed. Committed: its callers are answered and true is returned, so the batch
    /// applied on top of it (<paramref name="current"/>) goes on. Failed: both batches are rolled back, replayed and
    /// committed one at a time (what <see cref="CommitBatch"/> does), every caller is answered and false is returned.
    /// </summary>
    private bool FinishInFlight(List<LedgerRequest> inFlight, List<LedgerRequest> current)
    {
        var error = _store.Finish();
        if (error is null)
        {
            Committed(_engine.Sealed!, _store.LastCommitMs);
            CompleteAll(inFlight);
            inFlight.Clear();
            return true;
        }
        _engine.AbortAll();
        if (error is DuplicateTransferIdException)
        {
            _engine.Remember(_store.FindTransfers(inFlight.Concat(current).SelectMany(r => r.TransferIds).ToHashSet()));
        }
        CommitBatch(inFlight);
        inFlight.Clear();
        CommitBatch(current);
        return false;
    }

    /// <summary>Applies and commits one batch on this thread, with retries; used for hold expiry and to recover from a failure.</summary>
    private void CommitBatch(List<LedgerRequest> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            _engine.ExpireDue();
            foreach (var request in batch)
            {
                request.Apply(_engine);
            }
            if (_engine.Batch.IsEmpty)
            {
                CompleteAll(batch);
                return;
            }
            var sealedBatch = _engine.Seal();
            var started = Stopwatch.GetTimestamp();
            try
            {
                _store.Commit(sealedBatch);
            }
            catch (DuplicateTransferIdException) when (attempt <= _options.CommitAttemptsMax)
            {
                // An id older than the in-memory cache came back: learn the stored outcomes and replay the batch.
                _engine.AbortAll();
                _engine.Remember(_store.FindTransfers(batch.SelectMany(r => r.TransferIds).ToHashSet()));
                continue;
            }
            catch (Exception e)
            {
                _engine.AbortAll();
                if (attempt >= _options.CommitAttemptsMax)
                {
                    var error = new LedgerUnavailableException("the ledger could not commit; nothing was applied", e);
                    foreach (var request in batch)
                    {
                        request.Fail(error);
                    }
                    return;
                }
                Thread.Sleep(50 * attempt);
                continue;
            }
            Committed(sealedBatch, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            CompleteAll(batch);
            return;
        }
    }

    /// <summary>The sealed batch is durable: count it, publish its balances (what GetAccount reads) and let the engine know.</summary>
    private void Committed(LedgerBatch batch, double commitMs)
    {
        _commitTimes.Record(commitMs);
        _batchSizes.Record(batch.Transfers.Count);
        _transfersCommitted.Add(batch.Transfers.Count);
        foreach (var balance in batch.Balances)
        {
            _committed[balance.Id] = balance;
        }
        foreach (var account in batch.NewAccounts)
        {
            _committed.TryAdd(account.Id, account);
        }
        _engine.CompleteSealed();
    }

    private static void CompleteAll(List<LedgerRequest> batch)
    {
        foreach (var request in batch)
        {
            request.Complete();
        }
    }
}
