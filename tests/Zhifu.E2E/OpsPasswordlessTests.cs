using System.Net.Http.Json;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.EntityFrameworkCore;
using Zhifu.Data.Entities;
using Zhifu.Tests.Infrastructure;
using static Zhifu.E2E.OpsKit;
using static Zhifu.E2E.PasswordlessKit;

namespace Zhifu.E2E;

/// <summary>
/// The operator console's passwordless pages (issue 9 point 7, PWL-5, PWL-6, SEC-2): agreements found by the user's phone
/// through the blind index and shown masked; the loss and dispute report per merchant with its CSV and Excel files; a dispute
/// decided with its refusals beside the fields; each page only for the roles the Operator API lets read the same data.
/// </summary>
public sealed class OpsPasswordlessTests(Browser browser) : IClassFixture<Browser>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Service_finds_the_agreement_by_phone_masked_finance_reads_the_report_and_its_files_and_neither_sees_the_other()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        await EligibleAsync(server);
        var contractId = await SignedContractAsync(server, ZhangSan, "E2EOPS0001", "停车会员 张*");
        Assert.Equal("SUCCESS", await ChargeAsync(server, contractId, "E2E-OPS-PWL-1", 650));

        var service = await browser.PageAsync(server.BaseAddress);
        await SignedInAsync(service, "service");
        Assert.DoesNotContain("免密报表", await service.InnerTextAsync("header nav"), StringComparison.Ordinal);
        await service.ClickAsync("#nav-pwl");
        await service.FillAsync("#phone", "1380013"); // not a phone number: said beside the field, nothing searched
        await service.ClickAsync("#search button[type=submit]");
        await service.WaitForSelectorAsync("#phone-error >> text=请输入 11 位手机号");
        await service.FillAsync("#phone", ZhangSan);
        await service.ClickAsync("#search button[type=submit]");
        await service.WaitForSelectorAsync($"#agreements >> text={contractId}");
        var found = await service.InnerTextAsync("#agreements tbody");
        Assert.Contains("138****8001", found, StringComparison.Ordinal); // masked (ACC-8)
        Assert.DoesNotContain(ZhangSan, found, StringComparison.Ordinal);
        Assert.Contains("知付演示咖啡馆", found, StringComparison.Ordinal);
        Assert.Contains("已签约", found, StringComparison.Ordinal);
        Assert.Equal(1, await service.Locator("#agreements tbody tr").CountAsync());
        Assert.DoesNotContain(ZhangSan, service.Url, StringComparison.Ordinal); // posted, never in the address (ACC-8)
        await Browser.ShotAsync(service, "ops-40-passwordless-agreements");
        await service.SelectOptionAsync("#state", "TERMINATED"); // the state filter runs on the server
        await service.ClickAsync("#search button[type=submit]");
        await service.WaitForSelectorAsync("text=没有符合条件的协议");
        await service.GotoAsync($"/ops/passwordless?phone={ZhangSan}"); // an old bookmark: refused by its field, never everyone's list
        await service.WaitForSelectorAsync("#phone-error >> text=请在表单中输入手机号");
        Assert.Equal(0, await service.Locator("#agreements tbody tr").CountAsync());
        var far = await service.GotoAsync("/ops/passwordless?pageNumber=2147483647"); // no negative OFFSET (a 500 on PostgreSQL)
        Assert.Equal(200, far!.Status);
        Assert.Contains("页码过大", await service.InnerTextAsync("main"), StringComparison.Ordinal);
        await using (var db = server.Database.Options.CreateContext())
        {
            Assert.True(await db.Set<AuditRow>().AnyAsync(a => a.Action == "passwordless.agreements.search" && a.Actor == "service"
                && a.Target == "phone 138****8001", Ct)); // reading personal data by phone is audited (SEC-1)
        }
        var refused = await service.GotoAsync("/ops/passwordless/report");
        Assert.Equal(403, refused!.Status);
        Assert.EndsWith("/ops/denied", service.Url, StringComparison.Ordinal);
        await Browser.ShotAsync(service, "ops-41-passwordless-report-denied-to-service");

        var finance = await browser.PageAsync(server.BaseAddress);
        await SignedInAsync(finance, "finance");
        Assert.DoesNotContain("免密投诉", await finance.InnerTextAsync("header nav"), StringComparison.Ordinal);
        await finance.ClickAsync("#nav-pwl-report");
        var line = await finance.WaitForSelectorAsync("#report tr[data-mchid='1230000109']");
        var cells = await line!.InnerTextAsync();
        Assert.Contains("知付演示咖啡馆", cells, StringComparison.Ordinal);
        Assert.Contains("¥6.50", cells, StringComparison.Ordinal);
        Assert.Equal("1", await finance.InnerTextAsync("#total-payments"));
        Assert.Equal("¥6.50", await finance.InnerTextAsync("#total-amount"));
        await Browser.ShotAsync(finance, "ops-42-passwordless-report");

        var csv = await finance.RunAndWaitForDownloadAsync(() => finance.ClickAsync("#csv"));
        Assert.Equal("passwordless-report.csv", csv.SuggestedFilename);
        var text = await File.ReadAllTextAsync((await csv.PathAsync())!, Ct);
        Assert.StartsWith("商户号,商户名称,免密资格", text, StringComparison.Ordinal);
        Assert.Contains("1230000109,知付演示咖啡馆 Zhifu Demo Café,是,1,6.50,0,0,0.00,0.0\n", text, StringComparison.Ordinal);
        Assert.Contains("合计,,,1,6.50,0,0,0.00,\n", text, StringComparison.Ordinal);
        using (var risk = await OperatorAsync(server, "risk")) // the API's file is the page's file
        {
            Assert.Equal(text, await risk.GetStringAsync("/api/ops/passwordless/report?format=csv", Ct));
            // the API takes a phone posted only (ACC-8): in the address it is refused, not ignored (which would answer everyone's)
            var inUrl = await risk.GetAsync($"/api/ops/passwordless/agreements?phone={ZhangSan}", Ct);
            Assert.Equal(400, (int)inUrl.StatusCode);
            Assert.Contains("PHONE_NOT_IN_URL", await inUrl.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
            var posted = await risk.PostAsJsonAsync("/api/ops/passwordless/agreements/search", new { phone = ZhangSan }, Ct);
            Assert.True(posted.IsSuccessStatusCode);
            Assert.Contains(contractId, await posted.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
            Assert.Equal("1", posted.Headers.GetValues("X-Total-Count").Single());
        }
        var xlsx = await finance.RunAndWaitForDownloadAsync(() => finance.ClickAsync("#xlsx"));
        using (var book = SpreadsheetDocument.Open((await xlsx.PathAsync())!, false))
        {
            var sheet = book.WorkbookPart!.WorksheetParts.Single().Worksheet;
            var row = sheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.Row>().ElementAt(1)
                .Elements<DocumentFormat.OpenXml.Spreadsheet.Cell>()
                .Select(c => c.InlineString?.InnerText ?? c.CellValue?.Text).ToList();
            Assert.Equal(["1230000109", "知付演示咖啡馆 Zhifu Demo Café", "是", "1", "6.5"], row.Take(5));
        }
    }

    [Fact]
    public async Task Risk_decides_a_dispute_a_bad_note_and_a_loss_above_the_payment_are_said_beside_their_fields_a_good_one_closes_it()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        await EligibleAsync(server);
        var contractId = await SignedContractAsync(server, ZhangSan, "E2EOPS0002", "会员 张*");
        Assert.Equal("SUCCESS", await ChargeAsync(server, contractId, "E2E-OPS-PWL-2", 650));
        var transactionId = await DisputeLatestAsync(server, ZhangSan, "我没有在这家停车场停过车");

        long balance;
        using (var zhang = await WalletAsync(server, ZhangSan))
        {
            balance = await BalanceAsync(zhang);
        }

        var operations = await browser.PageAsync(server.BaseAddress);
        await SignedInAsync(operations, "ops");
        var refused = await operations.GotoAsync("/ops/passwordless/disputes"); // operations reads the report, not complaints
        Assert.Equal(403, refused!.Status);
        Assert.EndsWith("/ops/denied", operations.Url, StringComparison.Ordinal);

        var page = await browser.PageAsync(server.BaseAddress);
        var asked = MerchantKit.AcceptDialogs(page);
        await SignedInAsync(page, "risk");
        await page.ClickAsync("#nav-pwl-disputes");
        var row = $"#dispute-{transactionId}";
        await page.WaitForSelectorAsync(row);
        Assert.Contains("我没有在这家停车场停过车", await page.InnerTextAsync(row), StringComparison.Ordinal);
        Assert.Contains("¥6.50", await page.InnerTextAsync(row), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator($"{row} .tag.bad").CountAsync()); // not overdue: 7 days to go

        await page.CheckAsync($"#upheld-{transactionId}");
        await page.FillAsync($"#loss-{transactionId}", "6.50");
        await page.FillAsync($"#note-{transactionId}", "嗯");
        await page.ClickAsync($"#decide-{transactionId}");
        await page.WaitForSelectorAsync("#note-error >> text=请填写 2–200 字的处理说明");
        Assert.Contains("提交", asked(), StringComparison.Ordinal);
        Assert.Equal("嗯", await page.InputValueAsync($"#note-{transactionId}")); // what was typed stays to be corrected
        Assert.True(await page.IsCheckedAsync($"#upheld-{transactionId}"));
        await Browser.ShotAsync(page, "ops-43-passwordless-dispute-note-error");

        await page.FillAsync($"#loss-{transactionId}", "9.99");
        await page.FillAsync($"#note-{transactionId}", "用户未授权，商户已确认误扣");
        await page.ClickAsync($"#decide-{transactionId}");
        await page.WaitForSelectorAsync("#loss-error >> text=¥6.50");
        Assert.Equal(0, await page.Locator("#note-error").CountAsync());
        await using (var db = server.Database.Options.CreateContext())
        {
            Assert.Equal(PasswordlessDisputeRow.Open, (await db.Set<PasswordlessDisputeRow>().SingleAsync(Ct)).State); // nothing decided
        }
        await Browser.ShotAsync(page, "ops-44-passwordless-dispute-loss-error");

        await page.FillAsync($"#loss-{transactionId}", "6.50");
        await page.ClickAsync($"#decide-{transactionId}");
        await page.WaitForSelectorAsync("#message >> text=已认定投诉成立，记录损失 ¥6.50，已由商户退还用户");
        Assert.Equal(0, await page.Locator(row).CountAsync()); // no longer open
        await Browser.ShotAsync(page, "ops-45-passwordless-dispute-decided");
        using (var zhang = await WalletAsync(server, ZhangSan)) // upheld: the merchant refunds the loss to the user at once
        {
            Assert.Equal(balance + 650, await BalanceAsync(zhang));
        }
        await using (var db = server.Database.Options.CreateContext())
        {
            var dispute = await db.Set<PasswordlessDisputeRow>().SingleAsync(Ct);
            Assert.Equal((PasswordlessDisputeRow.Upheld, 650L, "risk"), (dispute.State, dispute.LossFen, dispute.DecidedBy));
            Assert.True(await db.Set<AuditRow>().AnyAsync(a => a.Action == "passwordless.dispute.decide" && a.Target == transactionId, Ct));
        }
        await page.SelectOptionAsync("#state", "upheld");
        await page.ClickAsync("form.filters button[type=submit]");
        await page.WaitForSelectorAsync($"{row} >> text=用户未授权，商户已确认误扣");

        // the report counts it: one dispute, upheld, ¥6.50 lost
        using var risk = await OperatorAsync(server, "risk");
        var report = await risk.GetFromJsonAsync<JsonElement>("/api/ops/passwordless/report", Ct);
        Assert.Equal((1, 1, 650L), (report.GetProperty("disputes").GetInt32(), report.GetProperty("upheld").GetInt32(),
            report.GetProperty("lossFen").GetInt64()));
        Assert.True((await server.VerifyAsync()).AllHold);
    }
}
