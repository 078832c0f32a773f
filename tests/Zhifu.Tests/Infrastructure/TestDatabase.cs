using Npgsql;
using Zhifu.Data;

namespace Zhifu.Tests.Infrastructure;

/// <summary>
/// A throwaway database for one test: a SQLite file in a temp directory, or — when <c>ZHIFU_TEST_PG</c> holds an Npgsql
/// connection string — a fresh PostgreSQL database on that server. Migrated with the real migrations.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _pgAdmin;
    private readonly string? _pgName;

    private TestDatabase(DatabaseOptions options, string directory, string? pgAdmin, string? pgName)
    {
        Options = options;
        Directory = directory;
        _pgAdmin = pgAdmin;
        _pgName = pgName;
    }

    /// <summary>Where the database is.</summary>
    public DatabaseOptions Options { get; }

    /// <summary>A temp directory owned by the test (the SQLite file and any other files live here).</summary>
    public string Directory { get; }

    /// <summary>The PostgreSQL server under test, if any.</summary>
    public static string? PostgresServer => Environment.GetEnvironmentVariable("ZHIFU_TEST_PG") is { Length: > 0 } s ? s : null;

    /// <summary>Creates and migrates a new database.</summary>
    public static async Task<TestDatabase> CreateAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "zhifu-tests", Guid.CreateVersion7().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        TestDatabase db;
        if (PostgresServer is { } server)
        {
            var name = "zt_" + Guid.NewGuid().ToString("N")[..16];
            await using (var admin = new NpgsqlConnection(server))
            {
                await admin.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
                await create.ExecuteNonQueryAsync();
            }
            var connection = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
            db = new TestDatabase(new DatabaseOptions(DatabaseProvider.Postgres, connection), directory, server, name);
        }
        else
        {
            db = new TestDatabase(DatabaseOptions.ForSqliteFile(Path.Combine(directory, "zhifu.db")), directory, null, null);
        }
        await Databases.MigrateAsync(db.Options);
        return db;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_pgAdmin is not null)
        {
            await using var admin = new NpgsqlConnection(_pgAdmin);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_pgName} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A process that still holds a file (e.g. a server being torn down) must not fail the test.
        }
    }
}
