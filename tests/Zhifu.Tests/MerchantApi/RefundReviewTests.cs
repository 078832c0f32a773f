using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Core.Ledger;
using Zhifu.Data.Entities;
using Zhifu.Data.Ledger;
using Zhifu.Server.Accounts;
using Zhifu.Server.Payments.Refunds;
using Zhifu.Tests.Infrastructure;
using static Zhifu.Tests.Hosting.OperatorApiTests;
using static Zhifu.Tests.MerchantApi.MerchantKit;
using static Zhifu.Tests.MerchantApi.RefundFlowTests;

namespace Zhifu.Tests.MerchantApi;

/// <summary>PAY-4 (退款审核), MER-5, SEC-2: refunds wait for a reviewer in the merchant console; roles are enforced on the server.</summary>
public sealed class RefundReviewTests
{
    [Fact]
    public async Task Refund_under_review_holds_the_money_until_finance_approves_and_a_rejected_one_closes_and_frees_the_amount()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        using var notify = new NotifyReceiver();
        await PaidOrderAsync(server, merchant, "ORDER-review-01", 2_000, notify.Url);
        await notify.NextAsync(TimeSpan.FromSeconds(10));
        using var admin = await StaffAsync(server, "cafe-admin");
        using var finance = await StaffAsync(server, "cafe-finance");
        using var cashier = await StaffAsync(server, "cafe-cashier");
        await AssertProblemAsync(await cashier.PutAsJsonAsync("/api/merchant/settings/refund-review", new { required = true }, Ct), 403,
            "MERCHANT_ROLE_FORBIDDEN");
        Assert.Equal(200, (int)(await admin.PutAsJsonAsync("/api/merchant/settings/refund-review",
            new { required = true }, Ct)).StatusCode);

