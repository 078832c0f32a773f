using Zhifu.Bench.Ledger;

namespace Zhifu.Bench.Results;

internal sealed partial class LedgerReport
{
    private void WriteTargets()
    {
        Line("## Targets of the issue");
        Line();
        var table = new MarkdownTable("target", "measured", "verdict").WithTextColumns(3);
        foreach (var v in LedgerTargets.Judge(runs))
        {
            table.Add(v.Target, v.Measured, v.Pass ? "pass" : "**FAIL**");
        }
        table.WriteTo(_md);
        var unsound = runs.Count(r => !r.Books.Balance || !r.Money.Exact);
        Line(unsound == 0
            ? "Every run: the books balance (LedgerVerifier) and exactly the overdraft attempts were refused."
            : $"**{unsound} run(s) left unbalanced books or refused the wrong payments** — see the tables.");
        Line();
    }

    private void WriteDatabase(DatabaseTarget target)
    {
        var mine = runs.Where(r => r.Database == target.Name).ToList();
        Line($"## {target.Name}");
        Line();
        var results = new MarkdownTable("workload", "mode", "shape", "callers × transfers/request", "BatchSizeMax", "transfers/s",
            "p50 ms", "p99 ms", "max ms", "applied", "refused / attempts", "books").WithTextColumns(3);
        foreach (var r in mine)
        {
            var t = r.Throughput;
            results.Add(Names.Of(r.Pattern), Names.Of(r.Mode), r.Shape, $"{r.Callers} × {r.TransfersPerRequest:N0}",
                r.BatchSizeMax is { } b ? $"{b:N0}" : "—", $"**{t.TransfersPerSecond:N0}**", $"{t.P50Ms:0.0#}", $"{t.P99Ms:0.0#}",
                $"{t.MaxMs:0.0}", $"{t.Applied:N0}",
                $"{r.Money.Refused:N0} / {r.Money.OverdraftAttempts:N0}{(r.Money.Exact ? "" : " **wrong**")}",
                r.Books.Balance ? "balance" : $"**{r.Books.Detail}**");
        }
        results.WriteTo(_md);
        Line("Where the time went in each measured window. CPU is in cores (2 = the whole machine); *others* is work of other "
            + "processes on this shared machine, i.e. noise. *Commit share* = time inside the store's Commit ÷ window (from the "
            + "writer's own `zhifu_ledger_commit_ms` metric); *writer thread* = that thread's CPU time ÷ window.");
        Line();
        var load = new MarkdownTable("workload", "mode", "shape", "mean batch", "commits/s", "commit ms mean / p99 / max",
            "commit share", "writer thread", "bench process", "PostgreSQL", "others", "bytes allocated / transfer", "GC pause")
            .WithTextColumns(3);
        foreach (var r in mine)
        {
            var l = r.Load;
            // No batch figures when the writer published none (a renamed metric must not read as "0 ms").
            var b = r.Batches is { Batches: > 0 } profile ? profile : null;
            load.Add(Names.Of(r.Pattern), Names.Of(r.Mode), r.Shape,
                b is null ? "—" : $"{b.MeanBatchSize:N0}",
                b is null ? "—" : $"{b.Batches / plan.Measure.TotalSeconds:N0}",
                b is null ? "—" : $"{b.MeanCommitMs:0.0} / {b.P99CommitMs:0.0} / {b.MaxCommitMs:0.0}",
                b is null ? "—" : $"{b.CommitShare:P0}",
                l.WriterThreadShare is { } w ? $"{w:P0}" : "—",
                $"{l.ProcessCores:0.00}", r.Database == "SQLite" ? "—" : $"{l.PostgresCores:0.00}", $"{l.OtherCores:0.00}",
                $"{l.BytesAllocatedPerTransfer:N0}", $"{l.GcPauseShare:P1}");
        }
        load.WriteTo(_md);
        WritePhases(target);
    }

    private void WritePhases(DatabaseTarget target)
    {
        Line($"Writer phases with full batches ready and no callers (batches of {WriterPhases.BatchSize:N0} transfers as requests of "
            + $"{WriterPhases.RequestSize}, {plan.ProbeBatches} batches after {WriterPhases.WarmupBatches} warm-up ones). Per transfer: "
            + "µs / bytes allocated. The first column runs on callers' threads in real use, the store commit on the store's thread, the "
            + "others on the writer thread; the two threads overlap (pipelining), so the ceiling is set by the slower of them.");
        Line();
        var table = new MarkdownTable(["workload", .. PhaseProfile.Names, "writer thread", "ceiling"]);
        foreach (var p in phases.Where(p => p.Database == target.Name))
        {
            var cells = p.Phases.Append(p.Writer).Select(c => $"{c.Microseconds:0.00} µs / {c.Bytes:N0} B");
            table.Add([Names.Of(p.Pattern), .. cells, $"{p.CeilingPerSecond:N0}/s"]);
        }
        table.WriteTo(_md);
    }

    private void WriteRatios()
    {
        Line("## Ratios");
        Line();
        var naive = new MarkdownTable("database", "workload", "best batched (shape)", plan.Shapes[0].Name, "naive", "best ÷ naive",
            $"{plan.Shapes[0].Name} ÷ naive").WithTextColumns(2);
        var hot = new MarkdownTable("database", "shape", "uniform", "hot account", "hot ÷ uniform").WithTextColumns(2);
        foreach (var database in runs.Select(r => r.Database).Distinct())
        {
            foreach (var pattern in Enum.GetValues<PaymentPattern>())
            {
                var best = LedgerTargets.Best(runs, database, pattern);
                var small = Find(database, plan.Shapes[0].Name, pattern);
                var baseline = LedgerTargets.Naive(runs, database, pattern);
                naive.Add(database, Names.Of(pattern), $"{PerSecond(best)} ({best?.Shape})", PerSecond(small), PerSecond(baseline),
                    $"{LedgerTargets.Ratio(best, baseline):0.0}×", $"{LedgerTargets.Ratio(small, baseline):0.0}×");
            }
            foreach (var shape in plan.Shapes.Select(s => s.Name).Append(NaivePayments.ShapeName))
            {
                var uniform = Find(database, shape, PaymentPattern.Uniform);
                var hotAccount = Find(database, shape, PaymentPattern.HotAccount);
                hot.Add(database, shape, PerSecond(uniform), PerSecond(hotAccount), $"{LedgerTargets.Ratio(hotAccount, uniform):0.00}");
            }
        }
        naive.WriteTo(_md);
        hot.WriteTo(_md);
    }

    private LedgerRun? Find(string database, string shape, PaymentPattern pattern) =>
        runs.FirstOrDefault(r => r.Database == database && r.Shape == shape && r.Pattern == pattern);

    private static string PerSecond(LedgerRun? run) => run is null ? "—" : $"{run.Throughput.TransfersPerSecond:N0}";
}
