using Microsoft.EntityFrameworkCore;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.Tests.Hosting;

/// <summary>
/// Compiled queries on the payment path (issue 6 item 9) serve contexts of both providers in one process — as the merchant
/// benchmark runs SQLite and then PostgreSQL — where EF alone refuses a compiled query on a second model.
/// </summary>
public sealed class ModelCompiledTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly ModelCompiled<Func<ZhifuDb, Guid, CancellationToken, Task<UserRow?>>> UserById =
        new(() => EF.CompileAsyncQuery((ZhifuDb db, Guid id, CancellationToken ct) => db.Set<UserRow>().AsNoTracking().FirstOrDefault(u => u.Id == id)));

    [Fact]
    public async Task A_compiled_query_runs_on_a_sqlite_and_a_postgres_context_in_one_process()
    {
        var directory = Path.Combine(Path.GetTempPath(), "zhifu-tests", Guid.CreateVersion7().ToString("N"));
        Directory.CreateDirectory(directory);
        var sqlite = DatabaseOptions.ForSqliteFile(Path.Combine(directory, "zhifu.db"));
        await Databases.MigrateAsync(sqlite, Ct);
        await using var other = await TestDatabase.CreateAsync(); // PostgreSQL when the run has one, else SQLite again
        await using (var a = sqlite.CreateContext())
        await using (var b = other.Options.CreateContext())
        {
            Assert.Null(await UserById.For(a)(a, Guid.NewGuid(), Ct));
            Assert.Null(await UserById.For(b)(b, Guid.NewGuid(), Ct)); // EF's own compiled query throws here on PostgreSQL
            Assert.Same(UserById.For(a), UserById.For(a));
        }
        // one compiled query per model: a PostgreSQL context (not opened: no statement) gets its own
        await using var postgres = new DatabaseOptions(DatabaseProvider.Postgres, "Host=127.0.0.1;Port=1;Database=none").CreateContext();
        await using var lite = sqlite.CreateContext();
        Assert.NotSame(UserById.For(lite), UserById.For(postgres));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }
}
