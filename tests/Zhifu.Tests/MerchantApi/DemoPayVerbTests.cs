using System.Text.Json;
using Zhifu.Server.Hosting;
using Zhifu.Tests.Infrastructure;
using static Zhifu.Tests.MerchantApi.MerchantKit;

namespace Zhifu.Tests.MerchantApi;

/// <summary>The <c>demo-pay</c> verb (issue 6): pays a code_url or prepay_id as a demo user through the running server's
/// Wallet API.</summary>
public sealed class DemoPayVerbTests
{
    [Fact]
    public async Task Demo_pay_pays_a_code_url_and_a_prepay_id_and_refuses_what_it_cannot_pay()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        var native = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
            NativeOrder(merchant.MchId, "DEMOPAY-01", 250, "http://127.0.0.1:9/n"));
        var codeUrl = JsonDocument.Parse(native.Body).RootElement.GetProperty("code_url").GetString()!;
        var before = await NativePaymentFlowTests.BalanceAsync(server, "13800138001");
        Assert.Equal(0, await DemoPayVerb.RunAsync([codeUrl, "--server", server.BaseAddress.ToString()]));
        Assert.Equal(before - 250, await NativePaymentFlowTests.BalanceAsync(server, "13800138001"));

        var app = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/app",
            NativeOrder(merchant.MchId, "DEMOPAY-02", 120, "http://127.0.0.1:9/n"));
        var prepayId = JsonDocument.Parse(app.Body).RootElement.GetProperty("prepay_id").GetString()!;
        Assert.Equal(0, await DemoPayVerb.RunAsync([prepayId, "--server", server.BaseAddress.ToString(), "--phone", "13912345678"]));
        var query = JsonDocument.Parse((await merchant.SendAsync(HttpMethod.Get,
            $"/v3/pay/transactions/out-trade-no/DEMOPAY-02?mchid={merchant.MchId}")).Body);
        Assert.Equal("SUCCESS", query.RootElement.GetProperty("trade_state").GetString());

        Assert.Equal(1, await DemoPayVerb.RunAsync(["zhifu://wxpay/bizpayurl?pr=nosuchcode", "--server", server.BaseAddress.ToString()]));
        Assert.Equal(2, await DemoPayVerb.RunAsync([]));
        Assert.Equal("wx123", DemoPayVerb.CodeOf("http://h/wallet/h5pay?prepay_id=wx123&x=1"));
        Assert.True((await server.VerifyAsync()).AllHold);
    }
}
