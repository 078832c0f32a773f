using Zhifu.Data;
using Zhifu.Data.Ledger;

namespace Zhifu.Server.Hosting;

/// <summary>
/// Where this server keeps its state: the data directory (<c>ZHIFU_DATA</c>, <c>Zhifu:DataDir</c>, default <c>./data</c>) and
/// the database (PostgreSQL when <c>ZHIFU_DB</c> or <c>ConnectionStrings:Zhifu</c> is set, else SQLite in the data directory).
/// </summary>
public sealed record ServerSettings(string DataDirectory, DatabaseOptions Database, SqliteTuning SqliteTuning, LedgerWriterOptions Ledger)
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static ServerSettings From(IConfiguration configuration)
    {
        var dataDir = Path.GetFullPath(configuration["ZHIFU_DATA"] ?? configuration["Zhifu:DataDir"] ?? "data");
        var postgres = configuration["ZHIFU_DB"] ?? configuration.GetConnectionString("Zhifu");
        return new ServerSettings(
            dataDir,
            DatabaseOptions.Resolve(postgres, dataDir),
            configuration.GetSection("Ledger:Sqlite").Get<SqliteTuning>() ?? new SqliteTuning(),
            configuration.GetSection("Ledger").Get<LedgerWriterOptions>() ?? new LedgerWriterOptions());
    }
}
