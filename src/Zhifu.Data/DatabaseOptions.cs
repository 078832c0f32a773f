using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Zhifu.Data;

/// <summary>Which database engine holds the platform's data.</summary>
public enum DatabaseProvider
{
    /// <summary>An embedded SQLite file (the default).</summary>
    Sqlite,

    /// <summary>A PostgreSQL server.</summary>
    Postgres,
}

/// <summary>
/// Where the database is: SQLite at <c>{dataDir}/zhifu.db</c> unless <c>ZHIFU_DB</c> (or
/// <c>ConnectionStrings:Zhifu</c>) holds an Npgsql connection string.
/// </summary>
public sealed record DatabaseOptions(DatabaseProvider Provider, string ConnectionString)
{
    /// <summary>The SQLite file inside a data directory.</summary>
    public static DatabaseOptions ForSqliteFile(string path) => new(DatabaseProvider.Sqlite, new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString());

    /// <summary>Chooses the provider from a connection string (PostgreSQL when given) or the data directory.</summary>
    public static DatabaseOptions Resolve(string? postgresConnectionString, string dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(postgresConnectionString))
        {
            return new DatabaseOptions(DatabaseProvider.Postgres, WithPostgresDefaults(postgresConnectionString));
        }
        Directory.CreateDirectory(dataDirectory);
        return ForSqliteFile(Path.Combine(dataDirectory, "zhifu.db"));
    }

    /// <summary>
    /// The platform's Npgsql settings where the connection string does not choose its own: statements used again and again (a
    /// payment makes a score of them, each through a short context) are prepared once per connection (<c>Max Auto Prepare</c>
    /// 64), and a connection going back to the pool is not reset with <c>DISCARD ALL</c> (<c>No Reset On Close</c>: nothing of
    /// the platform's sets session state on a pooled context connection — the ledger's own setting is a startup option of its
    /// own pool — and the reset would drop the prepared statements). Together about a sixth more payments a second
    /// (bench/results/merchant.md). Behind a pooler in transaction mode (PgBouncer), set <c>Max Auto Prepare=0</c> in the
    /// connection string.
    /// </summary>
    public static string WithPostgresDefaults(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 64;
        }
        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }
        return builder.ConnectionString;
    }

    /// <summary>For SQLite, the file path; null for PostgreSQL.</summary>
    public string? SqliteFile => Provider == DatabaseProvider.Sqlite
        ? new SqliteConnectionStringBuilder(ConnectionString).DataSource
        : null;

    /// <summary>
    /// A context on this database, from a pool kept per <see cref="DatabaseOptions"/> instance (EF Core context pooling: a
    /// payment opens a dozen short contexts, and a pooled one skips building its options and internal services each time).
    /// Disposing it returns it to the pool, reset.
    /// </summary>
    public ZhifuDb CreateContext() => Pools.GetValue(this, static o => o.NewPool())();

    /// <summary>Contexts kept ready per database; more in use at once are created and discarded as usual.</summary>
    public const int ContextPoolSize = 128;

    private static readonly ConditionalWeakTable<DatabaseOptions, Func<ZhifuDb>> Pools = new();

    private Func<ZhifuDb> NewPool()
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            var options = new DbContextOptionsBuilder<SqliteZhifuDb>()
                .UseSqlite(ConnectionString, o => o.MigrationsAssembly(typeof(ZhifuDb).Assembly.FullName))
                .UseSnakeCaseNamingConvention()
                .AddInterceptors(SqliteBusyTimeout.Instance)
                .Options;
            return new PooledDbContextFactory<SqliteZhifuDb>(options, ContextPoolSize).CreateDbContext;
        }
        var pg = new DbContextOptionsBuilder<PostgresZhifuDb>()
            .UseNpgsql(ConnectionString, o => o.MigrationsAssembly(typeof(ZhifuDb).Assembly.FullName))
            .UseSnakeCaseNamingConvention()
            .Options;
        return new PooledDbContextFactory<PostgresZhifuDb>(pg, ContextPoolSize).CreateDbContext;
    }

    /// <summary>Same target without the password, for logs.</summary>
    public string Describe() => Provider == DatabaseProvider.Sqlite
        ? $"SQLite {SqliteFile}"
        : $"PostgreSQL {new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString) { Password = null }.ConnectionString}";
}
