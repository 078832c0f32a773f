using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Bench.Ledger;
using Zhifu.Data;
using Zhifu.Data.Ledger;
using Zhifu.Server.Hosting;
using Zhifu.Server.Security;

namespace Zhifu.Bench.Merchant;

/// <summary>
/// The real Zhifu server in this process on a free loopback port (as the tests start it: migrate, then
/// <see cref="ServerApp.Build"/>), with its real bank simulator child, on a fresh data directory and database. Settings are the
/// production defaults of appsettings.json (Argon2id 7 MiB × 5, SQLite synchronous=FULL); only the extra arguments change them.
/// </summary>
internal sealed class MerchantServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly BenchDatabase? _postgres;

    private MerchantServer(WebApplication app, string dataDirectory, DatabaseOptions database, BenchDatabase? postgres)
    {
        _app = app;
        DataDirectory = dataDirectory;
        Database = database;
        _postgres = postgres;
    }

    public string DataDirectory { get; }

    public DatabaseOptions Database { get; }

    public int? PostgresPort => _postgres?.PostgresPort;

    public IServiceProvider Services => _app.Services;

    public Uri BaseAddress => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>The Argon2id factors this server hashes with (the demo wallets' payment passwords were hashed with them).</summary>
    public Argon2Options Argon2 => _app.Services.GetRequiredService<Argon2Options>();

    public string SqliteSynchronous => _app.Services.GetRequiredService<ServerSettings>().SqliteTuning.Synchronous;

    /// <param name="postgresServer">An Npgsql connection string to make a fresh database on; null for SQLite in the data directory.</param>
    public static async Task<MerchantServer> StartAsync(string? postgresServer, IReadOnlyList<string> extraArguments)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "zhifu-bench", Guid.CreateVersion7().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        BenchDatabase? postgres = null;
        DatabaseOptions database;
        if (postgresServer is not null)
        {
            postgres = await BenchDatabase.CreatePostgresAsync(postgresServer);
            database = postgres.Options;
        }
        else
        {
            database = DatabaseOptions.Resolve(null, dataDirectory); // where the server itself looks: {data}/zhifu.db
            await Databases.MigrateAsync(database);
        }
        var args = new List<string>
        {
            "--urls=http://127.0.0.1:0",
            $"--Zhifu:DataDir={dataDirectory}",
            "--Demo:PrintBanner=false",
            // The server's own lines would drown the report; the payment path logs nothing below Warning.
            "--Serilog:MinimumLevel:Default=Warning",
        };
        if (postgres is not null)
        {
            args.Add($"--ZHIFU_DB={database.ConnectionString}");
        }
        args.AddRange(extraArguments);
        var app = ServerApp.Build([.. args]);
        await app.StartAsync();
        return new MerchantServer(app, dataDirectory, database, postgres);
    }

    public async Task<VerificationReport> VerifyAsync()
    {
        await using var context = Database.CreateContext();
        return await new LedgerVerifier(context).VerifyAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp file must not turn a finished measurement into a failure.
        }
    }
}
