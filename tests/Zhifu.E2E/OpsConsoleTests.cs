using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Zhifu.Tests.Infrastructure;
using static Zhifu.E2E.OpsKit;

namespace Zhifu.E2E;

/// <summary>The operator console (SEC-1, SEC-2, RISK-4) in headless Chromium: sign-in by role, risk cases, audit log.</summary>
public sealed class OpsConsoleTests(Browser browser) : IClassFixture<Browser>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Risk_staff_release_a_held_transfer_in_the_console_and_the_audit_log_shows_it_with_its_chain_verified()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var transferId = await HeldTransferAsync(server);
        using var li = await WalletAsync(server, LiSi);
        var liBefore = await BalanceAsync(li);
        var page = await browser.PageAsync(server.BaseAddress);

        await page.GotoAsync("/ops/risk/cases");
        Assert.EndsWith("/ops/login?returnUrl=%2Fops%2Frisk%2Fcases", page.Url, StringComparison.Ordinal); // a session is needed
        await page.FillAsync("#username", "risk");
        await page.FillAsync("#password", OperatorPassword);
        await page.ClickAsync("button[type=submit]");
        await Browser.AtAsync(page, "**/ops/risk/cases");
        await Browser.ShotAsync(page, "ops-01-cases");
        var row = page.Locator("#cases tbody tr").First;
        Assert.Contains("¥150.00", await row.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("E2E-REVIEW", await row.InnerTextAsync(), StringComparison.Ordinal);

        await row.Locator("a").ClickAsync();
        await page.WaitForSelectorAsync("#release");
        Assert.Contains(transferId.ToString(), await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await page.FillAsync("#note", "已电话联系付款人，确认为本人购车款");
        await page.ClickAsync("text=保存备注");
        await page.WaitForSelectorAsync("text=备注已保存");
        string? confirm = null;
        page.Dialog += async (_, dialog) => // every money action asks first
        {
            confirm = dialog.Message;
            await dialog.AcceptAsync();
        };
        await page.ClickAsync("#release");
        await page.WaitForSelectorAsync("text=已作出决定");
        Assert.Contains("¥150.00", confirm, StringComparison.Ordinal);
        Assert.Contains("release", await page.InnerTextAsync("#case-status"), StringComparison.Ordinal);
        await Browser.ShotAsync(page, "ops-02-case-released");
        Assert.Equal(liBefore + 15_000, await BalanceAsync(li)); // the money arrived

        await page.ClickAsync("nav >> text=审计日志");
        await page.WaitForSelectorAsync("#audit");
        Assert.Contains("哈希链完整", await page.InnerTextAsync("#chain"), StringComparison.Ordinal);
        var audit = await page.InnerTextAsync("#audit");
        Assert.Contains("risk-case.decide", audit, StringComparison.Ordinal);
        Assert.Contains("risk-rule.put", audit, StringComparison.Ordinal);
        await Browser.ShotAsync(page, "ops-03-audit");
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task Customer_service_sees_the_dashboard_but_not_risk_cases_rules_or_the_audit_log()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var page = await browser.PageAsync(server.BaseAddress);
        await SignedInAsync(page, "service");
        Assert.DoesNotContain("风险案件", await page.InnerTextAsync("header nav"), StringComparison.Ordinal);
        await Browser.ShotAsync(page, "ops-04-service-dashboard");
        foreach (var path in new[] { "/ops/risk/cases", "/ops/risk/rules", "/ops/audit" })
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(403, response!.Status);
            Assert.EndsWith("/ops/denied", page.Url, StringComparison.Ordinal);
        }
        await Browser.ShotAsync(page, "ops-05-service-denied");
        using (var zhang = await WalletAsync(server, ZhangSan)) // a text to the user: a one-time code
        {
            (await zhang.PostAsJsonAsync("/api/wallet/me/otp", new { purpose = "payment-password" }, Ct)).EnsureSuccessStatusCode();
        }
        var outbox = await page.GotoAsync("/ops/outbox");
        Assert.Equal(200, outbox!.Status);
        var sms = await page.InnerTextAsync("#sms");
        Assert.Contains("138****8001", sms, StringComparison.Ordinal);
        Assert.Contains("otp", sms, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\b\d{6}\b", sms.Replace("2026", "", StringComparison.Ordinal)); // never the code itself
        await Browser.ShotAsync(page, "ops-10-outbox");
    }

    [Fact]
    public async Task A_wrong_password_is_refused_on_the_form_and_the_console_speaks_English_on_request()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var page = await browser.PageAsync(server.BaseAddress);
        await SignInAsync(page, "risk", "wrong-password");
        Assert.Contains("用户名或密码错误", await page.InnerTextAsync("[role=alert]"), StringComparison.Ordinal);
        await page.ClickAsync("text=English");
        await page.WaitForSelectorAsync("text=Operator sign-in");
        await SignedInAsync(page, "risk");
        Assert.Contains("Open risk cases", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await page.ClickAsync("text=Sign out");
        await Browser.AtAsync(page, "**/ops/login");
        var again = await page.GotoAsync("/ops/risk/cases");
        Assert.Contains("/ops/login", page.Url, StringComparison.Ordinal); // the session ended
        Assert.Equal(200, again!.Status);
        await Browser.ShotAsync(page, "ops-06-english-signed-out");
    }

    [Fact]
    public async Task A_new_operator_changes_the_initial_password_before_the_console_opens_and_can_change_it_again_later()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var (initial, refusal) = await server.Services.GetRequiredService<Zhifu.Server.Security.OperatorAccounts>()
            .AddAsync("dora", "service", "cli:e2e", Ct); // what `zhifu operator add dora service` does
        Assert.Null(refusal);
        var page = await browser.PageAsync(server.BaseAddress);
        await SignInAsync(page, "dora", initial!);
        await Browser.AtAsync(page, "**/ops/password", Browser.SignInTimeoutMs);
        Assert.Contains("首次登录：请先修改初始密码", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("nav a").CountAsync()); // no menu until it is changed
        await Browser.ShotAsync(page, "ops-08-initial-password");

        await page.GotoAsync("/ops/users"); // nothing else opens: back to the change
        await Browser.AtAsync(page, "**/ops/password");
        await page.ClickAsync("text=退出"); // signing out works from here too
        await Browser.AtAsync(page, "**/ops/login");
        await SignInAsync(page, "dora", initial!);
        await Browser.AtAsync(page, "**/ops/password", Browser.SignInTimeoutMs);

        await page.FillAsync("#currentPassword", initial!);
        await page.FillAsync("#newPassword", "Dora2026care");
        await page.FillAsync("#confirmPassword", "Dora2026cure");
        await page.ClickAsync("main button[type=submit]");
        Assert.Contains("两次输入的新密码不一致", await page.InnerTextAsync(".field-error"), StringComparison.Ordinal);
        await page.FillAsync("#currentPassword", initial!);
        await page.FillAsync("#newPassword", "Dora2026care");
        await page.FillAsync("#confirmPassword", "Dora2026care");
        await page.ClickAsync("main button[type=submit]");
        await Browser.AtAsync(page, "**/ops", Browser.SignInTimeoutMs);
        await page.ClickAsync("nav >> text=用户");
        await Browser.AtAsync(page, "**/ops/users");

        await page.ClickAsync("#nav-password"); // a later change, by choice
        await page.FillAsync("#currentPassword", "Dora2026care");
        await page.FillAsync("#newPassword", "Dora2027care");
        await page.FillAsync("#confirmPassword", "Dora2027care");
        await page.ClickAsync("main button[type=submit]");
        await page.WaitForSelectorAsync("text=密码已修改");
        await Browser.ShotAsync(page, "ops-09-password-changed");
        await page.ClickAsync("text=退出"); // the page's forms belong to the session the change issued
        await Browser.AtAsync(page, "**/ops/login");
        var signIn = await server.Client().PostAsJsonAsync("/api/ops/auth/login", new { username = "dora", password = "Dora2027care" }, Ct);
        Assert.True(signIn.IsSuccessStatusCode, await signIn.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Risk_staff_record_a_legal_freeze_beside_a_risk_freeze_and_customer_service_is_not_offered_it()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var page = await browser.PageAsync(server.BaseAddress);
        await SignedInAsync(page, "risk");
        await page.ClickAsync("nav >> text=用户");
        await page.FillAsync("#phone", ZhangSan);
        await page.ClickAsync("button:has-text('查询')");
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await page.Locator(".user .freeze-legal input[name=reason]").FillAsync("法院协助冻结通知书 (2026)京0105执123号");
        await page.Locator(".user .freeze-legal button.danger").ClickAsync();
        await page.WaitForSelectorAsync("text=已冻结");
        Assert.Contains("司法冻结", await page.Locator(".user .restrictions").First.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator(".user .freeze-risk button.danger").CountAsync()); // the risk freeze is its own, still offered
        await Browser.ShotAsync(page, "ops-07b-legal-freeze");

        var service = await browser.PageAsync(server.BaseAddress);
        await SignInAsync(service, "service");
        await service.WaitForSelectorAsync("nav >> text=用户");
        await service.GotoAsync($"/ops/users?phone={ZhangSan}"); // ACC-8: a key in the address searches nothing
        Assert.Equal(0, await service.Locator(".user").CountAsync());
        await service.FillAsync("#phone", ZhangSan);
        await service.ClickAsync("button:has-text('查询')");
        await service.WaitForSelectorAsync(".user .freeze-risk");
        Assert.DoesNotContain(ZhangSan, service.Url, StringComparison.Ordinal); // posted, not in the address
        Assert.Equal(0, await service.Locator(".user .freeze-legal").CountAsync()); // neither set nor lifted by customer service
    }

    [Fact]
    public async Task Customer_service_finds_a_user_masked_freezes_the_wallet_with_a_reason_and_the_auditor_sees_it()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var page = await browser.PageAsync(server.BaseAddress);
        await SignedInAsync(page, "service");
        await page.ClickAsync("nav >> text=用户");
        await page.FillAsync("#phone", ZhangSan);
        await page.ClickAsync("button:has-text('查询')");
        var card = page.Locator(".user").First;
        var shown = await card.InnerTextAsync();
        Assert.Contains("138****8001", shown, StringComparison.Ordinal); // masked, never the whole number
        Assert.DoesNotContain(ZhangSan, shown, StringComparison.Ordinal);
        Assert.Contains("张*", shown, StringComparison.Ordinal);
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync(); // the freeze asks first
        await card.Locator("button.danger").ClickAsync(); // no reason: refused next to the field, nothing frozen
        await page.WaitForSelectorAsync(".field-error");
        await page.Locator(".user input[name=reason]").First.FillAsync("用户来电称手机丢失，申请冻结");
        await page.Locator(".user button.danger").First.ClickAsync();
        await page.WaitForSelectorAsync("text=已冻结");
        Assert.Contains("用户来电称手机丢失", await page.Locator(".user .restrictions").First.InnerTextAsync(), StringComparison.Ordinal);
        await Browser.ShotAsync(page, "ops-07-user-frozen");
        using (var zhang = await WalletAsync(server, ZhangSan))
        {
            var sent = await zhang.PostAsJsonAsync("/api/wallet/me/transfers", new
            {
                requestId = "e2e-" + Guid.NewGuid().ToString("N"), payeePhone = LiSi, amountFen = 100, paymentPassword = PaymentPassword,
            }, Ct);
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, sent.StatusCode); // frozen: no money leaves
        }

        var auditor = await browser.PageAsync(server.BaseAddress);
        await SignInAsync(auditor, "audit");
        await auditor.GotoAsync("/ops/audit?action=account.");
        var log = await auditor.InnerTextAsync("#audit");
        Assert.Contains("account.freeze", log, StringComparison.Ordinal);
        Assert.Contains("用户来电称手机丢失", log, StringComparison.Ordinal);
        Assert.Contains("哈希链完整", await auditor.InnerTextAsync("#chain"), StringComparison.Ordinal);
        await Browser.ShotAsync(auditor, "ops-08-audit-freeze");

        // someone rewrites an entry in the database: 立即校验 walks the chain now and shows where it breaks (SEC-1)
        await using (var db = server.Database.Options.CreateContext())
        {
            Assert.True(await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ExecuteUpdateAsync(
                db.Set<Zhifu.Data.Entities.AuditRow>().Where(a => a.Action == "account.freeze"),
                set => set.SetProperty(a => a.Details, "nothing happened"), Ct) >= 1);
        }
        await auditor.ClickAsync("#verify-now");
        await auditor.WaitForSelectorAsync("text=哈希链在第");
        Assert.Contains("日志被篡改", await auditor.InnerTextAsync("#chain"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Risk_approves_a_pending_merchant_in_the_console_and_a_rejection_needs_a_reason()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        string mchId;
        using (var ops = await OperatorAsync(server, "operations"))
        {
            var applied = await ops.PostAsJsonAsync("/api/ops/merchants", new
            {
                name = "深圳知付测试便利店", licenceNo = "91440300MA5F00002D", legalPersonName = "钱七", legalPersonIdNumber = "110101198001010053",
                mcc = "5411", riskLevel = "low", feeRatePpm = 3800, settlementBank = "CMB", settlementAccountNo = "755900001234567890",
                settlementAccountName = "深圳知付测试便利店有限公司", singlePaymentLimitFen = 100_000,
            }, Ct);
            var body = await applied.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct);
            Assert.True(applied.IsSuccessStatusCode, body.ToString());
            mchId = body.GetProperty("mchId").GetString()!;
        }
        var page = await browser.PageAsync(server.BaseAddress);
        await SignedInAsync(page, "risk");
        await page.GotoAsync("/ops/merchants?status=pending");
        await page.ClickAsync($"#merchants >> text={mchId}");
        var detail = await page.InnerTextAsync("main");
        Assert.Contains("钱*", detail, StringComparison.Ordinal); // the legal person masked
        Assert.DoesNotContain("110101198001010053", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("755900001234567890", detail, StringComparison.Ordinal);
        await page.ClickAsync("button:has-text('驳回')"); // no reason given
        await page.WaitForSelectorAsync(".field-error");
        await page.FillAsync("#note", "资料齐全，准予开通");
        await page.ClickAsync("button:has-text('通过')");
        await page.WaitForSelectorAsync("text=已通过");
        Assert.Contains("active", await page.InnerTextAsync("h1"), StringComparison.Ordinal);
        await Browser.ShotAsync(page, "ops-09-merchant-approved");
    }

    [Fact]
    public async Task Risk_generates_yesterdays_AML_reports_with_a_reason_and_downloads_the_file()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var page = await browser.PageAsync(server.BaseAddress);
        await SignedInAsync(page, "risk");
        await page.ClickAsync("nav >> text=反洗钱报告");
        var yesterday = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).AddDays(-1).ToString("yyyy-MM-dd",
            System.Globalization.CultureInfo.InvariantCulture);
        await page.FillAsync("#genDay", yesterday);
        await page.ClickAsync("button:has-text('生成')"); // no reason
        await page.WaitForSelectorAsync(".field-error");
        await page.FillAsync("#genDay", yesterday);
        await page.FillAsync("#reason", "监管检查前复核");
        await page.ClickAsync("button:has-text('生成')");
        await page.WaitForSelectorAsync("text=已生成 2 份报告");
        var table = await page.InnerTextAsync("#reports");
        Assert.Contains(yesterday, table, StringComparison.Ordinal);
        await Browser.ShotAsync(page, "ops-11-aml");
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#reports a").First.ClickAsync());
        var path = await download.PathAsync();
        var bytes = await File.ReadAllBytesAsync(path, Ct);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]); // UTF-8 with BOM, for Excel
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Risk_lists_a_merchant_with_a_reason_and_takes_it_off_again()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var page = await browser.PageAsync(server.BaseAddress);
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await SignedInAsync(page, "risk");
        await page.GotoAsync("/ops/risk/lists");
        await page.SelectOptionAsync("#newList", "merchant");
        await page.FillAsync("#subject", "1230000109");
        await page.FillAsync("#source", "police");
        await page.ClickAsync("form >> button:has-text('列入')"); // no reason
        await page.WaitForSelectorAsync(".field-error");
        await page.SelectOptionAsync("#newList", "merchant");
        await page.FillAsync("#subject", "1230000109");
        await page.FillAsync("#source", "police");
        await page.FillAsync("#reason", "公安协查通知 2026-88");
        await page.ClickAsync("form >> button:has-text('列入')");
        await page.WaitForSelectorAsync("text=已列入名单");
        Assert.Contains("公安协查通知 2026-88", await page.InnerTextAsync("#entries"), StringComparison.Ordinal);
        await page.FillAsync("#entries input[name=removalReason]", "协查结束");
        await page.ClickAsync("#entries button:has-text('移出')");
        await page.WaitForSelectorAsync("text=已移出名单");
        Assert.DoesNotContain("公安协查通知", await page.InnerTextAsync("#entries"), StringComparison.Ordinal); // active only
        await Browser.ShotAsync(page, "ops-12-lists");

        // an expiry no day can end (a date picker lets year 9999 through) or no date at all is told, never a 500 or "never expires"
        foreach (var expires in new[] { "9999-12-31", "next week" })
        {
            await page.SelectOptionAsync("#newList", "merchant");
            await page.FillAsync("#subject", "1230000109");
            await page.FillAsync("#reason", "到期日测试");
            await page.EvalOnSelectorAsync("#expires", "(e, v) => { e.type = 'text'; e.value = v; }", expires);
            await page.ClickAsync("form >> button:has-text('列入')");
            await page.WaitForSelectorAsync("text=到期日须为日期");
            Assert.DoesNotContain("到期日测试", await page.InnerTextAsync("#entries"), StringComparison.Ordinal);
        }
        // a score that is no whole number is told, not saved as the default
        await page.GotoAsync("/ops/risk/rules");
        await page.FillAsync("#ruleId", "E2E-SCORE");
        await page.FillAsync("#description", "分值测试");
        await page.EvalOnSelectorAsync("#score", "e => { e.type = 'text'; e.value = '1e3x'; }");
        await page.ClickAsync("form >> button:has-text('保存为新版本')");
        await page.WaitForSelectorAsync("text=分值须为整数");
        Assert.DoesNotContain("E2E-SCORE", await page.InnerTextAsync("table"), StringComparison.Ordinal);
    }
}
