using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Zhifu.Tests.Infrastructure;
using Zhifu.Tests.MerchantApi;
using static Zhifu.E2E.OpsKit;

namespace Zhifu.E2E;

/// <summary>
/// The operator console's transaction list and detail (SEC-2, PAY-3, TRF-1, ACC-8) and its merchant onboarding form (MER-1), in
/// headless Chromium over real traffic: a paid order and its refund through the merchant API, a transfer through the wallet API.
/// </summary>
public sealed class OpsTransactionsTests(Browser browser) : IClassFixture<Browser>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string ChinaToday => DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd",
        System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Customer_service_filters_sorts_and_pages_every_kind_of_money_movement_masked_and_opens_one_with_its_ledger()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var transactionId = await MerchantKit.PaidOrderAsync(server, "E2E-TX-001", 8_888);
        await MerchantKit.PaidOrderAsync(server, "E2E-TX-002", 120);
        await RefundAsync(server, "E2E-TX-001", 8_888, "E2E-RF-001", 1_000);
        await TransferAsync(server, ZhangSan, LiSi, 4_321);

        var page = await OpsPageAsync(browser, server, "service");
        await page.ClickAsync("nav >> text=交易查询");
        await page.WaitForSelectorAsync("#transactions");
        var all = await page.InnerTextAsync("#transactions tbody");
        Assert.Contains("¥88.88", all, StringComparison.Ordinal);
        Assert.Contains("¥1.20", all, StringComparison.Ordinal);
        Assert.Contains("¥10.00", all, StringComparison.Ordinal); // the refund, a line of its own
        Assert.Contains("¥43.21", all, StringComparison.Ordinal);
        Assert.Contains("138****8001", all, StringComparison.Ordinal); // the payer's wallet, masked
        Assert.Contains("139****5678", all, StringComparison.Ordinal); // the payee as the payer was shown it
        Assert.DoesNotContain(ZhangSan, await page.ContentAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(LiSi, await page.ContentAsync(), StringComparison.Ordinal);
        Assert.Matches(@"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", all); // China time
        await Browser.ShotAsync(page, "ops-tx-01-all");

        // kind: transfers only
        await page.SelectOptionAsync("#kind", "transfer");
        await page.ClickAsync("#filters button[type=submit]");
        await Browser.AtAsync(page, "**kind=transfer**");
        var kinds = await page.Locator("#transactions tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.kind)");
        Assert.Equal(["transfer"], kinds);

        // amount range and sort by amount: payments from ¥1 to ¥100, largest first
        await page.GotoAsync("/ops/transactions?kind=payment&min=1&max=100&sort=amount");
        var amounts = await page.Locator("#transactions tbody td.num").AllInnerTextsAsync();
        Assert.Equal(["¥88.88", "¥1.20"], amounts);
        await page.ClickAsync("#transactions thead a:has-text('金额')"); // the header turns the order round
        await Browser.AtAsync(page, "**sort=amount-asc**");
        Assert.Equal(["¥1.20", "¥88.88"], await page.Locator("#transactions tbody td.num").AllInnerTextsAsync());
        await page.GotoAsync("/ops/transactions?min=abc");
        Assert.Contains("金额须为元", await page.InnerTextAsync("#filters"), StringComparison.Ordinal); // beside its field, not guessed

        // time range in China days: today holds them all, tomorrow nothing
        await page.GotoAsync($"/ops/transactions?from={ChinaToday}&to={ChinaToday}");
        Assert.Equal(4, await page.Locator("#transactions tbody tr").CountAsync());
        var tomorrow = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).AddDays(1).ToString("yyyy-MM-dd",
            System.Globalization.CultureInfo.InvariantCulture);
        await page.GotoAsync($"/ops/transactions?from={tomorrow}");
        Assert.Equal(0, await page.Locator("#transactions tbody tr").CountAsync());
        Assert.Contains("没有符合条件的交易", await page.InnerTextAsync("main"), StringComparison.Ordinal);

        // paging: two a page, oldest first, the third line on page two
        await page.GotoAsync("/ops/transactions?size=2&sort=old");
        Assert.Contains("第 1 页，共 4 笔", await page.InnerTextAsync("#pager"), StringComparison.Ordinal);
        var firstPage = await page.Locator("#transactions tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.id)");
        await page.ClickAsync("#pager >> text=下一页");
        await Browser.AtAsync(page, "**page=2**");
        var secondPage = await page.Locator("#transactions tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.id)");
        Assert.Equal(2, firstPage.Length);
        Assert.Equal(2, secondPage.Length);
        Assert.Empty(firstPage.Intersect(secondPage));
        Assert.Contains("第 2 页", await page.InnerTextAsync("#pager"), StringComparison.Ordinal);
        Assert.DoesNotContain("下一页", await page.InnerTextAsync("#pager"), StringComparison.Ordinal);

        // by merchant's order number, then the detail with its history, its refund and its ledger transfers
        await page.GotoAsync("/ops/transactions");
        await page.FillAsync("#q", "E2E-TX-001");
        await page.ClickAsync("#filters button[type=submit]");
        await Browser.AtAsync(page, "**q=E2E-TX-001**");
        Assert.Equal(1, await page.Locator("#transactions tbody tr").CountAsync());
        await Browser.ShotAsync(page, "ops-tx-02-by-number");
        await page.ClickAsync("#transactions tbody a");
        await page.WaitForSelectorAsync("#history");
        Assert.Equal("¥88.88", await page.InnerTextAsync("#amount"));
        var summary = await page.InnerTextAsync("#summary");
        Assert.Contains(transactionId, summary, StringComparison.Ordinal);
        Assert.Contains("138****8001", summary, StringComparison.Ordinal);
        Assert.Contains("REFUND", summary, StringComparison.Ordinal); // the protocol's trade_state once refunded
        var history = await page.InnerTextAsync("#history");
        Assert.Contains("商户下单", history, StringComparison.Ordinal);
        Assert.Contains("支付成功", history, StringComparison.Ordinal);
        Assert.Contains("¥10.00", await page.InnerTextAsync("#related"), StringComparison.Ordinal);
        var postings = await page.InnerTextAsync("#postings");
        Assert.Contains("user-wallet", postings, StringComparison.Ordinal);
        Assert.Contains("merchant-pending", postings, StringComparison.Ordinal);
        Assert.Contains("fee-income", postings, StringComparison.Ordinal);
        Assert.Contains("¥88.88", postings, StringComparison.Ordinal);
        Assert.Contains("关联", postings, StringComparison.Ordinal); // the refund's own transfers, marked as the linked record's
        await Browser.ShotAsync(page, "ops-tx-03-detail");
        await page.ClickAsync("#related a");
        await page.WaitForSelectorAsync("#history");
        Assert.Equal("¥10.00", await page.InnerTextAsync("#amount"));
        Assert.Contains("退款申请", await page.InnerTextAsync("#history"), StringComparison.Ordinal);

        // reading people's money movements is audited (SEC-1)
        var auditor = await OpsPageAsync(browser, server, "audit");
        await auditor.GotoAsync("/ops/audit?action=transactions.");
        var log = await auditor.InnerTextAsync("#audit");
        Assert.Contains("transactions.list", log, StringComparison.Ordinal);
        Assert.Contains("transactions.view", log, StringComparison.Ordinal);
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task Finance_has_no_transaction_list_and_gets_the_denial_page()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var page = await OpsPageAsync(browser, server, "finance");
        Assert.DoesNotContain("交易查询", await page.InnerTextAsync("header nav"), StringComparison.Ordinal);
        Assert.DoesNotContain("商户进件", await page.InnerTextAsync("header nav"), StringComparison.Ordinal);
        foreach (var path in new[] { "/ops/transactions", $"/ops/transactions/{Guid.NewGuid()}", "/ops/merchants/new" })
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(403, response!.Status);
            Assert.EndsWith("/ops/denied", page.Url, StringComparison.Ordinal);
        }
        Assert.Contains("无权访问", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await Browser.ShotAsync(page, "ops-tx-04-finance-denied");
    }

    [Fact]
    public async Task Operations_enters_a_merchant_on_the_form_errors_show_beside_their_fields_and_it_waits_in_the_list_for_review()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var page = await OpsPageAsync(browser, server, "ops");
        await page.ClickAsync("nav >> text=商户进件");
        await page.WaitForSelectorAsync("#onboarding");
        await page.FillAsync("#name", "杭州知付测试书店");
        await page.FillAsync("#licenceNo", "91330100MA2B00001X"); // a wrong check digit
        await page.FillAsync("#legalPersonName", "孙八");
        await page.FillAsync("#legalPersonIdNumber", "110101198001010053");
        await page.FillAsync("#mcc", "5942");
        await page.SelectOptionAsync("#riskLevel", "low");
        await page.FillAsync("#feePercent", "abc");
        await page.SelectOptionAsync("#settlementBank", "ICBC");
        await page.FillAsync("#settlementAccountNo", "1202000012345678901");
        await page.FillAsync("#settlementAccountName", "杭州知付测试书店有限公司");
        await page.ClickAsync("#onboarding button[type=submit]");
        await page.WaitForSelectorAsync(".field-error");
        Assert.Contains("统一社会信用代码无效", await page.InnerTextAsync(".field-error[data-for=licenceNo]"), StringComparison.Ordinal);
        Assert.Contains("费率请填百分数", await page.InnerTextAsync(".field-error[data-for=feeRatePpm]"), StringComparison.Ordinal);
        Assert.Equal(2, await page.Locator(".field-error").CountAsync()); // the right fields say nothing
        Assert.Equal("杭州知付测试书店", await page.InputValueAsync("#name")); // what was typed stays
        await Browser.ShotAsync(page, "ops-tx-05-onboarding-errors");
        using (var ops = await OperatorAsync(server, "operations")) // nothing was entered
        {
            var pending = await ops.GetFromJsonAsync<JsonElement>("/api/ops/merchants?status=pending", Ct);
            Assert.DoesNotContain(pending.EnumerateArray(), m => m.GetProperty("name").GetString() == "杭州知付测试书店");
        }

        await page.FillAsync("#licenceNo", "91440300MA5F00002D");
        await page.FillAsync("#feePercent", "0.6");
        await page.ClickAsync("#onboarding button[type=submit]");
        await Browser.AtAsync(page, "**/ops/merchants?status=pending**");
        Assert.Contains("已提交进件", await page.InnerTextAsync("[role=status]"), StringComparison.Ordinal);
        var row = page.Locator("#merchants tbody tr", new PageLocatorOptions { HasTextString = "杭州知付测试书店" });
        Assert.Equal(1, await row.CountAsync());
        Assert.Contains("pending", await row.InnerTextAsync(), StringComparison.Ordinal);
        await Browser.ShotAsync(page, "ops-tx-06-onboarded");
        await row.Locator("a").ClickAsync();
        await page.WaitForSelectorAsync("h1");
        var detail = await page.InnerTextAsync("main");
        Assert.Contains("孙*", detail, StringComparison.Ordinal); // masked, as every merchant's page
        Assert.Contains("0.6%", detail, StringComparison.Ordinal); // entered in percent, kept as 6000 ppm
        Assert.DoesNotContain("110101198001010053", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("1202000012345678901", detail, StringComparison.Ordinal);
    }

    /// <summary>A partial refund through the merchant API, as the merchant's SDK would ask for it.</summary>
    private static async Task RefundAsync(ZhifuTestServer server, string outTradeNo, long totalFen, string outRefundNo, long refundFen)
    {
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        var body = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["out_trade_no"] = outTradeNo, ["out_refund_no"] = outRefundNo, ["reason"] = "顾客退货",
            ["amount"] = new Dictionary<string, object> { ["refund"] = refundFen, ["total"] = totalFen, ["currency"] = "CNY" },
        });
        var refunded = await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds", body);
        Assert.True((int)refunded.Response.StatusCode == 200, refunded.Body);
    }
}
