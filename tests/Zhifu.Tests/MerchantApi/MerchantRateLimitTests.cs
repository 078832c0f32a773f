using Microsoft.EntityFrameworkCore;
using Zhifu.Data.Entities;
using Zhifu.Tests.Infrastructure;
using static Zhifu.Tests.MerchantApi.MerchantKit;

namespace Zhifu.Tests.MerchantApi;

/// <summary>Put a limit on everything: each merchant's requests pass its own token bucket; over it, 429 FREQUENCY_LIMITED.</summary>
public sealed class MerchantRateLimitTests
{
    [Fact]
    public async Task Requests_over_the_merchants_rate_are_refused_with_FREQUENCY_LIMITED_and_write_nothing()
    {
        await using var server = await ZhifuTestServer.StartAsync(null, "--MerchantApi:RequestsPerMinute=1",
            "--MerchantApi:RequestBurst=2");
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        for (var i = 1; i <= 2; i++)
        {
            var ok = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
                NativeOrder(merchant.MchId, $"RATE-000{i}", 100, "http://127.0.0.1:9/n"));
            Assert.Equal(200, (int)ok.Response.StatusCode);
        }
        var refused = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
            NativeOrder(merchant.MchId, "RATE-0003", 100, "http://127.0.0.1:9/n"), nonce: "RATE-NONCE-3");
        AssertV3Error(refused, 429, "FREQUENCY_LIMITED");
        Assert.Equal(2, await OrderCountAsync(server.Database.Options));
        await using var db = server.Database.Options.CreateContext();
        Assert.False(await db.Set<MerchantNonceRow>().AnyAsync(n => n.Nonce == "RATE-NONCE-3", Ct)); // a refused request burns no nonce
    }
}
