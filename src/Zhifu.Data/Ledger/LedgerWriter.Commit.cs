using System.Diagnostics;
using Zhifu.Core.Ledger;

namespace Zhifu.Data.Ledger;

public sealed partial class LedgerWriter
{
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
                _engine.CompleteBatch();
                CompleteAll(batch);
                return;
            }
            var started = Stopwatch.GetTimestamp();
            try
            {
                _store.Commit(_engine.Batch);
            }
            catch (DuplicateTransferIdException) when (attempt <= _options.CommitAttemptsMax)
            {
                // An id older than the in-memory cache came back: learn the stored outcomes and replay the batch.
                _engine.AbortBatch();
                _engine.Remember(_store.FindTransfers(batch.SelectMany(r => r.TransferIds).ToHashSet()));
                continue;
            }
            catch (Exception e)
            {
                _engine.AbortBatch();
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
            _commitTimes.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            _batchSizes.Record(_engine.Batch.Transfers.Count);
            _transfersCommitted.Add(_engine.Batch.Transfers.Count);
            foreach (var account in _engine.Batch.TouchedAccounts)
            {
                _committed[account.Id] = account.Snapshot();
            }
            foreach (var account in _engine.Batch.NewAccounts)
            {
                _committed.TryAdd(account.Id, account);
            }
            _engine.CompleteBatch();
            CompleteAll(batch);
            return;
        }
    }

    private static void CompleteAll(List<LedgerRequest> batch)
    {
        foreach (var request in batch)
        {
            request.Complete();
        }
    }
}
