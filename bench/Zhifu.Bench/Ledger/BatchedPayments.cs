using System.Diagnostics;
using Zhifu.Bench.Measuring;
using Zhifu.Bench.Results;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Ledger;

namespace Zhifu.Bench.Ledger;

/// <summary>
/// Payments through the product's batched writer (group commit), durable settings only: SQLite WAL + synchronous=FULL,
/// PostgreSQL with synchronous_commit on. Callers are closed-loop tasks in this process, on the same 2 cores as the writer.
/// </summary>
internal static class BatchedPayments
{
    public static async Task<LedgerRun> RunAsync(
        string database, BenchDatabase db, PaymentPattern pattern, BatchedShape shape, LedgerPlan plan)
    {
        var options = new LedgerWriterOptions { BatchSizeMax = shape.BatchSizeMax, BatchWaitMaxMs = 0 };
        using var meter = new WriterMeter();
        var store = Databases.OpenLedgerStore(db.Options, new SqliteTuning { Synchronous = "FULL" });
        var writer = new LedgerWriter(store, SystemClock.Instance, options);
        CallerTally[] tallies;
        PaymentWorkload[] workloads;
        RunWindow window;
        LoadSample before, after;
        try
        {
            var world = await PaymentWorld.OpenAsync(writer, plan.Wallets, plan.WalletFundingFen);
            workloads = [.. Enumerable.Range(0, shape.Callers).Select(i => new PaymentWorkload(world, pattern, seed: i + 1))];
            tallies = [.. Enumerable.Range(0, shape.Callers).Select(_ => new CallerTally())];
            window = new RunWindow(plan.Warmup, plan.Measure);
            var callers = Enumerable.Range(0, shape.Callers)
                .Select(i => Task.Run(() => CallAsync(writer, workloads[i], tallies[i], shape.TransfersPerRequest, window)))
                .ToArray();
            await window.UntilMeasuringAsync();
            meter.Start();
            before = LoadSample.Take(db.PostgresPort);
            await window.UntilOverAsync();
            after = LoadSample.Take(db.PostgresPort);
            meter.Stop();
            await Task.WhenAll(callers);
        }
        finally
        {
            writer.Dispose();
        }
        var throughput = Throughput.Of(tallies, window);
        var money = MoneyRule.Of(workloads, tallies);
        var load = LoadSample.Between(before, after, tallies.Sum(t => t.Answered));
        var books = await Books.CheckAsync(db.Options);
        return new LedgerRun(database, pattern, LedgerMode.Batched, shape.Name, shape.Callers, shape.TransfersPerRequest,
            shape.BatchSizeMax, throughput, money, load, meter.Profile(window.Measure), books);
    }

    private static async Task CallAsync(ILedger ledger, PaymentWorkload workload, CallerTally tally, int requestSize, RunWindow window)
    {
        // SubmitAsync copies the request, so one buffer per caller is enough.
        var request = new Transfer[requestSize];
        while (!window.IsOver(Stopwatch.GetTimestamp()))
        {
            workload.Fill(request);
            var sentAt = Stopwatch.GetTimestamp();
            var results = await ledger.SubmitAsync(request);
            tally.Record(sentAt, Stopwatch.GetTimestamp(), results, window);
        }
    }
}
