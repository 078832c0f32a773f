using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Zhifu.Core.Banking;
using Zhifu.Tests.Infrastructure;
using static Zhifu.Tests.Hosting.OperatorApiTests;
using static Zhifu.Tests.MerchantApi.MerchantKit;

namespace Zhifu.Tests.MerchantApi;

/// <summary>PAY-2: JSAPI, APP and H5 orders (prepay_id / h5_url) paid in the wallet; a JSAPI order only by the payer it names.</summary>
public sealed class PrepayOrderTests
{
    [Fact]
    public async Task Jsapi_order_names_its_payer_by_openid_and_only_that_wallet_can_pay_it()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        using var zhang = await WalletAsync(server.BaseAddress, DemoCards.ZhangSan.Phone);
        using var li = await WalletAsync(server.BaseAddress, DemoCards.LiSi.Phone);
        var openId = (await zhang.GetFromJsonAsync<JsonElement>("/api/wallet/payments/openid?appid=wxd678efh567hg6787", Ct))
            .GetProperty("openid").GetString()!;
        var otherApp = (await zhang.GetFromJsonAsync<JsonElement>("/api/wallet/payments/openid?appid=wx0000000000000001", Ct))
            .GetProperty("openid").GetString();
        Assert.NotEqual(openId, otherApp); // two apps cannot join their users
        await AssertProblemAsync(await zhang.GetAsync("/api/wallet/payments/openid?appid=", Ct), 400, "INVALID_APPID");

        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/jsapi", Order(merchant, "JSAPI-0001", 800)),
            400, "PARAM_ERROR");
        var created = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/jsapi",
            Order(merchant, "JSAPI-0001", 800, o => o["payer"] = new JsonObject { ["openid"] = openId }));
        Assert.Equal(200, (int)created.Response.StatusCode);
        var prepayId = JsonDocument.Parse(created.Body).RootElement.GetProperty("prepay_id").GetString()!;
        Assert.StartsWith("wx", prepayId, StringComparison.Ordinal);

        await AssertProblemAsync(await li.PostAsJsonAsync($"/api/wallet/payments/{prepayId}/pay",
            new { paymentPassword = PaymentPassword }, Ct), 403, "PAYMENT_PAYER_MISMATCH");
        Assert.Equal(200, (int)(await zhang.PostAsJsonAsync($"/api/wallet/payments/{prepayId}/pay",
            new { paymentPassword = PaymentPassword }, Ct)).StatusCode);
        var query = JsonDocument.Parse((await merchant.SendAsync(HttpMethod.Get,
            $"/v3/pay/transactions/out-trade-no/JSAPI-0001?mchid={merchant.MchId}")).Body).RootElement;
        Assert.Equal("JSAPI", query.GetProperty("trade_type").GetString());
        Assert.Equal(openId, query.GetProperty("payer").GetProperty("openid").GetString());
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task App_and_h5_orders_are_paid_in_the_wallet_and_h5_needs_its_scene()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        using var wallet = await WalletAsync(server.BaseAddress, DemoCards.WangWu.Phone);
        var app = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/app", Order(merchant, "APP-0001", 300));
        var prepayId = JsonDocument.Parse(app.Body).RootElement.GetProperty("prepay_id").GetString()!;
        Assert.Equal(200, (int)(await wallet.PostAsJsonAsync($"/api/wallet/payments/{prepayId}/pay",
            new { paymentPassword = PaymentPassword }, Ct)).StatusCode);

        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/h5", Order(merchant, "H5-0001", 400)),
            400, "PARAM_ERROR");
        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/h5", Order(merchant, "H5-0001", 400,
            o => o["scene_info"] = new JsonObject { ["payer_client_ip"] = "not-an-ip",
                ["h5_info"] = new JsonObject { ["type"] = "Wap" } })),
            400, "PARAM_ERROR");
        var h5 = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/h5", Order(merchant, "H5-0001", 400,
            o => o["scene_info"] = new JsonObject { ["payer_client_ip"] = "203.0.113.7",
                ["h5_info"] = new JsonObject { ["type"] = "Wap" } }));
        var url = new Uri(JsonDocument.Parse(h5.Body).RootElement.GetProperty("h5_url").GetString()!);
        Assert.Equal("/wallet/h5pay", url.AbsolutePath);
        var h5PrepayId = Uri.UnescapeDataString(url.Query["?prepay_id=".Length..]);
        var shown = await wallet.GetFromJsonAsync<JsonElement>($"/api/wallet/payments/{h5PrepayId}", Ct);
        Assert.Equal(400, shown.GetProperty("amountFen").GetInt64());
        Assert.Equal(200, (int)(await wallet.PostAsJsonAsync($"/api/wallet/payments/{h5PrepayId}/pay",
            new { paymentPassword = PaymentPassword }, Ct)).StatusCode);

        foreach (var (no, type) in new[] { ("APP-0001", "APP"), ("H5-0001", "MWEB") })
        {
            var query = JsonDocument.Parse((await merchant.SendAsync(HttpMethod.Get,
                $"/v3/pay/transactions/out-trade-no/{no}?mchid={merchant.MchId}")).Body).RootElement;
            Assert.Equal("SUCCESS", query.GetProperty("trade_state").GetString());
            Assert.Equal(type, query.GetProperty("trade_type").GetString());
        }
        // PAY-6: the same out_trade_no as another kind of order is other content
        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native", Order(merchant, "APP-0001", 300)),
            403, "OUT_TRADE_NO_USED");
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    private static string Order(MerchantSigner merchant, string outTradeNo, long totalFen, Action<JsonObject>? more = null)
    {
        var order = JsonNode.Parse(NativeOrder(merchant.MchId, outTradeNo, totalFen, "http://127.0.0.1:9/notify"))!.AsObject();
        order.Remove("time_expire");
        more?.Invoke(order);
        return order.ToJsonString();
    }
}
