using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Zhifu.Data.Ledger;
using Zhifu.Server.Ledger;
using Zhifu.Server.Lifecycle;
using Zhifu.Tests.Infrastructure;
using static Zhifu.E2E.OpsKit;

namespace Zhifu.E2E;

/// <summary>
/// The operator console's finance pages (SET-1, SET-3, SEC-2) and the transaction list's exports (ACC-8, SEC-1), in headless
/// Chromium: finance sees the institution's accounts as the ledger API lists them and verifies the ledger in the background,
/// watching its progress; other roles get the denial page; customer service downloads the filtered list as CSV and Excel.
/// </summary>
public sealed class OpsFinanceTests(Browser browser) : IClassFixture<Browser>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Finance_sees_the_institution_accounts_and_verifies_the_ledger_to_all_pass_watching_its_progress()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        await MerchantKit.PaidOrderAsync(server, "E2E-FIN-001", 10_000); // fee income, merchant money, custody all move
        List<JsonElement> accounts;
        using (var api = await OperatorAsync(server, "finance"))
        {
            accounts = [.. (await api.GetFromJsonAsync<JsonElement>("/api/ops/ledger/institution-accounts", Ct)).EnumerateArray()];
        }

        var page = await OpsPageAsync(browser, server, "finance");
        await page.ClickAsync("nav >> text=财务");
        await page.WaitForSelectorAsync("#institution-accounts");
        foreach (var account in accounts) // the page shows what the ledger API lists, balance for balance
        {
            var key = account.GetProperty("key").GetString()!;
            var row = await page.InnerTextAsync($"#institution-accounts tr[data-key='{key}']");
            Assert.Contains(account.GetProperty("balance").GetString()!, row, StringComparison.Ordinal);
        }
        var table = await page.InnerTextAsync("#institution-accounts");
        foreach (var name in new[] { "备付金 · 工商银行", "备付金 · 建设银行", "渠道清算 · 工商银行", "手续费收入", "风险补偿金", "在途资金", "差错挂账" })
        {
            Assert.Contains(name, table, StringComparison.Ordinal);
        }
        Assert.Matches(@"¥\d{1,3}(,\d{3})*\.\d{2}", await page.InnerTextAsync("#custody-total"));
        var fee = accounts.Single(a => a.GetProperty("key").GetString() == "fee-income").GetProperty("balanceFen").GetInt64();
        Assert.True(fee > 0, "the payment's fee is income");
        await Browser.ShotAsync(page, "ops-fin-01-accounts");

        // a verification held half-way: the page says how far it is and reloads itself until it is done
        using var release = new ManualResetEventSlim();
        var verifications = server.Services.GetRequiredService<LedgerVerifications>();
        var (held, _) = verifications.Start(new OperatorActor("finance", "finance"), async (progress, ct) =>
        {
            await using var db = server.Database.Options.CreateContext();
            return await new LedgerVerifier(db).VerifyAsync(new HeldAfter(progress, 3, release), ct);
        });
        await WaitUntilAsync(() => held.Progress.Done == 3);
        await page.GotoAsync($"/ops/finance/verifications/{held.Id}");
        Assert.Equal("进行中", await page.InnerTextAsync("#state"));
        Assert.Equal("3", await page.GetAttributeAsync("#bar", "value"));
        Assert.Equal(LedgerVerifier.StepsTotal.ToString(CultureInfo.InvariantCulture), await page.GetAttributeAsync("#bar", "max"));
        Assert.Contains($"已完成 3 / {LedgerVerifier.StepsTotal} 步", await page.InnerTextAsync("#steps"), StringComparison.Ordinal);
        Assert.Contains("借贷平衡（已记账）", await page.InnerTextAsync("#checks"), StringComparison.Ordinal); // what is done so far
        Assert.Equal(1, await page.Locator("meta[http-equiv=refresh]").CountAsync());
        await Browser.ShotAsync(page, "ops-fin-02-verification-running");
        // a second start joins the running verification rather than starting another
        await page.GotoAsync("/ops/finance");
        await page.ClickAsync("#verify");
        await Browser.AtAsync(page, $"**/ops/finance/verifications/{held.Id}");
        release.Set();
        await page.Locator("#state.ok").WaitForAsync(); // the page reloaded itself to the result
        await AssertAllHoldAsync(page);
        Assert.Equal(0, await page.Locator("meta[http-equiv=refresh]").CountAsync());

        // a verification of its own, from the button, runs to all-pass
        await page.ClickAsync("#verify-again");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/ops/finance/verifications/(?!{held.Id})"));
        await page.Locator("#state.ok").WaitForAsync();
        await AssertAllHoldAsync(page);
        var totals = await page.InnerTextAsync("#totals");
        Assert.Contains("备付金与渠道清算", totals, StringComparison.Ordinal);
        Assert.Contains("客户与商户资金（负债）", totals, StringComparison.Ordinal);
        await Browser.ShotAsync(page, "ops-fin-03-verification-all-hold");
        await page.GotoAsync("/ops/finance");
        Assert.Contains("全部通过", await page.InnerTextAsync("#latest"), StringComparison.Ordinal);

        var auditor = await OpsPageAsync(browser, server, "audit"); // audit may look too
        await auditor.GotoAsync("/ops/finance");
        Assert.Equal(accounts.Count, await auditor.Locator("#institution-accounts tbody tr").CountAsync());
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task Roles_other_than_finance_and_audit_get_the_denial_page()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        foreach (var username in new[] { "service", "ops", "risk" })
        {
            var page = await OpsPageAsync(browser, server, username);
            Assert.DoesNotContain("财务", await page.InnerTextAsync("header nav"), StringComparison.Ordinal);
            foreach (var path in new[] { "/ops/finance", $"/ops/finance/verifications/{Guid.NewGuid()}" })
            {
                var response = await page.GotoAsync(path);
                Assert.Equal(403, response!.Status);
                Assert.EndsWith("/ops/denied", page.Url, StringComparison.Ordinal);
            }
            Assert.Contains("无权访问", await page.InnerTextAsync("main"), StringComparison.Ordinal);
            if (username == "service")
            {
                await Browser.ShotAsync(page, "ops-fin-04-service-denied");
            }
        }
        Assert.Null(server.Services.GetRequiredService<LedgerVerifications>().Latest()); // nobody started one
    }

    [Fact]
    public async Task Customer_service_exports_the_filtered_transactions_as_CSV_and_Excel_masked_as_on_screen_and_audited()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        await MerchantKit.PaidOrderAsync(server, "E2E-EXP-001", 8_888);
        await MerchantKit.PaidOrderAsync(server, "E2E-EXP-002", 120);
        await MerchantKit.PaidOrderAsync(server, "E2E-EXP-003", 15_000);
        await TransferAsync(server, ZhangSan, LiSi, 4_321);

        var page = await OpsPageAsync(browser, server, "service");
        await page.GotoAsync("/ops/transactions?kind=payment&max=100&sort=amount&size=20");
        var screen = await ScreenRowsAsync(page);
        Assert.Equal(2, screen.Count); // ¥150 is above the filter, the transfer is not a payment
        Assert.Contains("10,000", await page.InnerTextAsync("#export"), StringComparison.Ordinal); // the cap, stated
        await Browser.ShotAsync(page, "ops-fin-05-transactions-export");

        var csvDownload = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export-csv"));
        Assert.EndsWith(".csv", csvDownload.SuggestedFilename, StringComparison.Ordinal);
        var csvBytes = await File.ReadAllBytesAsync((await csvDownload.PathAsync())!, Ct);
        Assert.True(csvBytes.AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }), "the CSV starts with a UTF-8 BOM");
        var csvText = Encoding.UTF8.GetString(csvBytes);
        var csv = csvText.TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.TrimEnd('\r').Split(',')).ToList(); // no cell here holds a comma or a quote
        Assert.Equal("时间", csv[0][0]);
        Assert.Equal(screen, csv.Skip(1).Select(Exported).ToList());

        var xlsxDownload = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export-xlsx"));
        Assert.EndsWith(".xlsx", xlsxDownload.SuggestedFilename, StringComparison.Ordinal);
        var xlsx = ReadSheet(await File.ReadAllBytesAsync((await xlsxDownload.PathAsync())!, Ct));
        Assert.Equal(csv[0], xlsx[0]);
        Assert.Equal(screen, xlsx.Skip(1).Select(Exported).ToList());
        foreach (var text in new[] { csvText, string.Join('\n', xlsx.Select(r => string.Join(',', r))) })
        {
            Assert.DoesNotContain(ZhangSan, text, StringComparison.Ordinal); // masked exactly as on screen (ACC-8)
            Assert.Contains("138****8001", text, StringComparison.Ordinal);
        }

        var auditor = await OpsPageAsync(browser, server, "audit");
        await auditor.GotoAsync("/ops/audit?action=transactions.export");
        var log = await auditor.InnerTextAsync("#audit");
        Assert.Contains("transactions.export", log, StringComparison.Ordinal);
        Assert.Contains("2 rows", log, StringComparison.Ordinal);
        Assert.Contains("kind=payment", log, StringComparison.Ordinal);
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    /// <summary>Each row on screen as (record id, wallet, counterparty, amount, status).</summary>
    private static async Task<List<string>> ScreenRowsAsync(IPage page) =>
        [.. await page.Locator("#transactions tbody tr").EvaluateAllAsync<string[]>(
            "rows => rows.map(r => [r.dataset.id, r.cells[3].innerText, r.cells[4].innerText, r.cells[5].innerText, r.cells[6].querySelector('.tag').innerText].join('|'))")];

    /// <summary>An exported row in the screen's terms: the amount in yuan shown as ¥1,234.56.</summary>
    private static string Exported(string[] cells) => string.Join('|', cells[10], cells[5], cells[6],
        new Zhifu.Core.Money((long)Math.Round(decimal.Parse(cells[7], CultureInfo.InvariantCulture) * 100)).ToString(), cells[8]);

    /// <summary>The first sheet's cells, row by row, opened with the Open XML SDK.</summary>
    private static List<string[]> ReadSheet(byte[] bytes)
    {
        using var workbook = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
        var sheet = workbook.WorkbookPart!.WorksheetParts.Single().Worksheet;
        return [.. sheet.Descendants<Row>().Select(r => r.Elements<Cell>()
            .Select(c => c.DataType?.Value == CellValues.InlineString ? c.InlineString!.InnerText : c.CellValue!.Text).ToArray())];
    }

    private static async Task AssertAllHoldAsync(IPage page)
    {
        Assert.Equal("全部通过", await page.InnerTextAsync("#state"));
        Assert.Equal(LedgerVerifier.StepsTotal.ToString(CultureInfo.InvariantCulture), await page.GetAttributeAsync("#bar", "value"));
        var holds = await page.Locator("#checks tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.holds)");
        Assert.Equal(8, holds.Length);
        Assert.All(holds, h => Assert.Equal("true", h));
        var checks = await page.InnerTextAsync("#checks");
        Assert.Contains("备付金覆盖客户与商户资金（SET-1）", checks, StringComparison.Ordinal);
        Assert.Contains("已关闭账户与其关闭冻结一致（ACC-6）", checks, StringComparison.Ordinal);
        Assert.Contains("每笔转账都有一条业务记录说明", checks, StringComparison.Ordinal);
        Assert.Matches(@"custody\+clearing ¥[\d,]+\.\d{2} = liabilities ¥[\d,]+\.\d{2}", checks); // the figures behind the verdict
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 300 && !condition(); i++)
        {
            await Task.Delay(100, Ct);
        }
        Assert.True(condition(), "timed out");
    }

    /// <summary>Passes progress on, then holds the verification after <paramref name="steps"/> steps until released.</summary>
    private sealed class HeldAfter(IProgress<VerificationProgress> inner, int steps, ManualResetEventSlim release) : IProgress<VerificationProgress>
    {
        public void Report(VerificationProgress value)
        {
            inner.Report(value);
            if (value.Done == steps)
            {
                release.Wait(TimeSpan.FromSeconds(60));
            }
        }
    }
}
