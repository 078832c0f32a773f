using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Core.Ledger;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
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
    public async Task Merchant_console_sign_in_refuses_wrong_passwords_and_anonymous_calls()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        using var client = server.Client();
        await AssertProblemAsync(await client.GetAsync("/api/merchant/refunds", Ct), 401, "MERCHANT_SIGN_IN_REQUIRED");
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/merchant/auth/login",
            new { username = "cafe-admin", password = "nope" }, Ct), 401, "MERCHANT_BAD_CREDENTIALS");
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/merchant/auth/login", new { username = "", password = "" }, Ct),
            400, "INVALID_REQUEST");
        using var admin = await StaffAsync(server, "cafe-admin");
        await AssertProblemAsync(await admin.GetAsync("/api/merchant/refunds?limit=1000", Ct), 400, "INVALID_LIMIT");
        await AssertProblemAsync(await admin.PostAsJsonAsync("/api/merchant/refunds/50000/approve", new { note = "" }, Ct),
            404, "REFUND_NOT_FOUND");
    }

    internal static async Task<HttpClient> StaffAsync(ZhifuTestServer server, string username)
    {
        var client = server.Client();
        var login = await client.PostAsJsonAsync("/api/merchant/auth/login", new { username, password = "Shop@2026" }, Ct);
        Assert.Equal(200, (int)login.StatusCode);
        return client;
    }

    private static async Task<long> PendingInAsync(ZhifuTestServer server, string phone)
    {
        var user = (await server.Services.GetRequiredService<WalletAccounts>().FindByPhoneAsync(phone, Ct))!;
        return server.Services.GetRequiredService<ILedger>().GetAccount(user.WalletAccountId)!.Value.CreditsPending;
    }
}
