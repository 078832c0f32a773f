using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data.Entities;
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
    public void OncePer_lets_exactly_one_of_many_simultaneous_callers_through_each_period()
    {
        var gate = new OncePer(TimeSpan.FromMinutes(1));
        var start = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);
        Assert.Equal(1, Enumerable.Range(0, 64).AsParallel().WithDegreeOfParallelism(8).Count(_ => gate.TryEnter(start)));
        Assert.False(gate.TryEnter(start.AddSeconds(59)));
        Assert.Equal(1, Enumerable.Range(0, 64).AsParallel().WithDegreeOfParallelism(8).Count(_ => gate.TryEnter(start.AddSeconds(60))));
    }
}
