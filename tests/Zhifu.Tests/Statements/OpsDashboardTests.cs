using System.Net.Http.Json;
using Zhifu.Core.Banking;
using Zhifu.Tests.Lifecycle;
using Zhifu.Tests.MerchantApi;
using Zhifu.Tests.Transfers;

namespace Zhifu.Tests.Statements;

/// <summary>SET-5: the operator dashboard's figures put money on the China day it was paid, as the merchants' trade bills do.</summary>
public sealed class OpsDashboardTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SET5_an_order_made_before_midnight_and_paid_after_it_is_the_new_days_takings()
    {
        await using var server = await TransferKit.StartAsync();
        TransferKit.ToBeforeChinaMidnight(server, TimeSpan.FromSeconds(10)); // 23:59:50 China time
        var zhang = await Party.SignInAsync(server, DemoCards.ZhangSan);
        await zhang.FundAsync(10_000);
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory).WithClock(() => server.Clock.UtcNow);
        var code = MerchantKit.CodeOf((await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
            MerchantKit.NativeOrder(merchant.MchId, "DASH-MIDNIGHT-1", 1_234, "http://127.0.0.1:9/notify"))).Body);
        server.Clock.Advance(TimeSpan.FromSeconds(20)); // 00:00:10: a new China day
        var paid = await zhang.Wallet.PostAsJsonAsync($"/api/wallet/payments/{code}/pay", new { paymentPassword = Party.PaymentPassword }, Ct);
        Assert.True(paid.IsSuccessStatusCode, await paid.Content.ReadAsStringAsync(Ct));

        using var ops = await LifecycleClient.OperatorAsync(server, "operations");
        var html = await ops.GetStringAsync("/ops", Ct);
        Assert.Contains("id=\"today-amount\">¥12.34<", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"partial\"", html, StringComparison.Ordinal);
    }
}
