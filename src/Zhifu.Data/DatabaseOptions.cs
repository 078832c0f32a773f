using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

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
            return new DatabaseOptions(DatabaseProvider.Postgres, postgresConnectionString);
        }
        Directory.CreateDirectory(dataDirectory);
        return ForSqliteFile(Path.Combine(dataDirectory, "zhifu.db"));
    }

    /// <summary>For SQLite, the file path; null for PostgreSQL.</summary>
    public string? SqliteFile => Provider == DatabaseProvider.Sqlite
        ? new SqliteConnectionStringBuilder(ConnectionString).DataSource
        : null;

    /// <summary>A new context on this database.</summary>
    public ZhifuDb CreateContext()
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            var options = new DbContextOptionsBuilder<SqliteZhifuDb>()
                .UseSqlite(ConnectionString, o => o.MigrationsAssembly(typeof(ZhifuDb).Assembly.FullName))
                .UseSnakeCaseNamingConvention()
                .AddInterceptors(SqliteBusyTimeout.Instance)
                .Options;
            return new SqliteZhifuDb(options);
        }
        var pg = new DbContextOptionsBuilder<PostgresZhifuDb>()
            .UseNpgsql(ConnectionString, o => o.MigrationsAssembly(typeof(ZhifuDb).Assembly.FullName))
            .UseSnakeCaseNamingConvention()
            .Options;
        return new PostgresZhifuDb(pg);
    }

    /// <summary>Same target without the password, for logs.</summary>
    public string Describe() => Provider == DatabaseProvider.Sqlite
        ? $"SQLite {SqliteFile}"
        : $"PostgreSQL {new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString) { Password = null }.ConnectionString}";
}
