using System.Diagnostics;
using Zhifu.Bench.Measuring;
using Zhifu.Bench.Results;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Ledger;

namespace Zhifu.Bench.Ledger;

/// <summary>
/// The baseline the batched writer must beat: what a first implementation does, one database transaction per transfer
/// (read both balances, check the overdraft rule, update both accounts, insert the transfer row, commit), with plain
/// prepared ADO.NET commands on the same database kind, schema and funded world.
/// </summary>
internal static class NaivePayments
{
    public const string ShapeName = "1 transaction per transfer";

    public static async Task<LedgerRun> RunAsync(
        string database, BenchDatabase db, PaymentPattern pattern, LedgerPlan plan, int callerCount, Func<Task<INaiveBook>> openBook)
    {
        PaymentWorld world;
        // The world is set up through the ledger, exactly as for the batched runs; then the writer is closed and only the
        // naive transactions touch the database.
        using (var writer = new LedgerWriter(Databases.OpenLedgerStore(db.Options), SystemClock.Instance, new LedgerWriterOptions()))
        {
            world = await PaymentWorld.OpenAsync(writer, plan.Wallets, plan.WalletFundingFen);
        }
        var books = new List<INaiveBook>();
        for (var i = 0; i < callerCount; i++)
        {
            books.Add(await openBook());
        }
        var workloads = Enumerable.Range(0, callerCount).Select(i => new PaymentWorkload(world, pattern, seed: i + 1)).ToArray();
        var tallies = Enumerable.Range(0, callerCount).Select(_ => new CallerTally()).ToArray();
        var window = new RunWindow(plan.Warmup, plan.Measure);
        var callers = Enumerable.Range(0, callerCount)
            .Select(i => Task.Run(() => PayAsync(books[i], workloads[i], tallies[i], window)))
            .ToArray();
        await window.UntilMeasuringAsync();
        var before = LoadSample.Take(db.PostgresPort);
        await window.UntilOverAsync();
        var after = LoadSample.Take(db.PostgresPort);
        await Task.WhenAll(callers);
        foreach (var book in books)
        {
            await book.DisposeAsync();
        }
        var money = MoneyRule.Of(workloads, tallies);
        var load = LoadSample.Between(before, after, tallies.Sum(t => t.Answered));
        return new LedgerRun(database, pattern, LedgerMode.Naive, ShapeName, callerCount, 1, null,
            Throughput.Of(tallies, window), money, load, null, await Books.CheckAsync(db.Options));
    }

    private static async Task PayAsync(INaiveBook book, PaymentWorkload workload, CallerTally tally, RunWindow window)
    {
        var result = new TransferResult[1];
        while (!window.IsOver(Stopwatch.GetTimestamp()))
        {
            var payment = workload.NextPayment();
            var sentAt = Stopwatch.GetTimestamp();
            result[0] = await book.PayAsync(payment);
            tally.Record(sentAt, Stopwatch.GetTimestamp(), result, window);
        }
    }
}

/// <summary>One caller's connection for the naive baseline.</summary>
internal interface INaiveBook : IAsyncDisposable
{
    /// <summary>Moves the money in its own database transaction; refused (and recorded) when the payer cannot afford it.</summary>
    ValueTask<TransferResult> PayAsync(Transfer payment);
}

/// <summary>Ledger timestamps for the naive books: Unix µs, strictly increasing across callers, like the writer's.</summary>
internal static class NaiveTimestamps
{
    private static long s_last;

    public static long Next()
    {
        var now = (DateTimeOffset.UtcNow.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        while (true)
        {
            var last = Interlocked.Read(ref s_last);
            var next = now > last ? now : last + 1;
            if (Interlocked.CompareExchange(ref s_last, next, last) == last)
            {
                return next;
            }
        }
    }
}
