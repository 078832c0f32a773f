using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Zhifu.Data.Entities;
using Zhifu.Server.Consoles;
using Zhifu.Server.Face;
using Zhifu.Tests.Infrastructure;
using static Zhifu.E2E.FaceKit;
using static Zhifu.E2E.OpsKit;

namespace Zhifu.E2E;

/// <summary>
/// The operator console's face-pay claims pages (issue 10, FACE-6, CS-1, CS-2): 张三's claim that a face payment was not his,
/// taken by service, decided by risk — a missing note said beside it and nothing paid, then 先行赔付 from the risk compensation
/// fund to his balance — and recovered from the merchant by finance, an amount above what was paid refused beside the field;
/// audit reads and cannot act, even by a forged form; a claim where the user is at fault is rejected and moves nothing.
/// </summary>
public sealed class OpsFaceClaimsTests(Browser browser) : IClassFixture<Browser>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Service_takes_a_stolen_payment_claim_risk_compensates_it_from_the_fund_finance_recovers_it_and_audit_only_reads()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var (stolen, claimId) = await ClaimedPaymentAsync(server, "E2E-FACE-CLAIM-1", 2_500, FaceClaimRow.Stolen, "当时我不在店里，不是我付的");
        var balance = await ZhangSanBalanceAsync(server);
        var fund = await FundAsync(server);
        var detail = $"/ops/face/claims/{claimId}";

        var service = await OpsPageAsync(browser, server, "service");
        Assert.Equal(0, await service.Locator("#nav-face-terminals").CountAsync()); // service reads claims, not terminals
        await service.ClickAsync("#nav-face-claims");
        var row = $"#claim-{stolen}";
        await service.WaitForSelectorAsync(row);
        var line = await service.InnerTextAsync(row);
        foreach (var shown in new[] { "知付演示咖啡馆", Cafe, "138****8001", "¥25.00", "非本人刷脸", new FaceOptions().ClaimDepartment, "未分配", "待处理" })
        {
            Assert.Contains(shown, line, StringComparison.Ordinal);
        }
        Assert.DoesNotContain(ZhangSan, line, StringComparison.Ordinal); // the payer's phone masked
        Assert.Matches(@"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", line); // opened and deadline, Asia/Shanghai
        Assert.Equal(0, await service.Locator($"{row} .tag.bad").CountAsync()); // not overdue: seven days to go
        await AssertFitsAsync(service);
        await Browser.ShotAsync(service, "ops-60-face-claims-open");

        await service.ClickAsync($"{row} a[href='{detail}']");
        await service.WaitForSelectorAsync("#assign");
        Assert.Equal("当时我不在店里，不是我付的", await service.InnerTextAsync("#description"));
        Assert.Equal(0, await service.Locator("#decide, #recover").CountAsync()); // risk decides, finance recovers
        await service.ClickAsync("#assign");
        await service.WaitForSelectorAsync("#message >> text=您已成为该申诉的责任人");
        Assert.Equal("service", await service.InnerTextAsync("#assigned-to"));
        await Browser.ShotAsync(service, "ops-61-face-claim-taken");

        var risk = await OpsPageAsync(browser, server, "risk");
        var asked = MerchantKit.AcceptDialogs(risk);
        await risk.GotoAsync(detail);
        await risk.CheckAsync("#compensate");
        await risk.ClickAsync("#decide-submit"); // no note: said beside it, nothing paid
        await risk.WaitForSelectorAsync("#note-error >> text=请填写 2–200 字的处理说明");
        Assert.Contains("¥25.00", asked(), StringComparison.Ordinal); // the confirm says what the fund pays
        Assert.True(await risk.IsCheckedAsync("#compensate")); // the choice stays to be completed
        Assert.Equal(FaceClaimRow.Open, (await ReadClaimAsync(server, claimId)).GetProperty("state").GetString());
        Assert.Equal((balance, fund), (await ZhangSanBalanceAsync(server), await FundAsync(server)));
        await Browser.ShotAsync(risk, "ops-62-face-claim-note-error");

        await risk.FillAsync("#decide-note", "终端录像显示非本人，无法证明用户过错");
        await risk.ClickAsync("#decide-submit");
        await risk.WaitForSelectorAsync("#message >> text=已先行赔付，风险补偿金已支付至用户余额");
        Assert.Equal("已先行赔付", await risk.InnerTextAsync("#claim-state"));
        Assert.Equal("¥25.00", await risk.InnerTextAsync("#compensated"));
        Assert.Equal("追偿中", await risk.InnerTextAsync("#recovery-state"));
        Assert.Equal("终端录像显示非本人，无法证明用户过错", await risk.InnerTextAsync("#decision-note"));
        Assert.Equal("service", await risk.InnerTextAsync("#assigned-to")); // the one who took it stays responsible
        Assert.Equal(0, await risk.Locator("#decide, #assign").CountAsync());
        Assert.Equal(balance + 2_500, await ZhangSanBalanceAsync(server)); // 先行赔付
        Assert.Equal(fund - 2_500, await FundAsync(server));
        await Browser.ShotAsync(risk, "ops-63-face-claim-compensated");

        var finance = await OpsPageAsync(browser, server, "finance");
        MerchantKit.AcceptDialogs(finance);
        await finance.ClickAsync("#nav-face-claims");
        await finance.SelectOptionAsync("#state", FaceText.RecoveryPending);
        await finance.ClickAsync("form.filters button[type=submit]");
        await finance.WaitForSelectorAsync($"{row} >> text=追偿中");
        Assert.Equal(1, await finance.Locator("#claims tbody tr").CountAsync());
        await finance.ClickAsync($"{row} a[href='{detail}']");
        await finance.FillAsync("#amount-yuan", "20.001"); // not yuan and fen: said beside it before anything is asked of the service
        await finance.FillAsync("#recover-note", "终端未按要求做活体检测，商户承担");
        await finance.ClickAsync("#recover-submit");
        await finance.WaitForSelectorAsync("#amount-error >> text=请输入追偿金额（元），如 20.00");
        await finance.FillAsync("#amount-yuan", "25.01"); // more than the fund paid
        await finance.ClickAsync("#recover-submit");
        await finance.WaitForSelectorAsync("#amount-error >> text=追偿方式或金额不正确");
        Assert.Equal("25.01", await finance.InputValueAsync("#amount-yuan"));
        Assert.Equal("终端未按要求做活体检测，商户承担", await finance.InputValueAsync("#recover-note"));
        Assert.Equal(FaceClaimRow.Pursuing, (await ReadClaimAsync(server, claimId)).GetProperty("recoveryState").GetString());
        Assert.Equal(fund - 2_500, await FundAsync(server));
        await Browser.ShotAsync(finance, "ops-64-face-claim-recovery-amount-error");

        await finance.FillAsync("#amount-yuan", "20.00");
        await finance.ClickAsync("#recover-submit");
        await finance.WaitForSelectorAsync("#message >> text=已向商户追回 ¥20.00");
        Assert.Equal("已追回", await finance.InnerTextAsync("#recovery-state"));
        Assert.Equal("¥20.00", await finance.InnerTextAsync("#recovered"));
        Assert.Equal("终端未按要求做活体检测，商户承担", await finance.InnerTextAsync("#recovery-note"));
        Assert.Equal(0, await finance.Locator("#recover").CountAsync());
        Assert.Equal(fund - 500, await FundAsync(server)); // the merchant's pending funds paid ¥20.00 back into the fund
        await Browser.ShotAsync(finance, "ops-65-face-claim-recovered");

        var auditor = await OpsPageAsync(browser, server, "audit");
        await auditor.ClickAsync("#nav-face-claims");
        await auditor.SelectOptionAsync("#state", "all");
        await auditor.ClickAsync("form.filters button[type=submit]");
        await auditor.WaitForSelectorAsync($"{row} >> text=已追回");
        Assert.Contains("已先行赔付", await auditor.InnerTextAsync(row), StringComparison.Ordinal);
        await auditor.ClickAsync($"{row} a[href='{detail}']");
        await auditor.WaitForSelectorAsync("#recovery-note");
        Assert.Equal(0, await auditor.Locator("main form").CountAsync());
        Assert.Equal(403, await ForgedPostAsync(auditor, detail, "Assign", new()));
        Assert.Equal(403, await ForgedPostAsync(auditor, detail, "Recover",
            new() { ["outcome"] = "written-off", ["note"] = "审计代为核销" }));
        await Browser.ShotAsync(auditor, "ops-66-face-claim-audit-read-only");

        await using (var db = server.Database.Options.CreateContext())
        {
            // the pages' calls are the API's audited ones; the refused ones wrote nothing
            var audited = await db.Set<AuditRow>().Where(a => a.Target == stolen).OrderBy(a => a.Action)
                .Select(a => new { a.Action, a.Actor }).ToListAsync(Ct);
            Assert.Equal([("face-claim.assign", "service"), ("face-claim.decide", "risk"), ("face-claim.recover", "finance")],
                audited.Select(a => (a.Action, a.Actor)));
        }
        await AssertLedgerHoldsAsync(server);
    }

    [Fact]
    public async Task Risk_rejects_a_claim_where_the_user_is_at_fault_nothing_moves_and_operations_may_not_see_claims()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var (mistaken, claimId) = await ClaimedPaymentAsync(server, "E2E-FACE-CLAIM-2", 800, FaceClaimRow.Mistaken, "扣款金额不对");
        var balance = await ZhangSanBalanceAsync(server);
        var fund = await FundAsync(server);

        var operations = await OpsPageAsync(browser, server, "ops");
        Assert.Equal(0, await operations.Locator("#nav-face-claims").CountAsync());
        var refused = await operations.GotoAsync("/ops/face/claims");
        Assert.Equal(403, refused!.Status);
        Assert.EndsWith("/ops/denied", operations.Url, StringComparison.Ordinal);

        await using (var db = server.Database.Options.CreateContext())
        {
            // seven days pass unanswered (the test server's clock is the real one)
            await db.Set<FaceClaimRow>().Where(c => c.Id == claimId)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.DeadlineAt, DateTimeOffset.UtcNow.AddMinutes(-1)), Ct);
        }
        var risk = await OpsPageAsync(browser, server, "risk");
        var asked = MerchantKit.AcceptDialogs(risk);
        await risk.ClickAsync("#nav-face-claims");
        await risk.WaitForSelectorAsync($"#overdue-{mistaken} >> text=已超期");
        await AssertFitsAsync(risk);
        await risk.ClickAsync($"#claim-{mistaken} a[href='/ops/face/claims/{claimId}']");
        await risk.WaitForSelectorAsync("#decide");
        Assert.Equal("已超期", await risk.InnerTextAsync("#overdue"));
        await risk.CheckAsync("#reject");
        await risk.FillAsync("#decide-note", "用户将支付口令告知他人代付");
        await risk.ClickAsync("#decide-submit");
        await risk.WaitForSelectorAsync("#message >> text=已驳回申诉");
        Assert.Contains("驳回", asked(), StringComparison.Ordinal);
        Assert.Equal("已驳回", await risk.InnerTextAsync("#claim-state"));
        Assert.Equal("¥0.00", await risk.InnerTextAsync("#compensated"));
        Assert.Equal("risk", await risk.InnerTextAsync("#assigned-to")); // nobody took it: who decided is responsible
        Assert.Equal(0, await risk.Locator("#recovery, main form").CountAsync()); // nothing paid, nothing to recover
        Assert.Equal((balance, fund), (await ZhangSanBalanceAsync(server), await FundAsync(server)));
        await Browser.ShotAsync(risk, "ops-67-face-claim-rejected");

        await risk.GotoAsync($"/lang?to=en&back=/ops/face/claims?state={FaceClaimRow.Rejected}");
        var line = await risk.InnerTextAsync($"#claim-{mistaken}");
        Assert.Contains("charged wrongly", line, StringComparison.Ordinal);
        Assert.Contains("rejected", line, StringComparison.Ordinal);
        Assert.Contains("Page 1, 1 claims", await risk.InnerTextAsync("#page-info"), StringComparison.Ordinal);
        Assert.Equal(0, await risk.Locator($"#overdue-{mistaken}").CountAsync()); // decided: no longer overdue
        await Browser.ShotAsync(risk, "ops-68-face-claims-rejected-english");
        await AssertFitsAsync(risk);

        var finance = await OpsPageAsync(browser, server, "finance");
        await finance.GotoAsync($"/ops/face/claims/{claimId}");
        Assert.Equal(0, await finance.Locator("main form").CountAsync()); // no recovery to conclude
        await AssertLedgerHoldsAsync(server);
    }

    /// <summary>张三 enrolled with demo face 1 pays the café by face at its certified terminal and claims the payment.</summary>
    private static async Task<(string TransactionId, Guid ClaimId)> ClaimedPaymentAsync(ZhifuTestServer server, string outTradeNo,
        long amountFen, string kind, string description)
    {
        using var key = RSA.Create(2048);
        var terminalId = await CertifiedTerminalAsync(server, key);
        await EnrolAsync(server, ZhangSan, SyntheticFaces.Demo(1));
        var transactionId = await PayAsync(server, terminalId, key, SyntheticFaces.Capture(1), outTradeNo, amountFen);
        return (transactionId, await FaceKit.ClaimAsync(server, ZhangSan, transactionId, kind, description));
    }

    private static async Task<long> ZhangSanBalanceAsync(ZhifuTestServer server)
    {
        using var zhang = await WalletAsync(server, ZhangSan);
        return await BalanceAsync(zhang);
    }

    /// <summary>The risk compensation fund's balance as finance reads it.</summary>
    private static async Task<long> FundAsync(ZhifuTestServer server)
    {
        using var finance = await OperatorAsync(server, "finance");
        var accounts = await finance.GetFromJsonAsync<JsonElement>("/api/ops/ledger/institution-accounts", Ct);
        return accounts.EnumerateArray().Single(a => a.GetProperty("key").GetString() == "risk-compensation-fund")
            .GetProperty("balanceFen").GetInt64();
    }

    /// <summary>A claim as the Operator API reads it back.</summary>
    private static async Task<JsonElement> ReadClaimAsync(ZhifuTestServer server, Guid claimId)
    {
        using var audit = await OperatorAsync(server, "audit");
        return await audit.GetFromJsonAsync<JsonElement>($"/api/ops/face-claims/{claimId}", Ct);
    }

    /// <summary>A form posted to the claim's page with the signed-in operator's own antiforgery token (the sign-out form's).</summary>
    private static Task<int> ForgedPostAsync(IPage page, string path, string handler, Dictionary<string, string> fields) =>
        page.EvaluateAsync<int>("""
            async ([url, fields]) => {
                const token = document.querySelector('input[name=__RequestVerificationToken]').value;
                const body = new URLSearchParams({ ...fields, __RequestVerificationToken: token });
                return (await fetch(url, { method: 'POST', body })).status;
            }
            """, new object[] { $"{path}?handler={handler}", fields });

    /// <summary>The list's columns fit the console's 1,280 px without a horizontal scrollbar.</summary>
    private static Task AssertFitsAsync(IPage page) => WalletKit.AssertFitsAsync(page, 1280);

    private static async Task AssertLedgerHoldsAsync(ZhifuTestServer server)
    {
        using var finance = await OperatorAsync(server, "finance");
        var report = await finance.GetFromJsonAsync<JsonElement>("/api/ops/ledger/verify", Ct);
        Assert.True(report.GetProperty("allHold").GetBoolean(), report.ToString());
    }
}
