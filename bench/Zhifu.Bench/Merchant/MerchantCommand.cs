using System.Diagnostics;
using Npgsql;
using Zhifu.Bench.Ledger;
using Zhifu.Bench.Results;

namespace Zhifu.Bench.Merchant;

/// <summary>
/// <c>merchant [--quick] [--pg "&lt;conn&gt;"] [--out &lt;file&gt;]</c>: signed end-to-end merchant payments per second over
/// loopback HTTP against the crypto floor, and latency at half the peak, on SQLite (and PostgreSQL when given), each on a
/// fresh server and database. Exit code 0 when every order was paid exactly once for the right amount, every callback
/// verified and <c>verify</c> holds (targets do not change it); 1 otherwise; 2 on bad arguments or an unusable PostgreSQL.
/// </summary>
internal static class MerchantCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (BenchOptions.Parse("merchant", args) is not { } options)
        {
            return 2;
        }
        var (quick, postgres, output) = (options.Quick, options.Postgres, options.Output);
        // The server reads its environment after its arguments: a ZHIFU_DB or ZHIFU_DATA here would silently redirect it.
        if (Environment.GetEnvironmentVariable("ZHIFU_DB") is { Length: > 0 }
            || Environment.GetEnvironmentVariable("ZHIFU_DATA") is { Length: > 0 })
        {
            Console.Error.WriteLine("merchant: unset ZHIFU_DB and ZHIFU_DATA (the bench makes its own fresh data directory and database)");
            return 2;
        }
        var plan = quick ? MerchantPlan.QuickRun : MerchantPlan.Full;
        output ??= Path.Combine(LedgerCommand.RepositoryRoot(), "bench", "results", quick ? "merchant-quick.md" : "merchant.md");
        var databases = new List<(string Name, string? Server, IReadOnlyList<string> Settings)>
        {
            ("SQLite", null, ["SQLite file `{data}/zhifu.db` in a fresh temp data directory; WAL"]),
        };
        if (postgres is not null)
        {
            try
            {
                databases.Add(("PostgreSQL", postgres, (await DatabaseTarget.PostgresAsync(postgres, LedgerPlan.QuickRun)).Settings));
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or ArgumentException)
            {
                Console.Error.WriteLine($"merchant: cannot measure on that PostgreSQL server: {e.Message}");
                return 2;
            }
        }
        var machine = MachineInfo.Read();
        var elapsed = Stopwatch.StartNew();
        var suite = new MerchantSuite(plan);
        foreach (var (name, server, _) in databases)
        {
            await suite.RunAsync(name, server);
        }
        var report = new MerchantReport(machine, plan, databases.Select(d => (d.Name, d.Settings)).ToList(), suite.Runs, elapsed.Elapsed)
            .ToMarkdown();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, report);
        Console.WriteLine();
        Console.WriteLine(report);
        Console.WriteLine($"written to {output}");
        if (!suite.EveryRunSound)
        {
            Console.Error.WriteLine(
                "merchant: an order was not paid exactly once, a callback failed, or verify does not hold (see the results)");
        }
        return suite.EveryRunSound ? 0 : 1;
    }
}
