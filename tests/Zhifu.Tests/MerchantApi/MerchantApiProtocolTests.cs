using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.MerchantApi;
using Zhifu.Tests.Infrastructure;
using static Zhifu.Tests.MerchantApi.MerchantKit;

namespace Zhifu.Tests.MerchantApi;

/// <summary>
/// PAY-6: requests are signed and verified, replays refused; every refusal is the protocol's status and code, signed by
/// the platform like any response, and writes nothing.
/// </summary>
public sealed class MerchantApiProtocolTests : IAsyncLifetime
{
    private const string Native = "/v3/pay/transactions/native";
    private const string Notify = "http://127.0.0.1:9/notify";
    private ZhifuTestServer _server = null!;
    private MerchantSigner _merchant = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await ZhifuTestServer.StartAsync();
        _merchant = MerchantSigner.Demo(_server.BaseAddress, _server.Database.Directory);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private string Order(string outTradeNo = "ORDER-proto-01", long total = 100) => NativeOrder(_merchant.MchId, outTradeNo, total, Notify);

    private async Task RefusedAsync(Task<(HttpResponseMessage, string)> send, int status, string code)
    {
        AssertV3Error(await send, status, code);
        Assert.Equal(0, await OrderCountAsync(_server.Database.Options));
    }

    [Fact]
    public async Task PAY6_requests_naming_unknown_merchants_never_flush_the_cached_credentials_of_real_ones()
    {
        await using var server = await Lifecycle.ClockedServer.StartAsync(); // the clock stands still: nothing expires by itself
        var credentials = server.Services.GetRequiredService<Zhifu.Server.MerchantApi.MerchantCredentials>();
        var mchId = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory).MchId;
        var name = (await credentials.FindAsync(mchId, Ct))!.Merchant.Name; // now cached
        await using (var db = server.Database.Options.CreateContext())
        {
            // renamed by another server process: this one serves its cached copy until the cache time has passed
            await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ExecuteUpdateAsync(db.Merchants.Where(m => m.MchId == mchId),
                set => set.SetProperty(m => m.Name, "renamed elsewhere"), Ct);
        }

        // more unknown mchids than the cache holds, as unsigned requests can name them
        for (var i = 0; i < 10_001; i++)
        {
            Assert.Null(await credentials.FindAsync("9" + i.ToString("D9", System.Globalization.CultureInfo.InvariantCulture), Ct));
        }

