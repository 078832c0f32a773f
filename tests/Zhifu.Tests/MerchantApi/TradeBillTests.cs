using System.IO.Compression;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Zhifu.Core;
using Zhifu.Tests.Lifecycle;
using static Zhifu.Tests.MerchantApi.MerchantKit;

namespace Zhifu.Tests.MerchantApi;

/// <summary>PAY-3 / MER-4: 申请交易账单 → download URL → the day's bill in the protocol's CSV layout, plain or gzipped.</summary>
public sealed class TradeBillTests
{
    [Fact]
    public async Task A_finished_days_bill_lists_payments_and_refunds_with_totals_and_matches_its_hash()
    {
        await using var server = await ClockedServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory).WithClock(() => server.Clock.UtcNow);
        var day = DateOnly.FromDateTime(ChinaTime.ToChina(server.Clock.UtcNow).DateTime).ToString("yyyy-MM-dd");
        var created = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
            NativeOrder(merchant.MchId, "BILL-0001", 10_000, "http://127.0.0.1:9/n"));
        using (var wallet = await WalletAsync(server.BaseAddress, "13800138001"))
        {
            var paid = await wallet.PostAsJsonAsync($"/api/wallet/payments/{CodeOf(created.Body)}/pay",
                new { paymentPassword = PaymentPassword }, Ct);
            Assert.Equal(200, (int)paid.StatusCode);
        }
        Assert.Equal(200, (int)(await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds",
            RefundFlowTests.Refund(outTradeNo: "BILL-0001", outRefundNo: "BILL-R-1", refundFen: 2_500, totalFen: 10_000)))
            .Response.StatusCode);
        var apply = $"/v3/bill/tradebill?bill_date={day}&bill_type=ALL";
        MerchantKit.AssertV3Error(await merchant.SendAsync(HttpMethod.Get, apply), 400, "STATEMENT_CREATING"); // the day is not over

        server.Clock.Advance(TimeSpan.FromDays(1));
        var answer = JsonDocument.Parse((await merchant.SendAsync(HttpMethod.Get, apply)).Body).RootElement;
        Assert.Equal("SHA1", answer.GetProperty("hash_type").GetString());
        var url = new Uri(answer.GetProperty("download_url").GetString()!);
        var file = await merchant.Http.SendAsync(Signed(merchant, url.PathAndQuery), Ct);
        var csv = await file.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal(answer.GetProperty("hash_value").GetString(), Convert.ToHexStringLower(SHA1.HashData(csv)));
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), csv[..3]); // the byte-order mark the SDKs' bill parsers skip
        var lines = Encoding.UTF8.GetString(csv[3..]).Split('\n');
        Assert.Equal(27, lines[0].Split(',').Length);
        Assert.StartsWith("交易时间,公众账号ID,商户号", lines[0], StringComparison.Ordinal);
        var payment = lines[1].Split(',');
        Assert.All(payment, cell => Assert.StartsWith("`", cell, StringComparison.Ordinal));
        Assert.Equal(["`BILL-0001", "`NATIVE", "`SUCCESS", "`100.00", "`0.60000", "`0.60%"],
            new[] { payment[6], payment[8], payment[9], payment[12], payment[22], payment[23] });
        var refund = lines[2].Split(',');
        Assert.Equal(["`REFUND", "`BILL-R-1", "`25.00", "`ORIGINAL", "`SUCCESS", "`-0.15000"],
            new[] { refund[9], refund[15], refund[16], refund[18], refund[19], refund[22] });
        Assert.Equal("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额", lines[3]);
        Assert.Equal("`2,`100.00,`25.00,`0.00,`0.45000,`100.00,`25.00", lines[4]);
        Assert.Equal("", lines[5]);

        // gzipped on request; the hash is of the CSV inside; the REFUND bill has 29 columns
        var gz = JsonDocument.Parse((await merchant.SendAsync(HttpMethod.Get,
            $"/v3/bill/tradebill?bill_date={day}&bill_type=REFUND&tar_type=GZIP")).Body).RootElement;
        var zipped = await (await merchant.Http.SendAsync(
            Signed(merchant, new Uri(gz.GetProperty("download_url").GetString()!).PathAndQuery), Ct))
            .Content.ReadAsStreamAsync(Ct);
        using var unzipped = new MemoryStream();
        await new GZipStream(zipped, CompressionMode.Decompress).CopyToAsync(unzipped, Ct);
        var refundBill = unzipped.ToArray();
        Assert.Equal(gz.GetProperty("hash_value").GetString(), Convert.ToHexStringLower(SHA1.HashData(refundBill)));
        Assert.Equal(29, Encoding.UTF8.GetString(refundBill[3..]).Split('\n')[0].Split(',').Length);

        // a day without trades, a bad date, an expired URL
        var empty = DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture).AddDays(-1).ToString("yyyy-MM-dd");
        MerchantKit.AssertV3Error(await merchant.SendAsync(HttpMethod.Get, $"/v3/bill/tradebill?bill_date={empty}"),
            400, "NO_STATEMENT_EXIST");
        MerchantKit.AssertV3Error(await merchant.SendAsync(HttpMethod.Get, "/v3/bill/tradebill?bill_date=2026-13-01"), 400, "PARAM_ERROR");
        MerchantKit.AssertV3Error(await merchant.SendAsync(HttpMethod.Get, "/v3/bill/tradebill?bill_date=2020-01-01"),
            400, "INVALID_REQUEST");
        server.Clock.Advance(TimeSpan.FromSeconds(31));
        MerchantKit.AssertV3Error(await merchant.SendAsync(HttpMethod.Get, url.PathAndQuery), 400, "INVALID_REQUEST");
        MerchantKit.AssertV3Error(await merchant.SendAsync(HttpMethod.Get, "/v3/billdownload/file?token=forged.token"),
            400, "INVALID_REQUEST");
    }

    [Fact]
    public async Task A_bill_row_keeps_its_shape_whatever_the_goods_text_and_shows_the_rate_the_payment_was_charged_at()
    {
        await using var server = await ClockedServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory).WithClock(() => server.Clock.UtcNow);
        var day = DateOnly.FromDateTime(ChinaTime.ToChina(server.Clock.UtcNow).DateTime).ToString("yyyy-MM-dd");
        var order = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["appid"] = "wxd678efh567hg6787", ["mchid"] = merchant.MchId, ["description"] = "拿铁,大杯\n加`冰`", ["out_trade_no"] = "BILL-0002",
            ["attach"] = "a,`b\r\n", ["notify_url"] = "http://127.0.0.1:9/n",
            ["amount"] = new Dictionary<string, object> { ["total"] = 10_000, ["currency"] = "CNY" },
        });
        var created = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native", order);
        using (var wallet = await WalletAsync(server.BaseAddress, "13800138001"))
        {
            Assert.Equal(200, (int)(await wallet.PostAsJsonAsync($"/api/wallet/payments/{CodeOf(created.Body)}/pay",
                new { paymentPassword = PaymentPassword }, Ct)).StatusCode);
        }
        using (var risk = await LifecycleClient.OperatorAsync(server, "risk"))
        {
            Assert.True((await risk.PutAsJsonAsync($"/api/ops/merchants/{merchant.MchId}/terms", new { feeRatePpm = 3_800 }, Ct))
                .IsSuccessStatusCode); // the rate changes after the payment
        }
        server.Clock.Advance(TimeSpan.FromDays(1));
        var answer = JsonDocument.Parse((await merchant.SendAsync(HttpMethod.Get, $"/v3/bill/tradebill?bill_date={day}&bill_type=ALL")).Body)
            .RootElement;
        var csv = await (await merchant.Http.SendAsync(Signed(merchant, new Uri(answer.GetProperty("download_url").GetString()!).PathAndQuery),
            Ct)).Content.ReadAsByteArrayAsync(Ct);

        var lines = Encoding.UTF8.GetString(csv[3..]).Split('\n');
        Assert.Equal(5, lines.Length); // header, the one payment, summary header and line, and the final newline
        var payment = lines[1].Split(",`");
        Assert.Equal(27, payment.Length);
        Assert.Equal(["拿铁，大杯 加'冰'", "a，'b  ", "0.60%"], new[] { payment[20], payment[21], payment[23] });
        Assert.Equal(["0.60%", "0.605%", "0.38%", "1.00%"], new[] { 6_000, 6_050, 3_800, 10_000 }.Select(Zhifu.Server.Payments.Bills.TradeBill.Rate));
    }

    private static HttpRequestMessage Signed(MerchantSigner merchant, string pathAndQuery)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.TryAddWithoutValidation("Authorization", merchant.Authorization("GET", pathAndQuery, ""));
        return request;
    }
}
