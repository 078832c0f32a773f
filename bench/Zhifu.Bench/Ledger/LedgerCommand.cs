using System.Diagnostics;
using Npgsql;
using Zhifu.Bench.Results;

namespace Zhifu.Bench.Ledger;

/// <summary>
/// <c>ledger [--quick] [--pg "&lt;conn&gt;"] [--out &lt;file&gt;]</c>: for each database and workload, the batched writer at
/// several shapes, the naive baseline and the writer's phase profile, each on a fresh database; then the report.
/// Exit code 0 when every run kept the books balanced and refused exactly the overdraft attempts (targets do not change it:
/// a quick CI run cannot reach them); 1 otherwise; 2 on bad arguments or an unusable PostgreSQL server.
/// </summary>
internal static class LedgerCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (BenchOptions.Parse("ledger", args, "--phases") is not { } options)
        {
            return 2;
        }
        var (quick, postgres, output) = (options.Quick, options.Postgres, options.Output);
        var phasesOnly = options.Switches.Contains("--phases");
        var plan = quick ? LedgerPlan.QuickRun : LedgerPlan.Full;
        output ??= Path.Combine(RepositoryRoot(), "bench", "results", quick ? "ledger-quick.md" : "ledger.md");
        var targets = new List<DatabaseTarget> { DatabaseTarget.Sqlite(plan) };
        if (postgres is not null)
        {
            try
            {
                targets.Add(await DatabaseTarget.PostgresAsync(postgres, plan));
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or ArgumentException)
            {
                Console.Error.WriteLine($"ledger: cannot measure on that PostgreSQL server: {e.Message}");
                return 2;
            }
        }
        var machine = MachineInfo.Read();
        var elapsed = Stopwatch.StartNew();
        var suite = new LedgerSuite(plan);
        if (phasesOnly)
        {
            await suite.RunPhasesAsync(targets);
            return 0;
        }
        await suite.RunAsync(targets);
        var report = new LedgerReport(machine, plan, targets, suite.Runs, suite.Phases, elapsed.Elapsed).ToMarkdown();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, report);
        Console.WriteLine();
        Console.WriteLine(report);
        Console.WriteLine($"written to {output}");
        var sound = suite.EveryRunSound;
        if (!sound)
        {
            Console.Error.WriteLine("ledger: a run left unbalanced books or mis-refused a payment (see the results)");
        }
        return sound ? 0 : 1;
    }

    /// <summary>The repository holding this harness (results go to its bench/results), or the current directory.</summary>
    internal static string RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Zhifu.slnx")))
                {
                    return dir.FullName;
                }
            }
        }
        return Directory.GetCurrentDirectory();
    }
}
