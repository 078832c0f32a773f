using SQLitePCL;
using Zhifu.Data;
using static SQLitePCL.raw;

namespace Zhifu.Tests.Ledger;

/// <summary>
/// The SQLite write-lock wait the ledger and every EF connection use (SqliteBusyWait): a writer that meets another's lock
/// waits in the handler — not in SQLite's sleeping busy_timeout, and without spinning: it blocks until a commit is signalled
/// or 1 ms has passed — and writes once the lock is free; past its timeout it answers SQLITE_BUSY and writes nothing. The WAL
/// hook that signals commits replaces SQLite's checkpointing one, so it checkpoints itself. Alone (not beside other test
/// classes): its counts of tries and commits are the process's, which other SQLite writers would add to.
/// </summary>
[Collection(nameof(SqliteBusyWaitTests))]
public sealed class SqliteBusyWaitTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("zhifu-busy-").FullName;

    private string File => Path.Combine(_directory, "busy.db");

    [Fact]
    public async Task A_writer_meeting_a_held_lock_waits_in_the_handler_without_spinning_and_writes_once_it_is_free()
    {
        var (holder, writer) = LockHeld(5_000);
        using var _ = holder;
        using var __ = writer;
        SqliteBusyWait.SignalCommits(holder, SqliteBusyWait.DefaultCheckpointPages);
        var (before, started) = (SqliteBusyWait.Tries, DateTime.UtcNow);
        var write = Task.Run(() => sqlite3_exec(writer, "INSERT INTO t VALUES (2);"));
        var deadline = started.AddSeconds(4);
        while (SqliteBusyWait.Tries - before < 30) // it waits in the handler, try after try
        {
            Assert.False(write.IsCompleted, "the write did not wait for the lock");
            Assert.True(DateTime.UtcNow < deadline, "the handler was not called: the connection waits in SQLite's busy_timeout");
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
        await Task.Delay(100, TestContext.Current.CancellationToken);
        // Each try after the first blocks for up to 1 ms (no commit happens meanwhile): a spinning handler tries thousands of times.
        var (tries, waitedMs) = (SqliteBusyWait.Tries - before, (DateTime.UtcNow - started).TotalMilliseconds);
        Assert.True(tries <= waitedMs + 5, $"{tries} tries in {waitedMs:F0} ms");
        Assert.False(write.IsCompleted);
        var commits = SqliteBusyWait.Commits;
        Exec(holder, "COMMIT;");
        Assert.True(SqliteBusyWait.Commits > commits, "the holder's commit was not signalled");
        Assert.Equal(SQLITE_OK, await write);
        Assert.Equal(2, Count(holder));
    }

    [Fact]
    public void Past_its_timeout_a_waiting_writer_answers_busy_and_writes_nothing()
    {
        var (holder, writer) = LockHeld(50);
        using var _ = holder;
        using var __ = writer;
        var started = DateTime.UtcNow;
        Assert.Equal(SQLITE_BUSY, sqlite3_exec(writer, "INSERT INTO t VALUES (2);"));
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(45), "it gave up before its timeout");
        Exec(holder, "COMMIT;");
        Assert.Equal(1, Count(holder));
    }

    [Theory]
    [InlineData(10, true)]
    [InlineData(1_000_000, false)] // the control: without a checkpoint the WAL grows with every commit
    [InlineData(0, false)] // 0 is "no automatic checkpoint", as wal_autocheckpoint
    public void The_commit_signal_checkpoints_once_the_wal_holds_the_pages_given(int checkpointPages, bool bounded)
    {
        using var db = Open(File);
        Exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE t (x INTEGER, filler BLOB);");
        SqliteBusyWait.SignalCommits(db, checkpointPages);
        for (var i = 0; i < 200; i++)
        {
            Exec(db, $"INSERT INTO t VALUES ({i}, zeroblob(3000));"); // a page or so a commit
        }
        var walPages = new FileInfo(File + "-wal").Length / 4_096;
        Assert.Equal(bounded, walPages < 60);
        Assert.Equal(200, Count(db));
    }

    /// <summary>A connection holding the write lock (one row written, uncommitted) and a writer waiting up to <paramref name="timeoutMs"/>.</summary>
    private (sqlite3 Holder, sqlite3 Writer) LockHeld(int timeoutMs)
    {
        var holder = Open(File);
        Exec(holder, "PRAGMA journal_mode=WAL; CREATE TABLE t (x INTEGER);");
        Exec(holder, "BEGIN IMMEDIATE; INSERT INTO t VALUES (1);");
        var writer = Open(File);
        SqliteBusyWait.Install(writer, timeoutMs);
        return (holder, writer);
    }

    private static sqlite3 Open(string path)
    {
        Batteries_V2.Init();
        Assert.Equal(SQLITE_OK, sqlite3_open_v2(path, out var db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, null));
        return db;
    }

    private static void Exec(sqlite3 db, string sql) => Assert.Equal(SQLITE_OK, sqlite3_exec(db, sql));

    private static int Count(sqlite3 db)
    {
        Assert.Equal(SQLITE_OK, sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM t", out var statement));
        using (statement)
        {
            Assert.Equal(SQLITE_ROW, sqlite3_step(statement));
            return sqlite3_column_int(statement, 0);
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>Runs <see cref="SqliteBusyWaitTests"/> with no other test class at the same time.</summary>
[CollectionDefinition(nameof(SqliteBusyWaitTests), DisableParallelization = true)]
public sealed class SqliteBusyWaitCollection;
