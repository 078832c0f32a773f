using Microsoft.EntityFrameworkCore;
using Zhifu.Core.Ledger;
using Zhifu.Data.Ledger;

namespace Zhifu.Data;

/// <summary>Opens the database pieces: schema migration and the ledger's store for the configured provider.</summary>
public static class Databases
{
    /// <summary>Applies the provider's migrations (creates the database file or schema when missing).</summary>
    public static async Task MigrateAsync(DatabaseOptions options, CancellationToken cancellationToken = default)
    {
        await using var db = options.CreateContext();
        await db.Database.MigrateAsync(cancellationToken);
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            // WAL lets readers (APIs, verify) run beside the ledger writer; the mode is stored in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    /// <summary>The ledger store on the migrated database.</summary>
    public static ILedgerStore OpenLedgerStore(DatabaseOptions options, SqliteTuning? tuning = null) =>
        options.Provider == DatabaseProvider.Sqlite
            ? new SqliteLedgerStore(options.SqliteFile!, tuning ?? new SqliteTuning())
            : new PostgresLedgerStore(options.ConnectionString);
}
