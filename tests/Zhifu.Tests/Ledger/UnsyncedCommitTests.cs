using Microsoft.EntityFrameworkCore;
using Zhifu.Data;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.Tests.Ledger;

/// <summary>
/// A commit that does not wait for the disk (<see cref="UnsyncedCommit"/>, docs/ledger.md "Which commits wait for the disk"):
/// the password-attempt count and its reset, NOTPAY → PAYING, a callback attempt's outcome. Each probe statement writes the
/// synchronisation level its own commit ran at — SQLite's <c>synchronous</c> (1 NORMAL, 2 FULL), PostgreSQL's
/// <c>synchronous_commit</c> as 1 (off) or 2 (on) — so the tests see the level of that very commit, then that every other
/// commit on the pooled connections waits for the disk again.
/// </summary>
public sealed class UnsyncedCommitTests
{
    private static readonly string Level = TestDatabase.PostgresServer is null
        ? "(SELECT synchronous FROM pragma_synchronous)"
        : "CASE current_setting('synchronous_commit') WHEN 'off' THEN 1 ELSE 2 END";

    private static readonly string Probe = $"UPDATE unsynced_probe SET level = {Level}, writes = writes + {{0}} WHERE id = 1";

    /// <summary>The database as the server opens it: on PostgreSQL a pooled connection keeps its session settings (No Reset On
    /// Close), so a setting that outlived its commit would show in the next one.</summary>
    private static DatabaseOptions AsServer(TestDatabase database) => database.Options.Provider == DatabaseProvider.Postgres
        ? new DatabaseOptions(DatabaseProvider.Postgres, DatabaseOptions.WithPostgresDefaults(database.Options.ConnectionString))
        : database.Options;

    private static async Task<TestDatabase> WithProbeAsync()
    {
        var database = await TestDatabase.CreateAsync();
        await CreateProbeAsync(database.Options);
        return database;
    }

    private static async Task CreateProbeAsync(DatabaseOptions options)
    {
        await using var db = options.CreateContext();
        await db.Database.ExecuteSqlRawAsync("CREATE TABLE unsynced_probe (id integer PRIMARY KEY, level integer NOT NULL, writes integer NOT NULL)", TestContext.Current.CancellationToken);
        await db.Database.ExecuteSqlRawAsync("INSERT INTO unsynced_probe VALUES (1, 0, 0)", TestContext.Current.CancellationToken);
    }

    private static async Task<(long Level, long Writes)> ReadAsync(DatabaseOptions options)
    {
        await using var db = options.CreateContext();
        var row = await db.Database.SqlQueryRaw<ProbeRow>("SELECT level, writes FROM unsynced_probe WHERE id = 1")
            .SingleAsync(TestContext.Current.CancellationToken);
        return (row.Level, row.Writes);
    }

    private sealed record ProbeRow(long Level, long Writes);

    [Fact]
    public async Task A_statement_commits_without_waiting_for_the_disk_and_every_later_commit_waits_again()
    {
        await using var database = await WithProbeAsync();
        var options = AsServer(database);
        for (var i = 0; i < 3; i++) // the same pooled connection each time: the level goes back after every one
        {
            await using (var db = options.CreateContext())
            {
                Assert.Equal(1, await UnsyncedCommit.ExecuteSqlAsync(db, Probe, [1])); // the count is the statement's own
            }
            Assert.Equal((1, 1 + 2 * i), await ReadAsync(options));
            await using (var db = options.CreateContext())
            {
                await db.Database.ExecuteSqlRawAsync(Probe, [1], TestContext.Current.CancellationToken);
            }
            Assert.Equal((2, 2 + 2 * i), await ReadAsync(options));
        }
    }

    [Fact]
    public async Task Saved_changes_commit_and_the_connection_waits_for_the_disk_again_after()
    {
        await using var database = await WithProbeAsync();
        var options = AsServer(database);
        await using (var db = options.CreateContext())
        {
            db.Add(NewRow());
            await UnsyncedCommit.SaveChangesAsync(db);
            Assert.Null(db.Database.CurrentTransaction);
            await db.Database.ExecuteSqlRawAsync(Probe, [1], TestContext.Current.CancellationToken); // the same context's connection
        }
        Assert.Equal((2, 1), await ReadAsync(options));
        await using var read = options.CreateContext();
        Assert.Equal(1, await read.LedgerPending.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Inside_a_callers_transaction_it_is_refused_and_writes_nothing()
    {
        await using var database = await WithProbeAsync();
        var options = AsServer(database);
        await using (var db = options.CreateContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
            await Assert.ThrowsAsync<InvalidOperationException>(() => UnsyncedCommit.ExecuteSqlAsync(db, Probe, [1]));
            db.Add(NewRow());
            await Assert.ThrowsAsync<InvalidOperationException>(() => UnsyncedCommit.SaveChangesAsync(db));
        }
        Assert.Equal((0, 0), await ReadAsync(options));
        await using var read = options.CreateContext();
        Assert.Equal(0, await read.LedgerPending.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_SQLite_file_not_in_WAL_mode_keeps_its_sync()
    {
        Assert.SkipWhen(TestDatabase.PostgresServer is not null, "SQLite's journal modes");
        var directory = Directory.CreateTempSubdirectory("zhifu-unsynced-").FullName;
        try
        {
            var options = DatabaseOptions.ForSqliteFile(Path.Combine(directory, "rollback-journal.db"));
            await CreateProbeAsync(options);
            await using (var db = options.CreateContext())
            {
                Assert.Equal(1, await UnsyncedCommit.ExecuteSqlAsync(db, Probe, [1]));
            }
            Assert.Equal((2, 1), await ReadAsync(options)); // a rollback journal is not safe against power loss without its sync
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>A row of a small table (the ledger's pending transfers) for the saved-changes cases.</summary>
    private static Zhifu.Data.Entities.LedgerPendingRow NewRow() => new() { Id = Guid.CreateVersion7(), ExpiresAt = 1 };
}
