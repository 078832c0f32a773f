using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using Zhifu.Data;

namespace Zhifu.Bench.Ledger;

/// <summary>
/// Where one measurement runs: a fresh, migrated database (real EF migrations, so the schema is the product's), dropped
/// afterwards. Every measurement gets its own so that no run inherits another's table size or WAL.
/// </summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string? _postgresServer;
    private readonly string? _postgresName;
    private readonly string? _directory;

    private BenchDatabase(DatabaseOptions options, string? directory, string? postgresServer, string? postgresName)
    {
        Options = options;
        _directory = directory;
        _postgresServer = postgresServer;
        _postgresName = postgresName;
    }

    public DatabaseOptions Options { get; }

    /// <summary>The server's port, to tell its processes' CPU time apart; null on SQLite.</summary>
    public int? PostgresPort => _postgresServer is null ? null : new NpgsqlConnectionStringBuilder(_postgresServer).Port;

    /// <summary>A new SQLite file in a temp directory (WAL is set by the migration; synchronous=FULL by the connections).</summary>
    public static async Task<BenchDatabase> CreateSqliteAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "zhifu-bench", Guid.CreateVersion7().ToString("N"));
        Directory.CreateDirectory(directory);
        var db = new BenchDatabase(DatabaseOptions.ForSqliteFile(Path.Combine(directory, "ledger.db")), directory, null, null);
        await Databases.MigrateAsync(db.Options);
        return db;
    }

    /// <summary>A new database on the given server, with synchronous_commit forced on for it (a commit waits for its fsync).</summary>
    public static async Task<BenchDatabase> CreatePostgresAsync(string server)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"zhifu_bench_{Guid.NewGuid():N}")[..28];
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
            await using var durable = new NpgsqlCommand($"ALTER DATABASE {name} SET synchronous_commit = on", admin);
            await durable.ExecuteNonQueryAsync();
        }
        var connection = new NpgsqlConnectionStringBuilder(server) { Database = name, MaxPoolSize = 200 }.ConnectionString;
        var db = new BenchDatabase(new DatabaseOptions(DatabaseProvider.Postgres, connection), null, server, name);
        await Databases.MigrateAsync(db.Options);
        return db;
    }

    public async ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        NpgsqlConnection.ClearAllPools();
        if (_postgresServer is not null)
        {
            await using var admin = new NpgsqlConnection(_postgresServer);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_postgresName} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
        if (_directory is not null)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp file must not turn a finished measurement into a failure.
            }
        }
    }
}
