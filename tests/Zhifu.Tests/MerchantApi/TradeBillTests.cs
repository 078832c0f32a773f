using System.IO.Compression;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data.Entities;
using Zhifu.Server.Payments.Bills;
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
        var (merchant, day) = Today(server);
        await PaidAsync(server, merchant, NativeOrder(merchant.MchId, "BILL-0001", 10_000, "http://127.0.0.1:9/n"));
        Assert.Equal(200, (int)(await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds",
            RefundFlowTests.Refund(outTradeNo: "BILL-0001", outRefundNo: "BILL-R-1", refundFen: 2_500, totalFen: 10_000)))
            .Response.StatusCode);
        var apply = $"/v3/bill/tradebill?bill_date={day}&bill_type=ALL";
        MerchantKit.AssertV3Error(await merchant.SendAsync(HttpMethod.Get, apply), 400, "STATEMENT_CREATING"); // the day is not over

        AdvanceTo(server, day, TimeSpan.FromSeconds(30)); // the day is over, but not by TradeBill.ReadyAfter: late commits may land
        MerchantKit.AssertV3Error(await merchant.SendAsync(HttpMethod.Get, apply), 400, "STATEMENT_CREATING");
        server.Clock.Advance(TradeBill.ReadyAfter);
        var answer = JsonDocument.Parse((await merchant.SendAsync(HttpMethod.Get, apply)).Body).RootElement;
        Assert.Equal("SHA1", answer.GetProperty("hash_type").GetString());
        var url = new Uri(answer.GetProperty("download_url").GetString()!);
        var file = await merchant.Http.SendAsync(Signed(merchant, url.PathAndQuery), Ct);
        Assert.False(file.Headers.Contains("Wechatpay-Signature")); // the protocol leaves the file unsigned: its hash is the check
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
        MerchantKit.AssertV3Error(await merchant.SendAsync(HttpMethod.Get, "/v3/bill/tradebill?bill_date=9999-12-31"),
            400, "STATEMENT_CREATING"); // the last day there is: not over yet, and no overflow on the way
        server.Clock.Advance(TimeSpan.FromSeconds(31));
        MerchantKit.AssertV3Error(await DownloadAsync(merchant, url.PathAndQuery), 400, "INVALID_REQUEST");
        MerchantKit.AssertV3Error(await DownloadAsync(merchant, "/v3/billdownload/file?token=forged.token"), 400, "INVALID_REQUEST");
    }

    [Fact]
    public async Task PAY3_a_refund_is_on_the_bill_of_the_day_it_was_accepted_in_its_state_at_that_days_end()
    {
        await using var server = await ClockedServer.StartAsync();
        Midday(server); // the refunds below are seconds apart: none may cross midnight
        var (merchant, day) = Today(server);
        await PaidAsync(server, merchant, NativeOrder(merchant.MchId, "BILL-0101", 10_000, "http://127.0.0.1:9/n"));
        async Task<string> RefundAsync(string outRefundNo, long fen, string status)
        {
            server.Clock.Advance(TimeSpan.FromSeconds(1)); // one after the other
            var answer = await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds",
                RefundFlowTests.Refund(outTradeNo: "BILL-0101", outRefundNo: outRefundNo, refundFen: fen, totalFen: 10_000));
            var refund = JsonDocument.Parse(answer.Body).RootElement;
            Assert.Equal(status, refund.GetProperty("status").GetString());
            return refund.GetProperty("refund_id").GetString()!;
        }
        await RefundAsync("BILL-R-101", 1_000, "SUCCESS"); // no review: done at once
        using (var admin = await Face.FaceTerminalTests.StaffAsync(server, "cafe-admin"))
        {
            Assert.Equal(200, (int)(await admin.PutAsJsonAsync("/api/merchant/settings/refund-review", new { required = true }, Ct)).StatusCode);
        }
        var approvedTomorrow = await RefundAsync("BILL-R-102", 2_000, "PROCESSING");
        var rejectedToday = await RefundAsync("BILL-R-103", 3_000, "PROCESSING");
        using (var finance = await Face.FaceTerminalTests.StaffAsync(server, "cafe-finance"))
        {
            Assert.Equal(200, (int)(await finance.PostAsJsonAsync($"/api/merchant/refunds/{rejectedToday}/reject", new { note = "未退货" }, Ct))
                .StatusCode);
        }
        AdvanceTo(server, day, TimeSpan.FromSeconds(10)); // the next morning the reviewer approves the other
        using (var finance = await Face.FaceTerminalTests.StaffAsync(server, "cafe-finance"))
        {
            var approved = await finance.PostAsJsonAsync($"/api/merchant/refunds/{approvedTomorrow}/approve", new { note = "已收货" }, Ct);
            Assert.Equal("SUCCESS", (await approved.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString());
        }
        server.Clock.Advance(TradeBill.ReadyAfter);

        var lines = await BillLinesAsync(merchant, day, "REFUND");
        Assert.Equal(29, lines[0].Split(',').Length);
        var rows = lines[1..^3].Select(l => l.Split(',').Select(c => c.TrimStart('`')).ToArray()).ToList();
        // 交易时间 is when each was accepted (all on the day, in that order); 退款状态 as the day ended; 退款成功时间 only when it had
        Assert.Equal(["BILL-R-101", "BILL-R-102", "BILL-R-103"], rows.Select(r => r[17]));
        Assert.Equal(["SUCCESS", "PROCESSING", "REFUNDCLOSE"], rows.Select(r => r[21]));
        Assert.Equal(["10.00", "20.00", "30.00"], rows.Select(r => r[18]));
        Assert.All(rows, r => Assert.Equal(r[0], r[14])); // 交易时间 = 退款申请时间
        Assert.Equal(rows.Select(r => r[0]).Order(StringComparer.Ordinal).Distinct(), rows.Select(r => r[0]));
        Assert.All(rows, r => Assert.StartsWith(day, r[0], StringComparison.Ordinal));
        Assert.NotEqual("", rows[0][15]);
        Assert.Equal(["", ""], new[] { rows[1][15], rows[2][15] });
        // the closed one gave its money back: listed, but not in the refund and fee totals (0.6 % of 10.00 + 20.00 given back)
        Assert.Equal("`3,`0.00,`30.00,`0.00,`-0.18000,`0.00,`30.00", lines[^2]);

        // the approval does not put the refund on the next day's bill: that day accepted none
        var next = DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture).AddDays(1).ToString("yyyy-MM-dd");
        AdvanceTo(server, next, TradeBill.ReadyAfter);
        MerchantKit.AssertV3Error(await merchant.SendAsync(HttpMethod.Get, $"/v3/bill/tradebill?bill_date={next}&bill_type=REFUND"),
            400, "NO_STATEMENT_EXIST");
        // the same day's bill again: the same file, though its PROCESSING refund has succeeded since
        Assert.Equal(lines, await BillLinesAsync(merchant, day, "REFUND"));
    }

    /// <summary>Applies for the day's bill, downloads it, checks its hash and gives its lines (after the byte-order mark).</summary>
    private static async Task<string[]> BillLinesAsync(MerchantSigner merchant, string day, string type)
    {
        var answer = await merchant.SendAsync(HttpMethod.Get, $"/v3/bill/tradebill?bill_date={day}&bill_type={type}");
        Assert.Equal(200, (int)answer.Response.StatusCode);
        var applied = JsonDocument.Parse(answer.Body).RootElement;
        var file = await merchant.Http.SendAsync(Signed(merchant, new Uri(applied.GetProperty("download_url").GetString()!).PathAndQuery), Ct);
        var csv = await file.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal(applied.GetProperty("hash_value").GetString(), Convert.ToHexStringLower(SHA1.HashData(csv)));
        return Encoding.UTF8.GetString(csv[3..]).Split('\n');
    }

    /// <summary>A download as the SDKs make it: signed, its answer not verified (the protocol leaves the download unsigned).</summary>
    private static async Task<(HttpResponseMessage Response, string Body)> DownloadAsync(MerchantSigner merchant, string pathAndQuery)
    {
        var response = await merchant.Http.SendAsync(Signed(merchant, pathAndQuery), Ct);
        return (response, await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task A_bill_row_keeps_its_shape_whatever_the_goods_text_and_shows_the_rate_the_payment_was_charged_at()
    {
        await using var server = await ClockedServer.StartAsync();
        var (merchant, day) = Today(server);
        var order = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["appid"] = "wxd678efh567hg6787", ["mchid"] = merchant.MchId, ["description"] = "拿铁,大杯\n加`冰`", ["out_trade_no"] = "BILL-0002",
            ["attach"] = "a,`b\r\n", ["notify_url"] = "http://127.0.0.1:9/n",
            ["amount"] = new Dictionary<string, object> { ["total"] = 10_000, ["currency"] = "CNY" },
        });
        await PaidAsync(server, merchant, order);
        using (var risk = await LifecycleClient.OperatorAsync(server, "risk"))
        {
            Assert.True((await risk.PutAsJsonAsync($"/api/ops/merchants/{merchant.MchId}/terms", new { feeRatePpm = 3_800 }, Ct))
                .IsSuccessStatusCode); // the rate changes after the payment
        }
        AdvanceTo(server, day, TradeBill.ReadyAfter);
        var answer = JsonDocument.Parse((await merchant.SendAsync(HttpMethod.Get, $"/v3/bill/tradebill?bill_date={day}&bill_type=ALL")).Body)
            .RootElement;
        var csv = await (await merchant.Http.SendAsync(Signed(merchant, new Uri(answer.GetProperty("download_url").GetString()!).PathAndQuery),
            Ct)).Content.ReadAsByteArrayAsync(Ct);

        var lines = Encoding.UTF8.GetString(csv[3..]).Split('\n');
        Assert.Equal(5, lines.Length); // header, the one payment, summary header and line, and the final newline
        var payment = lines[1].Split(",`");
        Assert.Equal(27, payment.Length);
        Assert.Equal(["拿铁，大杯 加'冰'", "a，'b  ", "0.60%"], new[] { payment[20], payment[21], payment[23] });
        Assert.Equal(["0.60%", "0.605%", "0.38%", "1.00%"], new[] { 6_000, 6_050, 3_800, 10_000 }.Select(TradeBill.Rate));
    }

    [Fact]
    public async Task A_day_of_thousands_of_payments_and_refunds_is_written_in_time_order_with_its_totals_and_the_same_every_time()
    {
        await using var server = await ClockedServer.StartAsync();
        var (merchant, day) = Today(server);
        await PaidAsync(server, merchant, NativeOrder(merchant.MchId, "BILL-BIG-0", 10_000, "http://127.0.0.1:9/n"));
        Assert.Equal(200, (int)(await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds",
            RefundFlowTests.Refund(outTradeNo: "BILL-BIG-0", outRefundNo: "BILL-BIG-R-0", refundFen: 100, totalFen: 10_000)))
            .Response.StatusCode);

        // the day's records as a busy merchant's: copies of the real payment and refund, spread over the day, some at one moment
        const int Payments = 3_000, Refunds = 600;
        var start = new DateTimeOffset(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture).ToDateTime(TimeOnly.MinValue),
            TimeSpan.FromHours(8)).ToUniversalTime();
        await using (var db = server.Database.Options.CreateContext())
        {
            var order = await db.Set<PaymentOrderRow>().AsNoTracking().SingleAsync(o => o.OutTradeNo == "BILL-BIG-0", Ct);
            var refund = await db.Set<PaymentRefundRow>().AsNoTracking().SingleAsync(r => r.OutRefundNo == "BILL-BIG-R-0", Ct);
            for (var i = 1; i <= Payments; i++)
            {
                db.Add(Copy(order, o =>
                {
                    (o.Id, o.TransactionId, o.OutTradeNo, o.Code) = (Guid.CreateVersion7(), $"4200{i:D24}", $"BILL-BIG-{i}", $"big-{i}");
                    (o.TotalFen, o.FeeFen, o.SuccessTime) = (100 + i, 1, start.AddSeconds((i * 7919) % 86_000 / 10 * 10));
                }));
            }
            for (var i = 1; i <= Refunds; i++)
            {
                db.Add(Copy(refund, r =>
                {
                    (r.Id, r.RefundId, r.OutRefundNo) = (Guid.CreateVersion7(), $"5030{i:D24}", $"BILL-BIG-R-{i}");
                    var accepted = start.AddSeconds((i * 104_729) % 86_000 / 10 * 10);
                    (r.RefundFen, r.FeeRefundFen, r.CreatedAt, r.SuccessTime) = (10 + i, 0, accepted, accepted);
                }));
            }
            await db.SaveChangesAsync(Ct);
        }

        AdvanceTo(server, day, TradeBill.ReadyAfter);
        var apply = $"/v3/bill/tradebill?bill_date={day}&bill_type=ALL";
        var answer = JsonDocument.Parse((await merchant.SendAsync(HttpMethod.Get, apply)).Body).RootElement;
        var csv = await (await merchant.Http.SendAsync(Signed(merchant, new Uri(answer.GetProperty("download_url").GetString()!).PathAndQuery),
            Ct)).Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal(answer.GetProperty("hash_value").GetString(), Convert.ToHexStringLower(SHA1.HashData(csv)));
        var again = JsonDocument.Parse((await merchant.SendAsync(HttpMethod.Get, apply)).Body).RootElement;
        Assert.Equal(answer.GetProperty("hash_value").GetString(), again.GetProperty("hash_value").GetString()); // the same file

        var lines = Encoding.UTF8.GetString(csv[3..]).Split('\n');
        var rows = lines[1..^3].Select(l => l.Split(",`")).ToList();
        Assert.Equal(1 + Payments + 1 + Refunds, rows.Count);
        var times = rows.Select(r => r[0].TrimStart('`')).ToList();
        Assert.Equal(times.Order(StringComparer.Ordinal), times); // in time order, payments and refunds merged
        var settled = 10_000 + Enumerable.Range(1, Payments).Sum(i => 100L + i);
        var refunded = 100 + Enumerable.Range(1, Refunds).Sum(i => 10L + i);
        var summary = lines[^2].Split(',');
        Assert.Equal([$"`{rows.Count}", "`" + TradeBill.Yuan(settled), "`" + TradeBill.Yuan(refunded), "`" + TradeBill.Yuan(settled)],
            new[] { summary[0], summary[1], summary[2], summary[5] });
    }

    /// <summary>The demo merchant on the server's clock, and the China day it is.</summary>
    private static (MerchantSigner Merchant, string Day) Today(ClockedServer server) =>
        (MerchantSigner.Demo(server.BaseAddress, server.Database.Directory).WithClock(() => server.Clock.UtcNow),
            DateOnly.FromDateTime(ChinaTime.ToChina(server.Clock.UtcNow).DateTime).ToString("yyyy-MM-dd"));

    /// <summary>Creates the native order and pays it from 张三's wallet.</summary>
    private static async Task PaidAsync(ClockedServer server, MerchantSigner merchant, string order)
    {
        var created = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native", order);
        using var wallet = await WalletAsync(server.BaseAddress, "13800138001");
        Assert.Equal(200, (int)(await wallet.PostAsJsonAsync($"/api/wallet/payments/{CodeOf(created.Body)}/pay",
            new { paymentPassword = PaymentPassword }, Ct)).StatusCode);
    }

    /// <summary>Moves the server's clock to the coming midday in China.</summary>
    private static void Midday(ClockedServer server)
    {
        var china = ChinaTime.ToChina(server.Clock.UtcNow);
        var noon = new DateTimeOffset(china.Date.AddHours(12), TimeSpan.FromHours(8));
        server.Clock.Advance((noon > china ? noon : noon.AddDays(1)) - server.Clock.UtcNow);
    }

    /// <summary>Moves the server's clock to <paramref name="after"/> past the end of <paramref name="day"/> (China time).</summary>
    private static void AdvanceTo(ClockedServer server, string day, TimeSpan after)
    {
        var end = new DateTimeOffset(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture).AddDays(1).ToDateTime(TimeOnly.MinValue),
            TimeSpan.FromHours(8));
        server.Clock.Advance(end + after - server.Clock.UtcNow);
    }

    private static T Copy<T>(T row, Action<T> change) where T : class
    {
        var copy = JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(row))!;
        change(copy);
        return copy;
    }

    private static HttpRequestMessage Signed(MerchantSigner merchant, string pathAndQuery)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.TryAddWithoutValidation("Authorization", merchant.Authorization("GET", pathAndQuery, ""));
        return request;
    }
}
