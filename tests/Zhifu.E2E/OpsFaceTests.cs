using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Zhifu.Data.Entities;
using Zhifu.Tests.Infrastructure;
using static Zhifu.E2E.FaceKit;
using static Zhifu.E2E.OpsKit;

namespace Zhifu.E2E;

/// <summary>
/// The operator console's face-pay pages (issue 10, FACE-5): terminals registered by the merchant's admin certified or rejected
/// by risk with a note (audited, the note's refusal beside it), read by operations and audit; the face-pay whitelist changed
/// through the merchant terms' own change and audit, a high-risk merchant refused out loud.
/// </summary>
public sealed class OpsFaceTests(Browser browser) : IClassFixture<Browser>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Risk_certifies_a_terminal_with_a_note_and_rejects_another_while_audit_reads_the_list_and_cannot_review()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var first = await RegisterAsync(server, "国贸店", "BCTC-2026-0101");
        var second = await RegisterAsync(server, "望京店", "BCTC-2026-0102");
        var lapsed = await RegisterAsync(server, "三里屯店", "BCTC-2025-0099");
        await using (var db = server.Database.Options.CreateContext())
        {
            // registration refuses an expired certificate; one that has lapsed since is what the list marks
            await db.Set<FaceTerminalRow>().Where(t => t.TerminalId == lapsed)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.CertExpiresOn, ChinaToday.AddDays(-1)), Ct);
        }

        var page = await OpsPageAsync(browser, server, "risk");
        await page.ClickAsync("#nav-face-terminals");
        await page.WaitForSelectorAsync($"#terminal-{first}");
        Assert.Equal(3, await page.Locator("#terminals tbody tr").CountAsync()); // awaiting certification, by default
        var line = await page.InnerTextAsync($"#terminal-{first}");
        var expiry = Expiry(ChinaToday.AddDays(365));
        foreach (var shown in new[] { Cafe, "知付演示咖啡馆", "国贸店", "ZF-FP1", "银行卡检测中心", "BCTC-2026-0101", expiry, "待认证" })
        {
            Assert.Contains(shown, line, StringComparison.Ordinal);
        }
        Assert.Matches(@"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", line); // registered, Asia/Shanghai
        Assert.Equal(1, await page.Locator($"#expired-{lapsed}").CountAsync());
        Assert.Equal(0, await page.Locator($"#expired-{first}").CountAsync());
        await Browser.ShotAsync(page, "ops-50-face-terminals-pending");

        await page.ClickAsync($"#certify-{first}"); // no note: said beside it, nothing changed
        await page.WaitForSelectorAsync($"#terminal-{first} #note-error >> text=请填写 2–200 字的审核说明");
        Assert.Equal(FaceTerminalRow.Pending, await StateAsync(server, first));
        await Browser.ShotAsync(page, "ops-51-face-terminal-note-error");

        await page.FillAsync($"#note-{first}", "型号安全认证有效，证书在有效期内");
        await page.ClickAsync($"#certify-{first}");
        await page.WaitForSelectorAsync($"#message >> text=终端 {first} 已通过认证");
        Assert.Equal(0, await page.Locator($"#terminal-{first}").CountAsync()); // no longer awaiting
        await page.FillAsync($"#note-{second}", "证书编号与检测机构记录不符");
        await page.ClickAsync($"#reject-{second}");
        await page.WaitForSelectorAsync($"#message >> text=终端 {second} 已驳回");
        Assert.Equal(FaceTerminalRow.Certified, await StateAsync(server, first));
        Assert.Equal(FaceTerminalRow.Rejected, await StateAsync(server, second));
        Assert.Equal(FaceTerminalRow.Pending, await StateAsync(server, lapsed));

        await page.SelectOptionAsync("#state", "all");
        await page.ClickAsync("form.filters button[type=submit]");
        await page.WaitForSelectorAsync($"#terminal-{first} >> text=型号安全认证有效，证书在有效期内");
        var top = await page.Locator("#terminals tbody tr").First.GetAttributeAsync("id");
        Assert.Equal($"terminal-{lapsed}", top); // awaiting a decision first
        Assert.Contains("已认证", await page.InnerTextAsync($"#terminal-{first}"), StringComparison.Ordinal);
        Assert.Contains("已驳回", await page.InnerTextAsync($"#terminal-{second}"), StringComparison.Ordinal);
        await Browser.ShotAsync(page, "ops-52-face-terminals-all");

        var auditor = await OpsPageAsync(browser, server, "audit");
        await auditor.ClickAsync("#nav-face-terminals");
        await auditor.WaitForSelectorAsync($"#terminal-{lapsed} >> text=待风控审核");
        Assert.Equal(0, await auditor.Locator("#terminals form").CountAsync());
        // a review forged with the auditor's own antiforgery token (the sign-out form's) is still refused
        var forged = await auditor.EvaluateAsync<int>("""
            async id => {
                const token = document.querySelector('input[name=__RequestVerificationToken]').value;
                const body = new URLSearchParams({ terminalId: id, certify: 'true', note: '审计代为认证',
                    __RequestVerificationToken: token });
                return (await fetch('/ops/face/terminals?handler=Review', { method: 'POST', body })).status;
            }
            """, lapsed);
        Assert.Equal(403, forged);
        using (var audit = await OperatorAsync(server, "audit"))
        {
            var certify = await audit.PostAsJsonAsync($"/api/ops/face-terminals/{lapsed}/certify", new { note = "审计代为认证" }, Ct);
            Assert.Equal(403, (int)certify.StatusCode);
        }
        Assert.Equal(FaceTerminalRow.Pending, await StateAsync(server, lapsed));
        await Browser.ShotAsync(auditor, "ops-53-face-terminals-audit-read-only");

        await auditor.GotoAsync("/ops/audit?action=face-terminal");
        var log = await auditor.InnerTextAsync("#audit tbody");
        Assert.Contains($"face-terminal.certify\t{first}\t型号安全认证有效，证书在有效期内", log, StringComparison.Ordinal);
        Assert.Contains($"face-terminal.reject\t{second}\t证书编号与检测机构记录不符", log, StringComparison.Ordinal);
        Assert.Equal(2, await auditor.Locator("#audit tbody tr").CountAsync()); // the refused ones wrote nothing
        await Browser.ShotAsync(auditor, "ops-54-face-terminals-audit-log");

        var operations = await OpsPageAsync(browser, server, "ops");
        await operations.ClickAsync("#nav-face-terminals");
        await operations.WaitForSelectorAsync($"#terminal-{lapsed}");
        Assert.Equal(0, await operations.Locator("#terminals form").CountAsync());
    }

    [Fact]
    public async Task Operations_whitelists_the_demo_cafe_and_removes_it_and_a_high_risk_merchant_is_refused_out_loud()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var terminal = await RegisterAsync(server, "国贸店", "BCTC-2026-0201");
        string highRisk;
        using (var risk = await OperatorAsync(server, "risk"))
        {
            var certified = await risk.PostAsJsonAsync($"/api/ops/face-terminals/{terminal}/certify", new { note = "型号认证有效" }, Ct);
            Assert.Equal(204, (int)certified.StatusCode);
            highRisk = await HighRiskMerchantAsync(server, risk);
        }

        var page = await OpsPageAsync(browser, server, "ops");
        var asked = MerchantKit.AcceptDialogs(page);
        await page.ClickAsync("#nav-face-whitelist");
        await page.WaitForSelectorAsync("text=白名单中还没有商户");
        await page.FillAsync("#mchId", "1999999999");
        await page.ClickAsync("#add-merchant");
        await page.WaitForSelectorAsync("#mchid-error >> text=找不到该商户");

        await page.FillAsync("#mchId", Cafe);
        await page.ClickAsync("#add-merchant");
        await page.WaitForSelectorAsync($"#message >> text=已将 {Cafe} 加入刷脸支付白名单");
        var line = await page.InnerTextAsync($"#merchant-{Cafe}");
        Assert.Contains("知付演示咖啡馆", line, StringComparison.Ordinal);
        Assert.Contains("low", line, StringComparison.Ordinal);
        Assert.Equal("1", await page.InnerTextAsync($"#certified-{Cafe}"));
        Assert.True(await FacePayEligibleAsync(server, Cafe));
        await Browser.ShotAsync(page, "ops-55-face-whitelist-added");

        await page.FillAsync("#mchId", highRisk);
        await page.ClickAsync("#add-merchant");
        await page.WaitForSelectorAsync("#mchid-error >> text=高风险商户不能开通免密支付或刷脸支付");
        Assert.Equal(highRisk, await page.InputValueAsync("#mchId")); // what was typed stays
        Assert.False(await FacePayEligibleAsync(server, highRisk));
        Assert.Equal(0, await page.Locator($"#merchant-{highRisk}").CountAsync());
        await Browser.ShotAsync(page, "ops-56-face-whitelist-high-risk-refused");

        await page.ClickAsync($"#remove-{Cafe}");
        await page.WaitForSelectorAsync($"#message >> text=已将 {Cafe} 移出刷脸支付白名单");
        Assert.Contains("移出白名单", asked(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator($"#merchant-{Cafe}").CountAsync());
        Assert.False(await FacePayEligibleAsync(server, Cafe));
        await using (var db = server.Database.Options.CreateContext())
        {
            // each change audited as the terms API audits it; the refused one wrote nothing
            var terms = await db.Set<AuditRow>().Where(a => a.Action == "merchant.terms").ToListAsync(Ct);
            Assert.Equal([(Cafe, "ops"), (Cafe, "ops")], terms.Select(a => (a.Target, a.Actor)));
        }
        await Browser.ShotAsync(page, "ops-57-face-whitelist-removed");

        var auditor = await OpsPageAsync(browser, server, "audit");
        await auditor.ClickAsync("#nav-face-whitelist");
        await auditor.WaitForSelectorAsync("text=白名单中还没有商户");
        Assert.Equal(0, await auditor.Locator("main form").CountAsync()); // reads, does not change terms

        var service = await OpsPageAsync(browser, server, "service");
        Assert.Equal(0, await service.Locator("#nav-face-terminals, #nav-face-whitelist").CountAsync()); // service reads only claims
        foreach (var path in new[] { "/ops/face/terminals", "/ops/face/whitelist" })
        {
            var refused = await service.GotoAsync(path);
            Assert.Equal(403, refused!.Status);
            Assert.EndsWith("/ops/denied", service.Url, StringComparison.Ordinal);
        }
    }

    /// <summary>A merchant entered by operations as high-risk and approved by risk (four eyes), as onboarding does.</summary>
    private static async Task<string> HighRiskMerchantAsync(ZhifuTestServer server, HttpClient risk)
    {
        using var ops = await OperatorAsync(server, "operations");
        var applied = await ops.PostAsJsonAsync("/api/ops/merchants", new
        {
            name = "深圳知付测试游戏厅", licenceNo = "91440300MA5F00002D", legalPersonName = "钱七", legalPersonIdNumber = "110101198001010053",
            mcc = "7994", riskLevel = "high", feeRatePpm = 6000, settlementBank = "CMB", settlementAccountNo = "755900001234567890",
            settlementAccountName = "深圳知付测试游戏厅有限公司", singlePaymentLimitFen = 100_000,
        }, Ct);
        var body = await applied.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(applied.IsSuccessStatusCode, body.ToString());
        var mchId = body.GetProperty("mchId").GetString()!;
        var approved = await risk.PostAsJsonAsync($"/api/ops/merchants/{mchId}/approve", new { note = "高风险，限额经营" }, Ct);
        Assert.True(approved.IsSuccessStatusCode, await approved.Content.ReadAsStringAsync(Ct));
        return mchId;
    }

    /// <summary>A terminal's state as the Operator API reads it back.</summary>
    private static async Task<string> StateAsync(ZhifuTestServer server, string terminalId)
    {
        using var risk = await OperatorAsync(server, "risk");
        var all = await risk.GetFromJsonAsync<JsonElement>("/api/ops/face-terminals", Ct);
        return all.EnumerateArray().Select(t => t.GetProperty("terminal"))
            .Single(t => t.GetProperty("terminalId").GetString() == terminalId).GetProperty("state").GetString()!;
    }

    private static async Task<bool> FacePayEligibleAsync(ZhifuTestServer server, string mchId)
    {
        using var risk = await OperatorAsync(server, "risk");
        var detail = await risk.GetFromJsonAsync<JsonElement>($"/api/ops/merchants/{mchId}", Ct);
        return detail.GetProperty("facePayEligible").GetBoolean();
    }
}
