using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Core.Ledger;
using Zhifu.Data.Entities;
using Zhifu.Server.Face;
using Zhifu.Server.Ledger;
using Zhifu.Server.Notifications;
using Zhifu.Tests.Lifecycle;
using Zhifu.Tests.MerchantApi;
using Zhifu.Tests.Transfers;

namespace Zhifu.Tests.Face;

/// <summary>
/// FACE-6 (with CS-1, CS-2) through real HTTP: a user claims a face payment was not theirs; a case opens with the responsible
/// department and a deadline; unless the user's fault is shown the risk compensation fund pays first (a ledger transfer,
/// `verify` holding) and the merchant can no longer refund the same payment; finance recovers it from the merchant's pending
/// funds; a claim where the user's fault is shown moves nothing; a decision recorded but not yet posted is posted on resume.
/// </summary>
public sealed class FaceClaimTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_stolen_face_payment_is_paid_first_from_the_fund_then_recovered_from_the_merchant()
    {
        await using var server = await TransferKit.StartAsync();
        var (terminalId, zhang, payAsync) = await FacePayerAsync(server, 23);
        var stolen = await payAsync("FACE-CLAIM-01", 2_500);
        var afterPayment = (await zhang.BalanceAsync()).Balance;
        var fund = Fund(server);
        var pending = await MerchantPendingAsync(server);

        // the user's side: what may be claimed, the refusals by the field, then the claim
        var listed = await zhang.Wallet.GetFromJsonAsync<JsonElement>("/api/wallet/face/claims", Ct);
        Assert.Equal(stolen, listed.GetProperty("claimable")[0].GetProperty("transactionId").GetString());
        Assert.Equal("FACE_CLAIM_INVALID_KIND", await CodeAsync(await zhang.Wallet.PostAsJsonAsync("/api/wallet/face/claims",
            new { transactionId = stolen, kind = "other", description = "不是我付的" }, Ct)));
        Assert.Equal("FACE_CLAIM_INVALID_DESCRIPTION", await CodeAsync(await zhang.Wallet.PostAsJsonAsync("/api/wallet/face/claims",
            new { transactionId = stolen, kind = "stolen", description = "x" }, Ct)));
        Assert.Equal("FACE_CLAIM_NOT_ALLOWED", await CodeAsync(await zhang.Wallet.PostAsJsonAsync("/api/wallet/face/claims",
            new { transactionId = "4200000000000000000000000000", kind = "stolen", description = "不是我付的" }, Ct)));
        var opened = await zhang.Wallet.PostAsJsonAsync("/api/wallet/face/claims",
            new { transactionId = stolen, kind = "stolen", description = "当时我不在店里，不是我付的", withdrawFace = true }, Ct);
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var claim = await opened.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var claimId = claim.GetProperty("id").GetGuid();
        Assert.Equal("open", claim.GetProperty("state").GetString());
        Assert.Equal(new FaceOptions().ClaimDepartment, claim.GetProperty("department").GetString());
        Assert.Equal(terminalId, claim.GetProperty("terminalId").GetString());
        Assert.False(string.IsNullOrEmpty(claim.GetProperty("deadline").GetString()));
        Assert.Equal("FACE_CLAIM_NOT_ALLOWED", await CodeAsync(await zhang.Wallet.PostAsJsonAsync("/api/wallet/face/claims",
            new { transactionId = stolen, kind = "stolen", description = "再次申诉" }, Ct))); // once per payment
        var status = await zhang.Wallet.GetFromJsonAsync<JsonElement>("/api/wallet/face", Ct);
        Assert.Equal("withdrawn", status.GetProperty("state").GetString()); // "not me": the face stops paying at once
        Assert.Contains(await LatestSmsAsync(server, DemoCards.ZhangSan.Phone), s => s.Contains(new FaceOptions().ClaimDepartment));

        // the operators' side: audit reads, cannot decide; service takes it; a decision needs a note; risk decides
        using var audit = await LifecycleClient.OperatorAsync(server, "audit");
        var cases = await audit.GetFromJsonAsync<JsonElement>("/api/ops/face-claims?state=open", Ct);
        Assert.Equal(1, cases.GetProperty("total").GetInt32());
        Assert.Equal("138****8001", cases.GetProperty("rows")[0].GetProperty("payerPhone").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await audit.PostAsJsonAsync($"/api/ops/face-claims/{claimId}/decide",
            new { userAtFault = false, note = "查无本人操作" }, Ct)).StatusCode);
        using (var service = await LifecycleClient.OperatorAsync(server, "service"))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await service.PostAsync($"/api/ops/face-claims/{claimId}/assign", null, Ct)).StatusCode);
        }
        using var risk = await LifecycleClient.OperatorAsync(server, "risk");
        Assert.Equal("FACE_CLAIM_NOTE_REQUIRED", await CodeAsync(await risk.PostAsJsonAsync($"/api/ops/face-claims/{claimId}/decide",
            new { userAtFault = false, note = "" }, Ct)));
        Assert.Equal("FACE_CLAIM_DECISION_REQUIRED", await CodeAsync(await risk.PostAsJsonAsync($"/api/ops/face-claims/{claimId}/decide",
            new { note = "漏填了决定" }, Ct))); // a missing decision is never read as "compensate"
        Assert.Equal("FACE_CLAIM_BUSY", await CodeAsync(await risk.PostAsJsonAsync($"/api/ops/face-claims/{claimId}/decide",
            new { userAtFault = false, note = "确认的金额不对", expectedFen = 2_400 }, Ct))); // not what the fund would pay
        Assert.Equal(fund, Fund(server));
        Assert.Equal(HttpStatusCode.NoContent, (await risk.PostAsJsonAsync($"/api/ops/face-claims/{claimId}/decide",
            new { userAtFault = false, note = "终端录像显示非本人，无法证明用户过错", expectedFen = 2_500 }, Ct)).StatusCode);
        Assert.Equal("FACE_CLAIM_NOT_OPEN", await CodeAsync(await risk.PostAsJsonAsync($"/api/ops/face-claims/{claimId}/decide",
            new { userAtFault = false, note = "再来一次" }, Ct)));
        Assert.Equal(afterPayment + 2_500, (await zhang.BalanceAsync()).Balance); // 先行赔付
        Assert.Equal(fund - 2_500, Fund(server));
        var decided = await risk.GetFromJsonAsync<JsonElement>($"/api/ops/face-claims/{claimId}", Ct);
        Assert.Equal("compensated", decided.GetProperty("state").GetString());
        Assert.Equal("pursuing", decided.GetProperty("recoveryState").GetString());
        Assert.Equal("service", decided.GetProperty("assignedTo").GetString());
        var mine = (await zhang.Wallet.GetFromJsonAsync<JsonElement>("/api/wallet/face/claims", Ct)).GetProperty("claims")[0];
        Assert.Equal(2_500, mine.GetProperty("compensatedFen").GetInt64());
        Assert.Equal(JsonValueKind.Null, mine.GetProperty("decidedBy").ValueKind); // the user sees the outcome, not the operator

        // the merchant cannot refund what the fund already paid (the user would be paid twice)
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        var refund = await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds",
            RefundFlowTests.Refund(outRefundNo: "R-FACE-01", refundFen: 2_500, totalFen: 2_500, transactionId: stolen));
        Assert.Equal(400, (int)refund.Response.StatusCode);
        Assert.Equal(afterPayment + 2_500, (await zhang.BalanceAsync()).Balance);

        // recovery: finance only, at most what was paid, from the merchant's pending settlement funds into the fund
        Assert.Equal(HttpStatusCode.Forbidden, (await risk.PostAsJsonAsync($"/api/ops/face-claims/{claimId}/recovery",
            new { outcome = "merchant", amountFen = 2_500, note = "终端商户承担" }, Ct)).StatusCode);
        using var finance = await LifecycleClient.OperatorAsync(server, "finance");
        Assert.Equal("FACE_RECOVERY_INVALID", await CodeAsync(await finance.PostAsJsonAsync($"/api/ops/face-claims/{claimId}/recovery",
            new { outcome = "merchant", amountFen = 2_501, note = "终端商户承担" }, Ct)));
        // the merchant's pending funds hold this payment less its fee: the whole 2,500 cannot be taken, and nothing changes
        Assert.Equal("FACE_RECOVERY_MERCHANT_SHORT", await CodeAsync(await finance.PostAsJsonAsync($"/api/ops/face-claims/{claimId}/recovery",
            new { outcome = "merchant", amountFen = 2_500, note = "终端商户承担" }, Ct)));
        Assert.Equal(fund - 2_500, Fund(server));
        Assert.Equal(HttpStatusCode.NoContent, (await finance.PostAsJsonAsync($"/api/ops/face-claims/{claimId}/recovery",
            new { outcome = "merchant", amountFen = 2_000, note = "终端未按要求做活体检测，商户承担" }, Ct)).StatusCode);
        Assert.Equal(fund - 500, Fund(server));
        Assert.Equal(pending - 2_000, await MerchantPendingAsync(server));
        Assert.Equal("FACE_RECOVERY_NOT_PENDING", await CodeAsync(await finance.PostAsJsonAsync($"/api/ops/face-claims/{claimId}/recovery",
            new { outcome = "written-off", amountFen = 0, note = "再来一次" }, Ct)));
        await using (var db = server.Database.Options.CreateContext())
        {
            var actions = await db.Set<AuditRow>().Where(a => a.Target == stolen).Select(a => a.Action).ToListAsync(Ct);
            Assert.Equal(["face-claim.assign", "face-claim.decide", "face-claim.recover"], actions.Order());
        }
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task A_claim_where_the_user_is_at_fault_moves_nothing_and_a_recorded_compensation_is_posted_on_resume()
    {
        await using var server = await TransferKit.StartAsync();
        var (_, zhang, payAsync) = await FacePayerAsync(server, 29);
        var first = await payAsync("FACE-CLAIM-11", 800);
        var second = await payAsync("FACE-CLAIM-12", 1_200);
        var balance = (await zhang.BalanceAsync()).Balance;
        var fund = Fund(server);

        async Task<Guid> ClaimAsync(string transactionId) => (await (await zhang.Wallet.PostAsJsonAsync("/api/wallet/face/claims",
            new { transactionId, kind = "mistaken", description = "扣款金额不对" }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct))
            .GetProperty("id").GetGuid();
        var atFault = await ClaimAsync(first);
        using var risk = await LifecycleClient.OperatorAsync(server, "risk");
        Assert.Equal(HttpStatusCode.NoContent, (await risk.PostAsJsonAsync($"/api/ops/face-claims/{atFault}/decide",
            new { userAtFault = true, note = "用户将支付口令告知他人代付" }, Ct)).StatusCode);
        Assert.Equal(balance, (await zhang.BalanceAsync()).Balance);
        Assert.Equal(fund, Fund(server));
        var rejected = (await zhang.Wallet.GetFromJsonAsync<JsonElement>("/api/wallet/face/claims", Ct)).GetProperty("claims")
            .EnumerateArray().Single(c => c.GetProperty("id").GetGuid() == atFault);
        Assert.Equal("rejected", rejected.GetProperty("state").GetString());
        Assert.Equal("用户将支付口令告知他人代付", rejected.GetProperty("decisionNote").GetString());

        // the process stopped after recording a compensation and before posting it: resuming posts it, once
        var recorded = await ClaimAsync(second);
        await using (var db = server.Database.Options.CreateContext())
        {
            var row = await db.Set<FaceClaimRow>().FirstAsync(c => c.Id == recorded, Ct);
            (row.State, row.CompensatedFen, row.CompensationTransferId, row.RecoveryState) =
                (FaceClaimRow.Compensated, 1_200, Guid.CreateVersion7(), FaceClaimRow.Pursuing);
            await db.SaveChangesAsync(Ct);
        }
        Assert.Equal(balance, (await zhang.BalanceAsync()).Balance);
        using var finance = await LifecycleClient.OperatorAsync(server, "finance");
        Assert.Equal("FACE_RECOVERY_NOT_PENDING", await CodeAsync(await finance.PostAsJsonAsync($"/api/ops/face-claims/{recorded}/recovery",
            new { outcome = "written-off", amountFen = 0, note = "尚未赔付不能追偿" }, Ct))); // nothing paid yet, nothing to recover
        var claims = server.Services.GetRequiredService<FaceClaims>();
        Assert.Equal(1, await claims.ResumeAsync(Ct));
        Assert.Equal(0, await claims.ResumeAsync(Ct));
        Assert.Equal(balance + 1_200, (await zhang.BalanceAsync()).Balance);
        Assert.Equal(fund - 1_200, Fund(server));

        // written off: the fund bears it, nothing moves
        Assert.Equal(HttpStatusCode.NoContent, (await finance.PostAsJsonAsync($"/api/ops/face-claims/{recorded}/recovery",
            new { outcome = "written-off", amountFen = 0, note = "盗刷者无法追回，风险补偿金承担" }, Ct)).StatusCode);
        Assert.Equal(fund - 1_200, Fund(server));
        var pursuing = await finance.GetFromJsonAsync<JsonElement>("/api/ops/face-claims?pursuing=true", Ct);
        Assert.Equal(0, pursuing.GetProperty("total").GetInt32());
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task A_refund_in_flight_holds_the_decision_and_a_refused_recorded_compensation_reopens_the_claim()
    {
        await using var server = await TransferKit.StartAsync();
        var (_, zhang, payAsync) = await FacePayerAsync(server, 31);
        var refunding = await payAsync("FACE-CLAIM-21", 3_000);
        var other = await payAsync("FACE-CLAIM-22", 1_000);
        var fund = Fund(server);

        // the café reviews its refunds: a refund of the first payment waits, and could still be rejected
        using (var admin = await FaceTerminalTests.StaffAsync(server, "cafe-admin"))
        {
            (await admin.PutAsJsonAsync("/api/merchant/settings/refund-review", new { required = true }, Ct)).EnsureSuccessStatusCode();
        }
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        var refund = await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds",
            RefundFlowTests.Refund(outRefundNo: "R-FACE-21", refundFen: 1_000, totalFen: 3_000, transactionId: refunding));
        Assert.Equal("PROCESSING", JsonDocument.Parse(refund.Body).RootElement.GetProperty("status").GetString());
        async Task<Guid> ClaimAsync(string transactionId) => (await (await zhang.Wallet.PostAsJsonAsync("/api/wallet/face/claims",
            new { transactionId, kind = "stolen", description = "不是我付的" }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct))
            .GetProperty("id").GetGuid();
        var waiting = await ClaimAsync(refunding);
        using var risk = await LifecycleClient.OperatorAsync(server, "risk");
        Assert.Equal("FACE_CLAIM_REFUND_PENDING", await CodeAsync(await risk.PostAsJsonAsync($"/api/ops/face-claims/{waiting}/decide",
            new { userAtFault = false, note = "无法证明用户过错" }, Ct)));
        Assert.Equal(fund, Fund(server));

        // a recorded compensation the ledger refuses when resumed (more than the fund holds) is undone: the claim is open again
        var refused = await ClaimAsync(other);
        await using (var db = server.Database.Options.CreateContext())
        {
            var row = await db.Set<FaceClaimRow>().FirstAsync(c => c.Id == refused, Ct);
            (row.State, row.CompensatedFen, row.CompensationTransferId, row.RecoveryState) =
                (FaceClaimRow.Compensated, fund + 1, Guid.CreateVersion7(), FaceClaimRow.Pursuing);
            await db.SaveChangesAsync(Ct);
        }
        var balance = (await zhang.BalanceAsync()).Balance;
        Assert.Equal(1, await server.Services.GetRequiredService<FaceClaims>().ResumeAsync(Ct));
        var reopened = await risk.GetFromJsonAsync<JsonElement>($"/api/ops/face-claims/{refused}", Ct);
        Assert.Equal("open", reopened.GetProperty("state").GetString());
        Assert.Equal(0, reopened.GetProperty("compensatedFen").GetInt64());
        Assert.Equal(balance, (await zhang.BalanceAsync()).Balance);
        Assert.Equal(fund, Fund(server));
        await using (var db = server.Database.Options.CreateContext())
        {
            Assert.True(await db.Set<AuditRow>().AnyAsync(a => a.Target == other && a.Action == "face-claim.decide-undone", Ct));
            Assert.True(await db.Adjustments.AnyAsync(a => a.Kind == FaceClaims.CompensationKind, Ct)); // recorded, then refused
        }
        // the refused compensation is no statement line, and a page of one still brings the adjustment behind it
        var adjustments = (await zhang.Wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me/statement?kind=adjustment&limit=1", Ct))
            .GetProperty("entries");
        Assert.Equal("调账", Assert.Single(adjustments.EnumerateArray()).GetProperty("title").GetString()); // the test's funding
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    /// <summary>A certified terminal of the whitelisted demo café, and 张三 enrolled with a face of <paramref name="seed"/>,
    /// funded, paying there by face with his passcode (out_trade_no, amount → transaction id).</summary>
    private static async Task<(string TerminalId, Party Zhang, Func<string, long, Task<string>> PayAsync)> FacePayerAsync(
        ClockedServer server, int seed)
    {
        var (terminalId, key) = await FacePaymentTests.CertifiedTerminalAsync(server);
        var random = new Random(seed);
        var face = FaceVectors.Unit(random);
        var zhang = await FacePaymentTests.EnrolAsync(server, DemoCards.ZhangSan, face, "135790");
        await zhang.FundAsync(10_000);
        var capture = FaceVectors.Toward(face, FaceVectors.Unit(random), 0.9f);
        return (terminalId, zhang, (outTradeNo, amountFen) =>
            FacePaymentTests.PayAsync(server, terminalId, key, capture, "135790", outTradeNo, amountFen));
    }

    private static long Fund(ClockedServer server) => server.Services.GetRequiredService<InstitutionChart>().Balances()
        .Single(b => b.Key == InstitutionChart.RiskCompensationFund).BalanceFen;

    private static async Task<long> MerchantPendingAsync(ClockedServer server)
    {
        await using var db = server.Database.Options.CreateContext();
        var account = await db.Merchants.Where(m => m.MchId == "1230000109").Select(m => m.PendingAccountId).FirstAsync(Ct);
        return server.Services.GetRequiredService<ILedger>().GetAccount(account)!.Value.PostedCreditBalance;
    }

    private static async Task<string?> CodeAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString();

    private static async Task<IReadOnlyList<string>> LatestSmsAsync(ClockedServer server, string phone) =>
        [.. (await server.Services.GetRequiredService<SmsOutbox>().ReadAsync(phone, 5, Ct)).Select(t => t.Body)];
}
