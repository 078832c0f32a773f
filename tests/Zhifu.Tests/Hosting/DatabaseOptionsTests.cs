using Npgsql;
using Zhifu.Data;

namespace Zhifu.Tests.Hosting;

/// <summary>The platform's PostgreSQL connection settings: its defaults where the operator's connection string is silent, the
/// operator's own choice where it is not.</summary>
public sealed class DatabaseOptionsTests
{
    [Fact]
    public void A_postgres_connection_string_prepares_repeated_statements_and_skips_the_pool_reset_unless_it_says_otherwise()
    {
        var plain = new NpgsqlConnectionStringBuilder(DatabaseOptions.Resolve("Host=db.internal;Database=zhifu;Username=zhifu", "unused").ConnectionString);
        Assert.Equal((64, true, "db.internal", "zhifu"), (plain.MaxAutoPrepare, plain.NoResetOnClose, plain.Host, plain.Database));

        // behind PgBouncer in transaction mode the operator turns preparation off; an explicit reset is kept too
        var own = new NpgsqlConnectionStringBuilder(DatabaseOptions.Resolve(
            "Host=db.internal;Database=zhifu;Max Auto Prepare=0;No Reset On Close=false", "unused").ConnectionString);
        Assert.Equal((0, false), (own.MaxAutoPrepare, own.NoResetOnClose));
        var alias = new NpgsqlConnectionStringBuilder(DatabaseOptions.WithPostgresDefaults("Host=h;maxautoprepare=5;noresetonclose=false"));
        Assert.Equal((5, false), (alias.MaxAutoPrepare, alias.NoResetOnClose));
    }
}