        var before = await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone);
        var applied = await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds",
            Refund(outTradeNo: "ORDER-review-01", outRefundNo: "RV-01-a", refundFen: 500, totalFen: 2_000, notifyUrl: notify.Url));
        var refund = JsonDocument.Parse(applied.Body).RootElement;
        Assert.Equal("PROCESSING", refund.GetProperty("status").GetString());
        var refundId = refund.GetProperty("refund_id").GetString()!;
        Assert.Equal(before, await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone)); // nothing arrived yet
        Assert.Equal(500, await PendingInAsync(server, DemoCards.ZhangSan.Phone)); // but it is held for the payer

        var awaiting = await cashier.GetFromJsonAsync<JsonElement>("/api/merchant/refunds?review=awaiting", Ct);
        Assert.True(awaiting.GetArrayLength() == 1 && awaiting[0].GetProperty("refundId").GetString() == refundId, awaiting.ToString());
        await AssertProblemAsync(await cashier.PostAsJsonAsync($"/api/merchant/refunds/{refundId}/approve", new { note = "ok" }, Ct), 403,
            "MERCHANT_ROLE_FORBIDDEN");
        var approved = await finance.PostAsJsonAsync($"/api/merchant/refunds/{refundId}/approve", new { note = "顾客退货已收" }, Ct);
        Assert.Equal("SUCCESS", (await approved.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString());
        Assert.Equal(before + 500, await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone));
        await AssertProblemAsync(await finance.PostAsJsonAsync($"/api/merchant/refunds/{refundId}/reject", new { note = "" }, Ct), 409,
            "REFUND_NOT_AWAITING_REVIEW");
        var success = await notify.NextAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("REFUND.SUCCESS", JsonDocument.Parse(success.Body).RootElement.GetProperty("event_type").GetString());

        // the cashier asks for the rest from the console; finance rejects it; the amount can be refunded again
        var requested = await cashier.PostAsJsonAsync("/api/merchant/refunds",
            new { requestId = "RV-01-b", outTradeNo = "ORDER-review-01", amountFen = 1_500, reason = "顾客要求" }, Ct);
        Assert.True(requested.IsSuccessStatusCode, await requested.Content.ReadAsStringAsync(Ct));
        var second = (await requested.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("refundId").GetString()!;
        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds",
            Refund(outTradeNo: "ORDER-review-01", outRefundNo: "RV-01-c", refundFen: 1, totalFen: 2_000)), 400, "INVALID_REQUEST");
        Assert.Equal(200, (int)(await finance.PostAsJsonAsync($"/api/merchant/refunds/{second}/reject",
            new { note = "未退货" }, Ct)).StatusCode);
        var closed = await merchant.SendAsync(HttpMethod.Get, "/v3/refund/domestic/refunds/RV-01-b");
        Assert.Equal("CLOSED", JsonDocument.Parse(closed.Body).RootElement.GetProperty("status").GetString());
        Assert.Equal(0, await PendingInAsync(server, DemoCards.ZhangSan.Phone));
        Assert.Equal(before + 500, await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone));
        var closedCallback = JsonDocument.Parse((await notify.NextAsync(TimeSpan.FromSeconds(10))).Body).RootElement;
        Assert.Equal("REFUND.CLOSED", closedCallback.GetProperty("event_type").GetString());
        Assert.Equal(200, (int)(await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds",
            Refund(outTradeNo: "ORDER-review-01", outRefundNo: "RV-01-d", refundFen: 1_500, totalFen: 2_000))).Response.StatusCode);

        // SEC-1: the decisions are in the audit log
        await using var db = server.Database.Options.CreateContext();
        var actions = await db.Set<AuditRow>().Where(a => a.Actor.StartsWith("merchant:")).Select(a => a.Action).ToListAsync(Ct);
        Assert.Contains("refund.approve", actions);
        Assert.Contains("refund.reject", actions);
        Assert.Contains("merchant.refund-review", actions);
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task PAY4_review_switched_on_by_another_server_process_holds_the_very_next_refund()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        await PaidOrderAsync(server, merchant, "ORDER-review-09", 2_000, "http://127.0.0.1:9/notify");
        var first = await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds",
            Refund(outTradeNo: "ORDER-review-09", outRefundNo: "RV-09-a", refundFen: 500, totalFen: 2_000));
        Assert.Equal("SUCCESS", JsonDocument.Parse(first.Body).RootElement.GetProperty("status").GetString()); // no review; merchant cached
        // the merchant's admin switches review on through another replica: this process's merchant cache is not told
        await using (var db = server.Database.Options.CreateContext())
        {
            Assert.Equal(1, await db.Merchants.Where(m => m.MchId == merchant.MchId)
                .ExecuteUpdateAsync(set => set.SetProperty(m => m.RefundReviewRequired, true), Ct));
        }
        var before = await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone);
        var next = await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds",
            Refund(outTradeNo: "ORDER-review-09", outRefundNo: "RV-09-b", refundFen: 500, totalFen: 2_000));
        Assert.Equal("PROCESSING", JsonDocument.Parse(next.Body).RootElement.GetProperty("status").GetString());
        Assert.Equal(before, await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone)); // held for the reviewer
        Assert.Equal(500, await PendingInAsync(server, DemoCards.ZhangSan.Phone));
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task PAY4_a_refund_that_closed_undecided_after_an_interruption_cannot_be_reviewed_and_frees_its_amount_once()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var server = await ZhifuTestServer.StartAsync(database, "--Payments:PayingRecoverySeconds=1");
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        using var notify = new NotifyReceiver();
        await PaidOrderAsync(server, merchant, "ORDER-review-cut", 2_000, notify.Url);
        using (var admin = await StaffAsync(server, "cafe-admin"))
        {
            Assert.Equal(200, (int)(await admin.PutAsJsonAsync("/api/merchant/settings/refund-review", new { required = true }, Ct)).StatusCode);
        }
        await DrainPendingAsync(server, merchant.MchId, "PAY-4 interrupted refund test"); // the refund's hold will be refused

        // The refund is recorded and the process stops before its hold reaches the ledger (the ledger stops here).
        server.Services.GetRequiredService<LedgerWriter>().Dispose();
        var applied = await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds",
            Refund(outTradeNo: "ORDER-review-cut", outRefundNo: "RV-cut-a", refundFen: 500, totalFen: 2_000, notifyUrl: notify.Url));
        Assert.Equal("PROCESSING", JsonDocument.Parse(applied.Body).RootElement.GetProperty("status").GetString());
        var refundId = JsonDocument.Parse(applied.Body).RootElement.GetProperty("refund_id").GetString()!;

        // After the restart the worker submits the hold again; the ledger refuses it, and the refund closes, undecided.
        await server.RestartAsync();
        PaymentRefundRow refund;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            await using var db = server.Database.Options.CreateContext();
            refund = await db.Set<PaymentRefundRow>().AsNoTracking().SingleAsync(r => r.RefundId == refundId, Ct);
            if (refund.Status != "PROCESSING" || waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                break;
            }
            await Task.Delay(100, Ct);
        }
        Assert.Equal(("CLOSED", "lapsed"), (refund.Status, refund.Review));

        // Nothing to review: approving or rejecting it is refused, and its amount is not given back a second time.
        using var finance = await StaffAsync(server, "cafe-finance");
        await AssertProblemAsync(await finance.PostAsJsonAsync($"/api/merchant/refunds/{refundId}/approve", new { note = "" }, Ct), 409,
            "REFUND_NOT_AWAITING_REVIEW");
        await AssertProblemAsync(await finance.PostAsJsonAsync($"/api/merchant/refunds/{refundId}/reject", new { note = "" }, Ct), 409,
            "REFUND_NOT_AWAITING_REVIEW");
        Assert.Equal(0, (await finance.GetFromJsonAsync<JsonElement>("/api/merchant/refunds?review=awaiting", Ct)).GetArrayLength());
        await using (var db = server.Database.Options.CreateContext())
        {
            var order = await db.Set<PaymentOrderRow>().AsNoTracking().SingleAsync(o => o.Id == refund.OrderId, Ct);
            Assert.Equal((0L, 0), (order.RefundedFen, order.RefundCount - 1)); // the closed refund still counts as asked
            Assert.Equal(1, await db.Set<PaymentNotificationRow>().CountAsync(n => n.RecordId == refund.Id && n.EventType == "REFUND.CLOSED", Ct));
        }
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task PAY4_a_worker_holding_the_refunds_older_hold_request_leaves_the_reviewers_decision_in_flight()
    {
        await using var database = await TestDatabase.CreateAsync();
        string refundId;
        long before;
        await using (var server = await ZhifuTestServer.StartAsync(database))
        {
            var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
            using var notify = new NotifyReceiver();
            await PaidOrderAsync(server, merchant, "ORDER-review-stale", 2_000, notify.Url);
            using var admin = await StaffAsync(server, "cafe-admin");
            Assert.Equal(200, (int)(await admin.PutAsJsonAsync("/api/merchant/settings/refund-review", new { required = true }, Ct)).StatusCode);
            var applied = await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds",
                Refund(outTradeNo: "ORDER-review-stale", outRefundNo: "RV-stale-a", refundFen: 500, totalFen: 2_000));
            refundId = JsonDocument.Parse(applied.Body).RootElement.GetProperty("refund_id").GetString()!;
            // Finance approves; the process stops before the approval reaches the ledger (the ledger stops here).
            server.Services.GetRequiredService<LedgerWriter>().Dispose();
            using var finance = await StaffAsync(server, "cafe-finance");
            Assert.Equal(200, (int)(await finance.PostAsJsonAsync($"/api/merchant/refunds/{refundId}/approve", new { note = "" }, Ct)).StatusCode);
        }
        await using (var server = await ZhifuTestServer.StartAsync(database))
        {
            // A worker that read the refund before the approval was stored submits its hold request again ("exists") and records it.
            await using var db = server.Database.Options.CreateContext();
            var refund = await db.Set<PaymentRefundRow>().AsNoTracking().SingleAsync(r => r.RefundId == refundId, Ct);
            var approval = refund.ChainJson;
            Assert.NotNull(approval);
            var order = await db.Set<PaymentOrderRow>().AsNoTracking().SingleAsync(o => o.Id == refund.OrderId, Ct);
            var hold = server.Services.GetRequiredService<RefundLedger>().Moves(refund,
                await db.Merchants.AsNoTracking().SingleAsync(m => m.Id == refund.MerchantId, Ct),
                await db.Users.AsNoTracking().SingleAsync(u => u.Id == order.PayerUserId, Ct), hold: true);
            var (stale, _) = await server.Services.GetRequiredService<PaymentRefunds>().CommitAsync(refund.Id, hold, firstTry: false);
            Assert.Equal("PROCESSING", stale!.Status);
            var after = await db.Set<PaymentRefundRow>().AsNoTracking().SingleAsync(r => r.Id == refund.Id, Ct);
            Assert.Equal(approval, after.ChainJson); // the approval is still in flight, for its recovery to submit
            Assert.NotNull(after.SubmittedAt);
            before = await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone);
        }
        await using (var server = await ZhifuTestServer.StartAsync(database, "--Payments:PayingRecoverySeconds=1"))
        {
            // …and the recovery submits it: the payer gets the money.
            var waited = System.Diagnostics.Stopwatch.StartNew();
            string status;
            do
            {
                await Task.Delay(100, Ct);
                await using var db = server.Database.Options.CreateContext();
                status = (await db.Set<PaymentRefundRow>().AsNoTracking().SingleAsync(r => r.RefundId == refundId, Ct)).Status;
            }
            while (status == "PROCESSING" && waited.Elapsed < TimeSpan.FromSeconds(30));
            Assert.Equal("SUCCESS", status);
            Assert.Equal(before + 500, await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone));
            Assert.Equal(0, await PendingInAsync(server, DemoCards.ZhangSan.Phone));
            Assert.True((await server.VerifyAsync()).AllHold);
        }
    }

    [Fact]
    public async Task Merchant_console_sign_in_refuses_wrong_passwords_and_anonymous_calls()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        using var client = server.Client();
        await AssertProblemAsync(await client.GetAsync("/api/merchant/refunds", Ct), 401, "MERCHANT_SIGN_IN_REQUIRED");
        await AssertProblemAsync(await MerchantStaffSignIn.LoginAsync(client, "cafe-admin", "nope", Ct), 401, "MERCHANT_BAD_CREDENTIALS");
        await AssertProblemAsync(await MerchantStaffSignIn.LoginAsync(client, "", "", Ct), 400, "INVALID_REQUEST");
        // MER-2: no captcha, or a wrong one, and the password is not even checked; a captcha is used once
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/merchant/auth/login",
            new { username = "cafe-admin", password = "Shop@2026" }, Ct), 400, "CAPTCHA_INVALID");
        await AssertProblemAsync(await MerchantStaffSignIn.LoginAsync(client, "cafe-admin", "Shop@2026", Ct, captcha: "XXXXX"), 400,
            "CAPTCHA_INVALID");
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/merchant/auth/login",
            new { username = "cafe-admin", password = "Shop@2026", captcha = MerchantStaffSignIn.Captcha }, Ct), 400, "CAPTCHA_INVALID");
        await AssertProblemAsync(await client.GetAsync("/api/merchant/refunds", Ct), 401, "MERCHANT_SIGN_IN_REQUIRED");
        using var admin = await StaffAsync(server, "cafe-admin");
        await AssertProblemAsync(await admin.GetAsync("/api/merchant/refunds?limit=1000", Ct), 400, "INVALID_LIMIT");
        await AssertProblemAsync(await admin.PostAsJsonAsync("/api/merchant/refunds/50000/approve", new { note = "" }, Ct),
            404, "REFUND_NOT_FOUND");
    }

    [Fact]
    public async Task PAY4_the_staff_member_who_requested_a_refund_cannot_approve_it_another_reviewer_can()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        await PaidOrderAsync(server, merchant, "ORDER-review-maker", 2_000, "http://127.0.0.1:9/notify");
        using var admin = await StaffAsync(server, "cafe-admin");
        using var finance = await StaffAsync(server, "cafe-finance");
        Assert.Equal(200, (int)(await admin.PutAsJsonAsync("/api/merchant/settings/refund-review", new { required = true }, Ct)).StatusCode);
        var requested = await finance.PostAsJsonAsync("/api/merchant/refunds",
            new { requestId = "maker-1", outTradeNo = "ORDER-review-maker", amountFen = 800, reason = "顾客退货" }, Ct);
        Assert.True(requested.IsSuccessStatusCode, await requested.Content.ReadAsStringAsync(Ct));
        var refundId = (await requested.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("refundId").GetString()!;
        var before = await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone);

        await AssertProblemAsync(await finance.PostAsJsonAsync($"/api/merchant/refunds/{refundId}/approve", new { note = "" }, Ct), 403,
            "REFUND_REVIEWER_IS_REQUESTER");
        Assert.Equal(before, await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone)); // nothing moved

        var approved = await admin.PostAsJsonAsync($"/api/merchant/refunds/{refundId}/approve", new { note = "核实" }, Ct);
        Assert.Equal("SUCCESS", (await approved.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString());
        Assert.Equal(before + 800, await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone));
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task ACC5_a_refund_awaiting_review_is_not_approved_into_a_wallet_listed_since_and_can_still_be_rejected()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        await PaidOrderAsync(server, merchant, "ORDER-review-listed", 2_000, "http://127.0.0.1:9/notify");
        using var admin = await StaffAsync(server, "cafe-admin");
        using var finance = await StaffAsync(server, "cafe-finance");
        Assert.Equal(200, (int)(await admin.PutAsJsonAsync("/api/merchant/settings/refund-review", new { required = true }, Ct)).StatusCode);
        var requested = await admin.PostAsJsonAsync("/api/merchant/refunds",
            new { requestId = "listed-1", outTradeNo = "ORDER-review-listed", amountFen = 700, reason = "顾客退货" }, Ct);
        Assert.True(requested.IsSuccessStatusCode, await requested.Content.ReadAsStringAsync(Ct));
        var refundId = (await requested.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("refundId").GetString()!;

        // While it waits, the payer's wallet is put on the involved-account list (ACC-5: all business suspended).
        using var wallet = await WalletAsync(server.BaseAddress, DemoCards.ZhangSan.Phone);
        using var risk = await RealName.RealNameKit.OperatorAsync(server, "risk");
        var listed = await risk.PostAsJsonAsync("/api/ops/involved-accounts", new
        {
            category = "involved", userId = await Statements.StatementKit.UserIdAsync(wallet), reason = "涉案 case 2026-1206",
            source = "police-notice",
        }, Ct);
        Assert.True(listed.IsSuccessStatusCode, await listed.Content.ReadAsStringAsync(Ct));
        var before = await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone);

        await AssertProblemAsync(await finance.PostAsJsonAsync($"/api/merchant/refunds/{refundId}/approve", new { note = "" }, Ct), 403,
            "REFUND_PAYER_UNAVAILABLE");
        Assert.Equal(before, await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone)); // nothing credited
        var awaiting = await finance.GetFromJsonAsync<JsonElement>("/api/merchant/refunds?review=awaiting", Ct);
        Assert.Contains(awaiting.EnumerateArray(), r => r.GetProperty("refundId").GetString() == refundId); // still to decide
        Assert.Equal(200, (int)(await finance.PostAsJsonAsync($"/api/merchant/refunds/{refundId}/reject", new { note = "账户异常" }, Ct))
            .StatusCode);
        Assert.Equal(before, await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone));
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    internal static async Task<HttpClient> StaffAsync(ZhifuTestServer server, string username)
    {
        var client = server.Client();
        var login = await MerchantStaffSignIn.LoginAsync(client, username, "Shop@2026", Ct);
        Assert.Equal(200, (int)login.StatusCode);
        return client;
    }

    private static async Task<long> PendingInAsync(ZhifuTestServer server, string phone)
    {
        var user = (await server.Services.GetRequiredService<WalletAccounts>().FindByPhoneAsync(phone, Ct))!;
        return server.Services.GetRequiredService<ILedger>().GetAccount(user.WalletAccountId)!.Value.CreditsPending;
    }
}