        Assert.Equal(name, (await credentials.FindAsync(mchId, Ct))!.Merchant.Name); // still the cached copy: nothing flushed it
    }

    [Fact]
    public async Task A_signature_over_other_content_is_refused_with_SIGN_ERROR() =>
        await RefusedAsync(_merchant.SendAsync(HttpMethod.Post, Native, Order(), tamper: m => m.Replace("100", "1", StringComparison.Ordinal)),
            401, "SIGN_ERROR");

    [Fact]
    public async Task Another_key_under_the_merchant_serial_is_refused_with_SIGN_ERROR()
    {
        using var stranger = RSA.Create(2048);
        await RefusedAsync(_merchant.With(privateKey: stranger).SendAsync(HttpMethod.Post, Native, Order()), 401, "SIGN_ERROR");
    }

    [Fact]
    public async Task An_unknown_certificate_serial_is_refused_with_SIGN_ERROR() =>
        await RefusedAsync(_merchant.With(serial: "0000DEADBEEF").SendAsync(HttpMethod.Post, Native, Order()), 401, "SIGN_ERROR");

    [Fact]
    public async Task A_timestamp_older_than_five_minutes_is_refused_with_SIGN_ERROR() =>
        await RefusedAsync(_merchant.SendAsync(HttpMethod.Post, Native, Order(), timestamp: DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeSeconds()),
            401, "SIGN_ERROR");

    [Fact]
    public async Task A_reused_nonce_is_refused_even_with_a_fresh_signature()
    {
        var first = await _merchant.SendAsync(HttpMethod.Get, $"/v3/pay/transactions/out-trade-no/NONE-000001?mchid={_merchant.MchId}",
            nonce: "REPLAYNONCE0001");
        AssertV3Error(first, 404, "ORDER_NOT_EXIST");
        await RefusedAsync(_merchant.SendAsync(HttpMethod.Post, Native, Order(), nonce: "REPLAYNONCE0001"), 401, "SIGN_ERROR");
    }

    [Fact]
    public async Task A_missing_or_malformed_Authorization_header_is_refused_with_SIGN_ERROR()
    {
        var response = await _merchant.Http.PostAsync(Native, new StringContent(Order(), System.Text.Encoding.UTF8, "application/json"), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(_merchant.VerifyPlatform(response.Headers, body));
        AssertV3Error((response, body), 401, "SIGN_ERROR");
        Assert.Equal(0, await OrderCountAsync(_server.Database.Options));
    }

    [Theory]
    [InlineData("{not json", "PARAM_ERROR")]
    [InlineData("[]", "PARAM_ERROR")]
    [InlineData("""{"appid":"wx1","mchid":"1230000109","description":"d","out_trade_no":"ORDER-1","notify_url":"http://127.0.0.1:9/n"}""", "PARAM_ERROR")]
    [InlineData("""{"appid":"wx1","mchid":"1230000109","description":"d","out_trade_no":"ORDER-1","notify_url":"http://127.0.0.1:9/n","amount":{"total":0}}""", "PARAM_ERROR")]
    [InlineData("""{"appid":"wx1","mchid":"1230000109","description":"d","out_trade_no":"ORDER-1","notify_url":"http://127.0.0.1:9/n","amount":{"total":-5}}""", "PARAM_ERROR")]
    [InlineData("""{"appid":"wx1","mchid":"1230000109","description":"d","out_trade_no":"ORDER-1","notify_url":"http://127.0.0.1:9/n","amount":{"total":"100"}}""", "PARAM_ERROR")]
    [InlineData("""{"appid":"wx1","mchid":"1230000109","description":"d","out_trade_no":"ORDER-1","notify_url":"ftp://x/n","amount":{"total":1}}""", "PARAM_ERROR")]
    [InlineData("""{"appid":"wx1","mchid":"1230000109","description":"d","out_trade_no":"1","notify_url":"http://127.0.0.1:9/n","amount":{"total":1}}""", "PARAM_ERROR")]
    [InlineData("""{"appid":"wx1","mchid":"1230000109","description":"d","out_trade_no":"ORDER-1","notify_url":"http://127.0.0.1:9/n","amount":{"total":1},"time_expire":"tomorrow"}""", "PARAM_ERROR")]
    [InlineData("""{"appid":"wx1","mchid":"1900000001","description":"d","out_trade_no":"ORDER-1","notify_url":"http://127.0.0.1:9/n","amount":{"total":1}}""", "PARAM_ERROR")]
    [InlineData("""{"appid":"wx1","mchid":"1230000109","description":"d","out_trade_no":"ORDER-1","notify_url":"http://127.0.0.1:9/n","amount":{"total":1},"attach":"a\u0000b"}""", "PARAM_ERROR")]
    public async Task Bad_order_bodies_are_refused_with_the_protocol_code(string body, string code) =>
        await RefusedAsync(_merchant.SendAsync(HttpMethod.Post, Native, body), 400, code);

    [Fact]
    public async Task An_oversized_body_is_refused_with_PARAM_ERROR() =>
        await RefusedAsync(_merchant.SendAsync(HttpMethod.Post, Native, NativeOrder(_merchant.MchId, "ORDER-big-01", 100, Notify)
            .Replace("table-7", new string('x', 20_000), StringComparison.Ordinal)), 400, "PARAM_ERROR");

    [Fact]
    public async Task Platform_certificates_are_not_issued_in_public_key_mode()
    {
        var answer = await _merchant.SendAsync(HttpMethod.Get, "/v3/certificates"); // SendAsync also verifies the platform signature
        AssertV3Error(answer, 404, "RESOURCE_NOT_EXISTS");
        Assert.Contains("微信支付公钥", System.Text.Json.JsonDocument.Parse(answer.Body).RootElement.GetProperty("message").GetString(),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_merchant_is_refused_with_MCH_NOT_EXISTS() =>
        await RefusedAsync(_merchant.With(mchId: "1900000001").SendAsync(HttpMethod.Post, Native, Order()), 400, "MCH_NOT_EXISTS");

    [Fact]
    public async Task A_merchant_cannot_see_or_close_another_merchants_order()
    {
        Assert.Equal(200, (int)(await _merchant.SendAsync(HttpMethod.Post, Native, Order("ORDER-mine-01"))).Response.StatusCode);
        var other = await OtherMerchantAsync();
        AssertV3Error(await other.SendAsync(HttpMethod.Get, $"/v3/pay/transactions/out-trade-no/ORDER-mine-01?mchid={other.MchId}"),
            404, "ORDER_NOT_EXIST");
        AssertV3Error(await other.SendAsync(HttpMethod.Get, $"/v3/pay/transactions/out-trade-no/ORDER-mine-01?mchid={_merchant.MchId}"),
            400, "PARAM_ERROR");
        AssertV3Error(await other.SendAsync(HttpMethod.Post, "/v3/pay/transactions/out-trade-no/ORDER-mine-01/close",
            $$"""{"mchid":"{{other.MchId}}"}"""), 404, "ORDER_NOT_EXIST");
        AssertV3Error(await other.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds",
            RefundFlowTests.Refund(outTradeNo: "ORDER-mine-01", outRefundNo: "R-not-mine", refundFen: 100, totalFen: 100)),
            404, "RESOURCE_NOT_EXISTS");
        var mine = await _merchant.SendAsync(HttpMethod.Get, $"/v3/pay/transactions/out-trade-no/ORDER-mine-01?mchid={_merchant.MchId}");
        Assert.Contains("\"NOTPAY\"", mine.Body, StringComparison.Ordinal);
    }

    /// <summary>MER-6: a second merchant with its own key pair and APIv3 key.</summary>
    private async Task<MerchantSigner> OtherMerchantAsync()
    {
        var row = new MerchantRow
        {
            Id = Guid.CreateVersion7(), MchId = "1900000002", Name = "另一家商户 Another merchant", Status = 1,
            PendingAccountId = Guid.CreateVersion7(), AvailableAccountId = Guid.CreateVersion7(), CreatedAt = DateTimeOffset.UtcNow,
        };
        await using (var db = _server.Services.GetRequiredService<DatabaseOptions>().CreateContext())
        {
            db.Merchants.Add(row);
            await db.SaveChangesAsync(Ct);
        }
        var key = RSA.Create(2048);
        var credentials = _server.Services.GetRequiredService<MerchantCredentials>();
        await credentials.AddPublicKeyAsync(row, "5157F09EFDC096DE15EBE81A47057A7232F1B8E1", key.ExportSubjectPublicKeyInfoPem(), 5, Ct);
        await credentials.SetAsync(row, MerchantCredentials.NewApiV3Key(), null, 6000, Ct);
        return _merchant.With(mchId: row.MchId, serial: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1", privateKey: key);
    }
}
