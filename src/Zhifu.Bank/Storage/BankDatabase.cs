using Microsoft.Data.Sqlite;

namespace Zhifu.Bank.Storage;

/// <summary>
/// The simulator's own SQLite file (bank.db, WAL). Every write goes through <see cref="WriteAsync{T}"/>: one writer at a
/// time, one transaction per request, so a repeated request id always sees the first outcome and balances never race.
/// </summary>
internal sealed class BankDatabase
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);

    public BankDatabase(string dataDir)
    {
        Directory.CreateDirectory(dataDir);
        FilePath = Path.Combine(dataDir, "bank.db");
        _connectionString = new SqliteConnectionStringBuilder { DataSource = FilePath, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    public string FilePath { get; }

    public void Initialize(TimeProvider clock)
    {
        using var connection = Open();
        connection.Run("PRAGMA journal_mode=WAL;");
        connection.Run(BankSchema.Create);
        using var tx = connection.BeginTransaction();
        DemoSeed.SeedOnce(connection, tx, clock.GetUtcNow());
        tx.Commit();
    }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work)
    {
        // Not tied to the request: once a client's money request is admitted it is finished even if the client hangs up.
        await _writer.WaitAsync(CancellationToken.None);
        try
        {
            using var connection = Open();
            using var tx = connection.BeginTransaction();
            var result = work(connection, tx);
            tx.Commit();
            return result;
        }
        finally
        {
            _writer.Release();
        }
    }

    public T Read<T>(Func<SqliteConnection, T> work)
    {
        using var connection = Open();
        return work(connection);
    }
}
