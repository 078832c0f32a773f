using SQLitePCL;
using Zhifu.Data;
using static SQLitePCL.raw;

namespace Zhifu.Tests.Ledger;

/// <summary>
/// The SQLite write-lock wait the ledger and every EF connection use (SqliteBusyWait): a writer that meets another's lock
/// waits in the handler — not in SQLite's sleeping busy_timeout — and writes once the lock is free; past its timeout it
/// answers SQLITE_BUSY and writes nothing.
/// </summary>
public sealed class SqliteBusyWaitTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("zhifu-busy-").FullName;

    private string File => Path.Combine(_directory, "busy.db");

    [Fact]
    public async Task A_writer_meeting_a_held_lock_waits_in_the_handler_and_writes_once_it_is_free()
    {
        var (holder, writer) = LockHeld(5_000);
        using var _ = holder;
        using var __ = writer;
        var before = SqliteBusyWait.Tries;
        var write = Task.Run(() => sqlite3_exec(writer, "INSERT INTO t VALUES (2);"));
        var deadline = DateTime.UtcNow.AddSeconds(4);
        while (SqliteBusyWait.Tries - before < SqliteBusyWait.YieldTries + 3) // it waits: in the handler, into its sleeping tries
        {
            Assert.False(write.IsCompleted, "the write did not wait for the lock");
            Assert.True(DateTime.UtcNow < deadline, "the handler was not called: the connection waits in SQLite's busy_timeout");
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
        Exec(holder, "COMMIT;");
        Assert.Equal(SQLITE_OK, await write);
        Assert.Equal(2, Count(holder));
    }

    [Fact]
    public void Past_its_timeout_a_waiting_writer_answers_busy_and_writes_nothing()
    {
        var (holder, writer) = LockHeld(50);
        using var _ = holder;
        using var __ = writer;
        var before = SqliteBusyWait.Tries;
        Assert.Equal(SQLITE_BUSY, sqlite3_exec(writer, "INSERT INTO t VALUES (2);"));
        Assert.True(SqliteBusyWait.Tries - before >= SqliteBusyWait.YieldTries + 50); // yields, then ~50 sleeping tries
        Exec(holder, "COMMIT;");
        Assert.Equal(1, Count(holder));
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
