using System.Collections.Concurrent;
using System.Diagnostics;
using Zhifu.Bench.Results;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Ledger;

namespace Zhifu.Bench.Ledger;

/// <summary>
/// Where the writer's time goes, measured by doing what <c>LedgerWriter.CommitBatch</c> does, step by step, on the
/// product's own <see cref="LedgerEngine"/> and store, with full batches ready and no callers competing for the cores. The sum
/// is the most the writer thread can do; the batched runs show what is left of it with callers on the same cores.
/// </summary>
internal static class WriterPhases
{
    public const int RequestSize = 4;
    public const int BatchSize = 8_190;
    public const int WarmupBatches = 5;

    public static async Task<PhaseProfile> MeasureAsync(string database, BenchDatabase db, PaymentPattern pattern, LedgerPlan plan)
    {
        var tuning = new SqliteTuning { Synchronous = "FULL" };
        var writerOptions = new LedgerWriterOptions();
        PaymentWorld world;
        using (var writer = new LedgerWriter(Databases.OpenLedgerStore(db.Options, tuning), SystemClock.Instance, writerOptions))
        {
            world = await PaymentWorld.OpenAsync(writer, plan.Wallets, plan.WalletFundingFen);
        }
        using var store = Databases.OpenLedgerStore(db.Options, tuning);
        var engine = new LedgerEngine(store, SystemClock.Instance, writerOptions.RecentTransferCapacity);
        // Mirrors the writer's published balances (what GetAccount reads).
        var published = new ConcurrentDictionary<Guid, AccountBalance>(engine.AllAccounts().Select(a => KeyValuePair.Create(a.Id, a)));
        var workload = new PaymentWorkload(world, pattern, seed: 7);
        var phases = new PhaseClock[6];
        long transfers = 0, batches = 0;
        for (var b = 0; b < WarmupBatches + plan.ProbeBatches; b++)
        {
            var counted = b >= WarmupBatches;
            var requests = new Transfer[BatchSize / RequestSize][];
            var results = new TransferResult[requests.Length][];
            var answers = new TaskCompletionSource<TransferResult[]>[requests.Length];
            phases[0].Run(counted, () =>
            {
                for (var r = 0; r < requests.Length; r++)
                {
                    requests[r] = new Transfer[RequestSize];
                    workload.Fill(requests[r]);
                    results[r] = new TransferResult[RequestSize];
                    answers[r] = new TaskCompletionSource<TransferResult[]>(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            });
            phases[1].Run(counted, () =>
            {
                engine.ExpireDue();
                for (var r = 0; r < requests.Length; r++)
                {
                    engine.Apply(requests[r], results[r]);
                }
            });
            LedgerBatch sealedBatch = null!;
            phases[1].Run(counted, () => sealedBatch = engine.Seal());
            phases[2].Run(counted, () => store.Commit(sealedBatch));
            phases[3].Run(counted, () =>
            {
                foreach (var balance in sealedBatch.Balances)
                {
                    published[balance.Id] = balance;
                }
            });
            var count = sealedBatch.Transfers.Count;
            phases[4].Run(counted, engine.CompleteSealed);
            phases[5].Run(counted, () =>
            {
                for (var r = 0; r < requests.Length; r++)
                {
                    answers[r].TrySetResult(results[r]);
                }
            });
            if (counted)
            {
                transfers += count;
                batches++;
            }
        }
        return new PhaseProfile(database, pattern, (int)batches, (double)transfers / batches,
            [.. phases.Select(p => p.PerTransfer(transfers))]);
    }

    /// <summary>Time and bytes allocated by one phase over the counted batches (one thread, so its allocation count is exact).</summary>
    private struct PhaseClock
    {
        private long _ticks;
        private long _bytes;

        public void Run(bool counted, Action phase)
        {
            var bytes = GC.GetAllocatedBytesForCurrentThread();
            var started = Stopwatch.GetTimestamp();
            phase();
            if (counted)
            {
                _ticks += Stopwatch.GetTimestamp() - started;
                _bytes += GC.GetAllocatedBytesForCurrentThread() - bytes;
            }
        }

        public readonly PhaseCost PerTransfer(long transfers) =>
            new(_ticks * 1_000_000.0 / Stopwatch.Frequency / transfers, (double)_bytes / transfers);
    }
}
