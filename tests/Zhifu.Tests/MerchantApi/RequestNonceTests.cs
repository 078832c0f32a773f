using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
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
        async Task<bool> KeptAsync(string nonce)
        {
            await using var db = server.Database.Options.CreateContext();
            return await db.Set<MerchantNonceRow>().AnyAsync(r => r.Nonce == nonce, Ct);
        }

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
        // the database refuses every new nonce for a reason of its own (full, failing over): a real failure, through the real engine
        await using (var db = server.Database.Options.CreateContext())
        {
            await db.Database.ExecuteSqlRawAsync(server.Database.Options.Provider == Zhifu.Data.DatabaseProvider.Sqlite
                ? "CREATE TRIGGER nonce_outage BEFORE INSERT ON merchant_nonces BEGIN SELECT RAISE(ABORT, 'outage'); END;"
                : """
                  CREATE FUNCTION nonce_outage() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'outage'; END $$;
                  CREATE TRIGGER nonce_outage BEFORE INSERT ON merchant_nonces FOR EACH ROW EXECUTE FUNCTION nonce_outage();
                  """, Ct);
        }
        var body = NativeOrder(merchant.MchId, "NONCE-OUTAGE-1", 100, "http://127.0.0.1:9/n");
        // SYSTEM_ERROR, which SDKs retry — never SIGN_ERROR, which tells the merchant its keys are wrong
        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native", body, nonce: "NONCE-OUTAGE-A"), 500, "SYSTEM_ERROR");
        await using (var db = server.Database.Options.CreateContext())
        {
            await db.Database.ExecuteSqlRawAsync(server.Database.Options.Provider == Zhifu.Data.DatabaseProvider.Sqlite
                ? "DROP TRIGGER nonce_outage" : "DROP TRIGGER nonce_outage ON merchant_nonces", Ct);
        }
        Assert.Equal(200, (int)(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native", body, nonce: "NONCE-OUTAGE-B")).Response.StatusCode);
        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native", body, nonce: "NONCE-OUTAGE-B"), 401, "SIGN_ERROR"); // a replay still is one
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
