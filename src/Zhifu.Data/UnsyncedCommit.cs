using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SQLitePCL;

namespace Zhifu.Data;

/// <summary>
/// A commit that does not wait for the disk: for writes whose loss in a power failure or an operating-system crash is harmless
/// (docs/ledger.md, "Which commits wait for the disk"). Each caller says why. Both engines keep one log whose durable part is
/// always a prefix of the commit order — SQLite's WAL (a synced commit or a checkpoint syncs the whole file first), PostgreSQL's
/// WAL (a synchronous commit flushes it up to its own record) — so such a commit is durable no later than the next synced commit
/// of anyone, and a power failure can take it only together with every commit after it. A process crash loses nothing.
/// <list type="bullet">
/// <item>SQLite in WAL mode: <c>PRAGMA synchronous=NORMAL</c> on the context's connection for this one commit, then back to what
/// it was — set on the native connection (no statement through the provider, no I/O). In any other journal mode the commit keeps
/// its sync (a rollback journal is not safe against power loss without it).</item>
/// <item>PostgreSQL: <c>SET LOCAL synchronous_commit TO OFF</c> in the commit's own transaction (never the session's).</item>
/// </list>
/// </summary>
public static class UnsyncedCommit
{
    private static long _sqliteCommits;

    /// <summary>SQLite commits made without their sync since the process started (diagnostics: bench merchant's synced commits).</summary>
    public static long SqliteCommits => Interlocked.Read(ref _sqliteCommits);

    /// <summary>Runs <paramref name="sql"/> (EF's raw-SQL placeholders) as its own commit without waiting for the disk.</summary>
    /// <returns>The rows the statement changed.</returns>
    public static async Task<int> ExecuteSqlAsync(ZhifuDb db, string sql, object[] parameters)
    {
        OwnCommit(db);
        if (db.Database.IsNpgsql())
        {
            // One round trip: statements sent together run as one implicit transaction, which SET LOCAL is confined to; the
            // SET changes no rows, so the count is the statement's.
            var relaxed = string.Concat(PostgresRelax, sql); // two constants of the caller's and ours: no value is spliced in
            return await db.Database.ExecuteSqlRawAsync(relaxed, parameters, CancellationToken.None);
        }
        return await OnSqliteAsync(db, () => db.Database.ExecuteSqlRawAsync(sql, parameters, CancellationToken.None));
    }

    /// <summary>Saves the context's changes as one commit without waiting for the disk.</summary>
    public static async Task SaveChangesAsync(ZhifuDb db)
    {
        OwnCommit(db);
        if (db.Database.IsNpgsql())
        {
            // The caller's changes in a transaction of ours, without the savepoint EF sets before saving inside a transaction
            // (a round trip more, and nothing to roll back to: the transaction is the save's alone)
            var savepoints = db.Database.AutoSavepointsEnabled;
            db.Database.AutoSavepointsEnabled = false;
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
                await db.Database.ExecuteSqlRawAsync(PostgresRelax, CancellationToken.None);
                await db.SaveChangesAsync(CancellationToken.None);
                await transaction.CommitAsync(CancellationToken.None);
            }
            finally
            {
                db.Database.AutoSavepointsEnabled = savepoints;
            }
            return;
        }
        await OnSqliteAsync(db, () => db.SaveChangesAsync(CancellationToken.None));
    }

    private const string PostgresRelax = "SET LOCAL synchronous_commit TO OFF; ";

    private static void OwnCommit(ZhifuDb db)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Database.CurrentTransaction is not null)
        {
            throw new InvalidOperationException("an unsynced commit is a commit of its own, not part of the caller's transaction");
        }
    }

    private static async Task<T> OnSqliteAsync<T>(ZhifuDb db, Func<Task<T>> commit)
    {
        await db.Database.OpenConnectionAsync(CancellationToken.None);
        try
        {
            var handle = ((SqliteConnection)db.Database.GetDbConnection()).Handle!;
            // synchronous: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA
            var was = int.TryParse(Pragma(handle, "synchronous"), CultureInfo.InvariantCulture, out var level) ? level : -1;
            // NORMAL only where it is safe and lowers the level: WAL (the prefix argument above), and FULL or EXTRA before
            var relax = was > 1 && string.Equals(Pragma(handle, "journal_mode"), "wal", StringComparison.OrdinalIgnoreCase);
            if (relax)
            {
                Exec(handle, "PRAGMA synchronous=NORMAL");
            }
            try
            {
                var result = await commit();
                if (relax)
                {
                    Interlocked.Increment(ref _sqliteCommits);
                }
                return result;
            }
            finally
            {
                if (relax)
                {
                    // back before the connection goes back to the pool: every other commit on it waits for the disk as before
                    Exec(handle, $"PRAGMA synchronous={was}");
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>A pragma's value as SQLite gives it ("" when it gives none).</summary>
    private static string Pragma(sqlite3 db, string name)
    {
        Check(db, raw.sqlite3_prepare_v2(db, $"PRAGMA {name}", out var statement));
        using (statement)
        {
            return raw.sqlite3_step(statement) == raw.SQLITE_ROW ? raw.sqlite3_column_text(statement, 0).utf8_to_string() : "";
        }
    }

    private static void Exec(sqlite3 db, string sql) => Check(db, raw.sqlite3_exec(db, sql));

    private static void Check(sqlite3 db, int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), rc);
        }
    }
}
