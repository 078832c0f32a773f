using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Zhifu.Data;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.Tests.Hosting;

/// <summary>The server binary's verbs, run as a separate process the way an operator runs them.</summary>
public sealed class VerifyVerbTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Verify_passes_after_the_demo_seed_and_fails_on_a_tampered_balance()
    {
        await using var database = await TestDatabase.CreateAsync();
        var (seedExit, seedOutput) = await RunAsync(database, "seed-demo");
        Assert.True(seedExit == 0, seedOutput);

        var (exit, output) = await RunAsync(database, "verify");
        Assert.True(exit == 0, output);
        Assert.Contains("All ledger invariants hold.", output, StringComparison.Ordinal);
        Assert.Contains("custody reserve and channel clearing", output, StringComparison.Ordinal);

        // Someone edits a wallet balance behind the ledger's back: verify must notice.
        await using (var db = database.Options.CreateContext())
        {
            await db.Database.ExecuteSqlRawAsync("UPDATE ledger_accounts SET credits_posted = credits_posted + 1 WHERE code = 100", Ct);
        }
        (exit, output) = await RunAsync(database, "verify");
        Assert.Equal(1, exit);
        Assert.Contains("[VIOLATED] every balance equals the sum of its transfers", output, StringComparison.Ordinal);
        Assert.Contains("[VIOLATED] total debits = total credits (posted)", output, StringComparison.Ordinal);

        // An imbalance in one ledger is not hidden by the opposite one in another (money and an allowance ledger summed).
        await using (var db = database.Options.CreateContext())
        {
            await db.Database.ExecuteSqlRawAsync("UPDATE ledger_accounts SET credits_posted = credits_posted - 1 WHERE code = 100", Ct);
            await db.Database.ExecuteSqlRawAsync(
                "UPDATE ledger_accounts SET credits_posted = credits_posted + 1 WHERE id = (SELECT id FROM ledger_accounts WHERE ledger = 1 ORDER BY id LIMIT 1)", Ct);
            var allowance = Guid.CreateVersion7(); // an account of an allowance ledger (2) with one debit nothing credits
            await db.Database.ExecuteSqlAsync($"INSERT INTO ledger_accounts (id, ledger, code, flags, debits_pending, debits_posted, credits_pending, credits_posted, timestamp) VALUES ({allowance}, 2, 900, 0, 0, 1, 0, 0, 1)", Ct);
        }
        (exit, output) = await RunAsync(database, "verify");
        Assert.Equal(1, exit);
        Assert.Contains("[VIOLATED] total debits = total credits (posted)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_verb_is_refused_with_usage()
    {
        await using var database = await TestDatabase.CreateAsync();
        var (exit, output) = await RunAsync(database, "launch-rockets");
        Assert.Equal(2, exit);
        Assert.Contains("use serve, migrate, verify, seed-demo, operator or demo-pay", output, StringComparison.Ordinal);
    }

    /// <summary>Runs the server binary with <paramref name="words"/> (the verb and its words) on <paramref name="database"/>.</summary>
    internal static async Task<(int Exit, string Output)> RunAsync(TestDatabase database, params string[] words)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = database.Directory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "zhifu.dll"));
        foreach (var word in words)
        {
            start.ArgumentList.Add(word);
        }
        foreach (var arg in ZhifuTestServer.Arguments(database))
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return (process.ExitCode, await stdout + await stderr);
    }
}
