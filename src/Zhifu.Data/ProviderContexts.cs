using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Zhifu.Data;

/// <summary>
/// The embedded database. Guids are stored as 16 big-endian bytes so time-ordered (UUIDv7) keys stay ordered
/// in <c>WITHOUT ROWID</c> tables; instants as sortable integers so queries can compare them.
/// </summary>
public sealed class SqliteZhifuDb(DbContextOptions<SqliteZhifuDb> options) : ZhifuDb(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<Guid>().HaveConversion<GuidBytesConverter>();
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

/// <summary>The production database.</summary>
public sealed class PostgresZhifuDb(DbContextOptions<PostgresZhifuDb> options) : ZhifuDb(options);

/// <summary>Guid ↔ 16 big-endian bytes (RFC 9562 byte order), the layout the raw ledger SQL binds.</summary>
public sealed class GuidBytesConverter() : ValueConverter<Guid, byte[]>(g => g.ToByteArray(true), b => new Guid(b, true));

/// <summary>Lets <c>dotnet ef</c> build the SQLite context at design time.</summary>
public sealed class SqliteDesignFactory : IDesignTimeDbContextFactory<SqliteZhifuDb>
{
    public SqliteZhifuDb CreateDbContext(string[] args) =>
        (SqliteZhifuDb)new DatabaseOptions(DatabaseProvider.Sqlite, "Data Source=design.db").CreateContext();
}

/// <summary>Lets <c>dotnet ef</c> build the PostgreSQL context at design time (no connection is opened).</summary>
public sealed class PostgresDesignFactory : IDesignTimeDbContextFactory<PostgresZhifuDb>
{
    public PostgresZhifuDb CreateDbContext(string[] args) =>
        (PostgresZhifuDb)new DatabaseOptions(DatabaseProvider.Postgres, "Host=127.0.0.1;Database=zhifu").CreateContext();
}
