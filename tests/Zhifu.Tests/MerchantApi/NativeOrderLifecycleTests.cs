using System.Net.Http.Json;
using System.Text.Json;
using Zhifu.Core.Banking;
using Zhifu.Tests.Infrastructure;
using Zhifu.Tests.Lifecycle;
using static Zhifu.Tests.Hosting.OperatorApiTests;
using static Zhifu.Tests.MerchantApi.MerchantKit;

namespace Zhifu.Tests.MerchantApi;

/// <summary>PAY-3 and PAY-6: close, expiry by time_expire, and idempotent creation on out_trade_no.</summary>
public sealed class NativeOrderLifecycleTests
{
    private const string Notify = "http://127.0.0.1:9/notify";

    [Fact]
    public async Task A_closed_order_cannot_be_paid_and_closing_again_is_a_no_op()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        var code = CodeOf((await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
            NativeOrder(merchant.MchId, "ORDER-close-01", 500, Notify))).Body);
        var close = $$"""{"mchid":"{{merchant.MchId}}"}""";
        Assert.Equal(204, (int)(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/out-trade-no/ORDER-close-01/close", close)).Response.StatusCode);
        Assert.Equal(204, (int)(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/out-trade-no/ORDER-close-01/close", close)).Response.StatusCode);
        var query = await merchant.SendAsync(HttpMethod.Get, $"/v3/pay/transactions/out-trade-no/ORDER-close-01?mchid={merchant.MchId}");
        Assert.Equal("CLOSED", JsonDocument.Parse(query.Body).RootElement.GetProperty("trade_state").GetString());
        using var wallet = await WalletAsync(server.BaseAddress, DemoCards.ZhangSan.Phone);
        var balance = await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone);
        await AssertProblemAsync(await wallet.PostAsJsonAsync($"/api/wallet/payments/{code}/pay", new { paymentPassword = PaymentPassword }, Ct),
            409, "PAYMENT_CLOSED");
        Assert.Equal(balance, await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone));
        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native", NativeOrder(merchant.MchId, "ORDER-close-01", 500, Notify)),
            400, "ORDER_CLOSED");
        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/out-trade-no/NO-SUCH-ORDER/close", close), 404, "ORDER_NOT_EXIST");
    }

    [Fact]
    public async Task Past_time_expire_an_order_cannot_be_paid_and_stays_unpaid_until_closed()
    {
        await using var server = await ClockedServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory).WithClock(() => server.Clock.UtcNow);
        var expire = server.Clock.UtcNow.AddMinutes(10).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz",
            System.Globalization.CultureInfo.InvariantCulture);
        var body = NativeOrder(merchant.MchId, "ORDER-expire-1", 500, Notify, expire);
        var first = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native", body);
        var code = CodeOf(first.Body);
        server.Clock.Advance(TimeSpan.FromMinutes(11));
        // PAY-6: the create asked again past its own time_expire (the first answer was lost) answers the order made, as any
        // repeat does; a new order with that time_expire is refused
        Assert.Equal(first.Body, (await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native", body)).Body);
        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
            NativeOrder(merchant.MchId, "ORDER-expire-2", 500, Notify, expire)), 400, "PARAM_ERROR");
        using var wallet = await WalletAsync(server.BaseAddress, DemoCards.ZhangSan.Phone);
        var shown = await wallet.GetFromJsonAsync<JsonElement>($"/api/wallet/payments/{code}", Ct);
        Assert.False(shown.GetProperty("payable").GetBoolean());
        await AssertProblemAsync(await wallet.PostAsJsonAsync($"/api/wallet/payments/{code}/pay", new { paymentPassword = PaymentPassword }, Ct),
            409, "PAYMENT_EXPIRED");
        var query = await merchant.SendAsync(HttpMethod.Get, $"/v3/pay/transactions/out-trade-no/ORDER-expire-1?mchid={merchant.MchId}");
        Assert.Equal("NOTPAY", JsonDocument.Parse(query.Body).RootElement.GetProperty("trade_state").GetString());
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task A_repeated_out_trade_no_answers_the_first_order_and_different_content_is_refused()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        var body = NativeOrder(merchant.MchId, "ORDER-idem-001", 800, Notify);
        var first = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native", body);
        var again = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native", body);
        Assert.Equal(first.Body, again.Body);
        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native", NativeOrder(merchant.MchId, "ORDER-idem-001", 801, Notify)),
            403, "OUT_TRADE_NO_USED");
        Assert.Equal(1, await OrderCountAsync(server.Database.Options));
        AssertV3Error(await merchant.SendAsync(HttpMethod.Get, $"/v3/pay/transactions/id/4200000000000000000000000000?mchid={merchant.MchId}"),
            404, "ORDER_NOT_EXIST");
    }
}
