using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Tests.Infrastructure;
using Zhifu.Tests.Transfers;
using static Zhifu.Tests.MerchantApi.MerchantKit;

namespace Zhifu.Tests.MerchantApi;

/// <summary>
/// PAY-6's nonce memory stays bounded: a nonce is kept three timestamp windows (a timestamp may run a window ahead), then
/// purged — by a request path at most once a minute (<see cref="OncePer"/>).
/// </summary>
public sealed class RequestNonceTests
{
    [Fact]
    public async Task PAY6_a_nonce_is_kept_three_timestamp_windows_then_purged()
    {
        await using var server = await TransferKit.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory).WithClock(() => server.Clock.UtcNow);
        async Task SendAsync(int n, string nonce)
        {
            var answer = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
                NativeOrder(merchant.MchId, $"NONCE-PURGE-{n}", 100, "http://127.0.0.1:9/n"), nonce: nonce);
            Assert.Equal(200, (int)answer.Response.StatusCode);
        }
        Task<bool> KeptAsync(string nonce) => NonceKeptAsync(server.Database.Options, nonce);

        await SendAsync(1, "NONCE-PURGE-A");
        server.Clock.Advance(TimeSpan.FromMinutes(14)); // within 3 × 300 s
        await SendAsync(2, "NONCE-PURGE-B");
        Assert.True(await KeptAsync("NONCE-PURGE-A"));
        server.Clock.Advance(TimeSpan.FromMinutes(2)); // A is now 16 minutes old, B 2
        await SendAsync(3, "NONCE-PURGE-C");
        Assert.False(await KeptAsync("NONCE-PURGE-A"));
        Assert.True(await KeptAsync("NONCE-PURGE-B"));
    }

    [Fact]
    public async Task PAY6_a_nonce_the_database_could_not_record_is_a_retryable_system_error_not_a_replay()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        // the database refuses every new nonce for a reason of its own (full, failing over)
        await InsertsFailAsync(server.Database.Options, "merchant_nonces");
        var body = NativeOrder(merchant.MchId, "NONCE-OUTAGE-1", 100, "http://127.0.0.1:9/n");
        // SYSTEM_ERROR, which SDKs retry — never SIGN_ERROR, which tells the merchant its keys are wrong
        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native", body, nonce: "NONCE-OUTAGE-A"), 500, "SYSTEM_ERROR");
        await InsertsWorkAgainAsync(server.Database.Options, "merchant_nonces");
        Assert.Equal(200, (int)(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native", body, nonce: "NONCE-OUTAGE-B")).Response.StatusCode);
        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native", body, nonce: "NONCE-OUTAGE-B"), 401, "SIGN_ERROR"); // a replay still is one
    }

    [Fact]
    public async Task PAY6_a_creates_nonce_is_recorded_with_its_order_or_after_it_and_every_replay_is_refused_with_nothing_written()
    {
        // A create records its nonce in its order's commit (V3Protocol.NonceInOrderCommit); one ending without that commit has
        // it recorded after. Either way a replay is refused as before, and a replay racing its original writes nothing twice.
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        const string native = "/v3/pay/transactions/native";
        var made = NativeOrder(merchant.MchId, "NONCE-FOLD-1", 100, "http://127.0.0.1:9/n");
        Assert.Equal(200, (int)(await merchant.SendAsync(HttpMethod.Post, native, made, nonce: "NONCE-FOLD-A")).Response.StatusCode);
        Assert.True(await NonceKeptAsync(server.Database.Options, "NONCE-FOLD-A"));
        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, native, made, nonce: "NONCE-FOLD-A"), 401, "SIGN_ERROR");
        // the same create under a new nonce is the protocol's repeat (PAY-6), answered as before and recorded after it
        Assert.Equal(200, (int)(await merchant.SendAsync(HttpMethod.Post, native, made, nonce: "NONCE-FOLD-B")).Response.StatusCode);
        Assert.True(await NonceKeptAsync(server.Database.Options, "NONCE-FOLD-B"));
        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, native, made, nonce: "NONCE-FOLD-B"), 401, "SIGN_ERROR");
        // refused for its content: nothing written but the nonce
        var bad = NativeOrder(merchant.MchId, "NONCE-FOLD-2", 0, "http://127.0.0.1:9/n");
        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, native, bad, nonce: "NONCE-FOLD-C"), 400, "PARAM_ERROR");
        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, native, bad, nonce: "NONCE-FOLD-C"), 401, "SIGN_ERROR");
        // a nonce first used by another request (a query) refuses the create that comes with it, which makes no order
        var query = await merchant.SendAsync(HttpMethod.Get, $"/v3/pay/transactions/out-trade-no/NONCE-FOLD-1?mchid={merchant.MchId}",
            nonce: "NONCE-FOLD-D");
        Assert.Equal(200, (int)query.Response.StatusCode);
        var later = NativeOrder(merchant.MchId, "NONCE-FOLD-3", 100, "http://127.0.0.1:9/n");
        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, native, later, nonce: "NONCE-FOLD-D"), 401, "SIGN_ERROR");
        // a create and its replay at once: one order, one answer 200, the other refused
        var raced = NativeOrder(merchant.MchId, "NONCE-FOLD-4", 100, "http://127.0.0.1:9/n");
        var both = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => merchant.SendAsync(HttpMethod.Post, native, raced, nonce: "NONCE-FOLD-E")));
        Assert.Equal([200, 401], both.Select(a => (int)a.Response.StatusCode).Order());
        Assert.Equal(2, await OrderCountAsync(server.Database.Options)); // NONCE-FOLD-1 and -4
    }

    [Fact]
    public async Task PAY6_a_create_that_failed_still_records_its_nonce_so_its_replay_is_refused()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        await InsertsFailAsync(server.Database.Options, "payment_orders"); // the order's commit fails for a reason of the database's own
        var body = NativeOrder(merchant.MchId, "NONCE-FAILED-1", 100, "http://127.0.0.1:9/n");
        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native", body, nonce: "NONCE-FAILED-A"), 500, "SYSTEM_ERROR");
        Assert.True(await NonceKeptAsync(server.Database.Options, "NONCE-FAILED-A")); // not with the order, which was never written: after the handler
        // its replay while the database still fails: the order's commit fails again, finds the nonce recorded, and the answer is
        // the replay's, not a system error
        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native", body, nonce: "NONCE-FAILED-A"), 401, "SIGN_ERROR");
        await InsertsWorkAgainAsync(server.Database.Options, "payment_orders");
        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native", body, nonce: "NONCE-FAILED-A"), 401, "SIGN_ERROR");
        Assert.Equal(0, await OrderCountAsync(server.Database.Options));
        Assert.Equal(200, (int)(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native", body)).Response.StatusCode);
    }

    private static async Task<bool> NonceKeptAsync(DatabaseOptions database, string nonce)
    {
        await using var db = database.CreateContext();
        return await db.Set<MerchantNonceRow>().AnyAsync(r => r.Nonce == nonce, Ct);
    }

    /// <summary>An outage of the database's own: every insert into <paramref name="table"/> fails, through the real engine.</summary>
    private static async Task InsertsFailAsync(DatabaseOptions database, string table)
    {
        await using var db = database.CreateContext();
        await db.Database.ExecuteSqlRawAsync(database.Provider == DatabaseProvider.Sqlite
            ? $"CREATE TRIGGER {table}_outage BEFORE INSERT ON {table} BEGIN SELECT RAISE(ABORT, 'outage'); END;"
            : $"""
               CREATE FUNCTION {table}_outage() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'outage'; END $$;
               CREATE TRIGGER {table}_outage BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_outage();
               """, Ct);
    }

    private static async Task InsertsWorkAgainAsync(DatabaseOptions database, string table)
    {
        await using var db = database.CreateContext();
        await db.Database.ExecuteSqlRawAsync(database.Provider == DatabaseProvider.Sqlite
            ? $"DROP TRIGGER {table}_outage" : $"DROP TRIGGER {table}_outage ON {table}", Ct);
    }

    [Fact]
    public void OncePer_lets_exactly_one_of_many_simultaneous_callers_through_each_period()
    {
        var gate = new OncePer(TimeSpan.FromMinutes(1));
        var start = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);
        Assert.Equal(1, Enumerable.Range(0, 64).AsParallel().WithDegreeOfParallelism(8).Count(_ => gate.TryEnter(start)));
        Assert.False(gate.TryEnter(start.AddSeconds(59)));
        Assert.Equal(1, Enumerable.Range(0, 64).AsParallel().WithDegreeOfParallelism(8).Count(_ => gate.TryEnter(start.AddSeconds(60))));
    }
}
