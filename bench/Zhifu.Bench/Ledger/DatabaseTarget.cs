using Npgsql;

namespace Zhifu.Bench.Ledger;

/// <summary>One database kind under test: how to make a fresh database, how the naive baseline connects, and its settings.</summary>
internal sealed record DatabaseTarget(
    string Name,
    Func<Task<BenchDatabase>> CreateDatabaseAsync,
    int NaiveCallers,
    Func<BenchDatabase, Task<INaiveBook>> OpenNaiveBookAsync,
    IReadOnlyList<string> Settings)
{
    public static DatabaseTarget Sqlite(LedgerPlan plan)
    {
        SQLitePCL.Batteries_V2.Init();
        return new(
        "SQLite",
        BenchDatabase.CreateSqliteAsync,
        plan.NaiveSqliteCallers,
        db => NaiveSqliteBook.OpenAsync(db.Options.ConnectionString),
        [
            $"SQLite {SQLitePCL.raw.sqlite3_libversion().utf8_to_string()} (e_sqlite3 bundled with Microsoft.Data.Sqlite), a fresh file"
                + $" under {Path.GetTempPath()} per measurement",
            "journal_mode=WAL, synchronous=FULL (each commit fsyncs the WAL), wal_autocheckpoint=10000 pages, cache_size=64 MiB",
        ]);
    }

    /// <summary>Reads the server's durability settings; refuses a server that does not fsync (durability is the point).</summary>
    public static async Task<DatabaseTarget> PostgresAsync(string server, LedgerPlan plan)
    {
        var settings = new List<string>();
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            settings.Add($"PostgreSQL {connection.PostgreSqlVersion} at {connection.Host}:{connection.Port},"
                + " a fresh database per measurement");
            var values = new List<string>();
            string[] names = ["fsync", "synchronous_commit", "wal_sync_method", "full_page_writes", "shared_buffers", "wal_buffers",
                "max_wal_size", "checkpoint_timeout"];
            foreach (var name in names)
            {
                await using var show = new NpgsqlCommand($"SHOW {name}", connection);
                var value = (string)(await show.ExecuteScalarAsync())!;
                if (name == "fsync" && value != "on")
                {
                    throw new InvalidOperationException("the PostgreSQL server runs with fsync=off: its figures would not be durable ones");
                }
                values.Add($"{name}={value}");
            }
            settings.Add(string.Join(", ", values) + " (synchronous_commit forced on for each benchmark database)");
        }
        return new DatabaseTarget(
            "PostgreSQL",
            () => BenchDatabase.CreatePostgresAsync(server),
            plan.NaivePostgresCallers,
            db => NaivePostgresBook.OpenAsync(db.Options.ConnectionString),
            settings);
    }
}
