using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Core.Ledger;
using Zhifu.Data.Entities;
using Zhifu.Data.Ledger;
using Zhifu.Server.Ledger;
using Zhifu.Tests.Infrastructure;
using static Zhifu.Tests.MerchantApi.MerchantKit;

namespace Zhifu.Tests.MerchantApi;

/// <summary>PAY-3, PAY-5, PAY-6: refunds over the v3 API — partial and full, idempotent, bounded, notified, balanced.</summary>
public sealed class RefundFlowTests
{
    [Fact]
    public async Task Several_partial_refunds_up_to_the_paid_amount_return_money_and_fee_and_are_notified()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        using var notify = new NotifyReceiver();
        var (transactionId, _) = await PaidOrderAsync(server, merchant, "ORDER-refund-01", 10_000, notify.Url);
        await notify.NextAsync(TimeSpan.FromSeconds(10)); // TRANSACTION.SUCCESS
        var before = await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone);
        var fees = FeeIncome(server);

        var first = await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds",
            Refund(outTradeNo: "ORDER-refund-01", outRefundNo: "R-01-a", refundFen: 3_000, totalFen: 10_000, notifyUrl: notify.Url));
        Assert.Equal(200, (int)first.Response.StatusCode);
        var refund = JsonDocument.Parse(first.Body).RootElement;
        Assert.Equal("SUCCESS", refund.GetProperty("status").GetString());
        Assert.Equal("ORIGINAL", refund.GetProperty("channel").GetString());
        Assert.Equal(transactionId, refund.GetProperty("transaction_id").GetString());
        Assert.Equal(3_000, refund.GetProperty("amount").GetProperty("refund").GetInt64());
        Assert.Equal(18, refund.GetProperty("amount").GetProperty("refund_fee").GetInt64()); // 60 fen fee × 30 %
        Assert.Equal(before + 3_000, await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone));

        // PAY-6: the same out_refund_no with the same content answers the same refund and moves nothing more
        var again = await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds",
            Refund(outTradeNo: "ORDER-refund-01", outRefundNo: "R-01-a", refundFen: 3_000, totalFen: 10_000, notifyUrl: notify.Url));
        Assert.Equal(refund.GetProperty("refund_id").GetString(),
            JsonDocument.Parse(again.Body).RootElement.GetProperty("refund_id").GetString());
        Assert.Equal(before + 3_000, await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone));
        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds",
            Refund(outTradeNo: "ORDER-refund-01", outRefundNo: "R-01-a", refundFen: 3_001, totalFen: 10_000, notifyUrl: notify.Url)),
            400, "INVALID_REQUEST");

        // by transaction_id, the rest in two more refunds; one fen more is refused
        var second = await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds",
            Refund(transactionId: transactionId, outRefundNo: "R-01-b", refundFen: 6_999, totalFen: 10_000, notifyUrl: notify.Url));
        Assert.Equal("SUCCESS", JsonDocument.Parse(second.Body).RootElement.GetProperty("status").GetString());
        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds",
            Refund(outTradeNo: "ORDER-refund-01", outRefundNo: "R-01-c", refundFen: 2, totalFen: 10_000, notifyUrl: notify.Url)),
            400, "INVALID_REQUEST");
        var last = await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds",
            Refund(outTradeNo: "ORDER-refund-01", outRefundNo: "R-01-d", refundFen: 1, totalFen: 10_000, notifyUrl: notify.Url));
        Assert.Equal(200, (int)last.Response.StatusCode);

        // the payer has every fen back, the merchant's whole fee came back from fee income, nothing pending
        Assert.Equal(before + 10_000, await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone));
        Assert.Equal(fees - 60, FeeIncome(server));

        // query by out_refund_no; unknown ones are RESOURCE_NOT_EXISTS
        var queried = await merchant.SendAsync(HttpMethod.Get, "/v3/refund/domestic/refunds/R-01-b");
        Assert.Equal(6_999, JsonDocument.Parse(queried.Body).RootElement.GetProperty("amount").GetProperty("refund").GetInt64());
        AssertV3Error(await merchant.SendAsync(HttpMethod.Get, "/v3/refund/domestic/refunds/R-nope"), 404, "RESOURCE_NOT_EXISTS");

        // PAY-5: one REFUND.SUCCESS callback per refund, signed, encrypted with the APIv3 key, original_type refund
        var seen = new HashSet<string>();
        for (var i = 0; i < 3; i++)
        {
            var callback = await notify.NextAsync(TimeSpan.FromSeconds(10));
            var envelope = JsonDocument.Parse(callback.Body).RootElement;
            Assert.Equal("REFUND.SUCCESS", envelope.GetProperty("event_type").GetString());
            var resource = envelope.GetProperty("resource");
            Assert.Equal("refund", resource.GetProperty("original_type").GetString());
            var plain = JsonDocument.Parse(merchant.Decrypt(resource.GetProperty("ciphertext").GetString()!,
                resource.GetProperty("nonce").GetString()!, resource.GetProperty("associated_data").GetString()!)).RootElement;
            Assert.Equal("SUCCESS", plain.GetProperty("refund_status").GetString());
            Assert.Equal(10_000, plain.GetProperty("amount").GetProperty("total").GetInt64());
            seen.Add(plain.GetProperty("out_refund_no").GetString()!);
        }
        Assert.Equal(["R-01-a", "R-01-b", "R-01-d"], seen.Order());
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task PAY6_a_repeat_while_the_first_request_is_still_at_the_ledger_is_asked_to_retry_not_told_PROCESSING()
    {
        // The first request may still be refused (NOT_ENOUGH) and then leaves no refund: a repeat answered PROCESSING meanwhile
        // would have the merchant wait for a refund and a callback that never come.
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        using var notify = new NotifyReceiver();
        await PaidOrderAsync(server, merchant, "ORDER-refund-07", 5_000, notify.Url);
        string Body() => Refund(outTradeNo: "ORDER-refund-07", outRefundNo: "R-07-a", refundFen: 2_000, totalFen: 5_000, notifyUrl: notify.Url);
        Assert.Equal(200, (int)(await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds", Body())).Response.StatusCode);
        await using var db = server.Database.Options.CreateContext();
        var refunds = db.Set<Zhifu.Data.Entities.PaymentRefundRow>().Where(r => r.OutRefundNo == "R-07-a");
        var done = await refunds.AsNoTracking().SingleAsync(Ct);
        var now = DateTimeOffset.UtcNow;
        // as it stood while its first request was at the ledger
        await refunds.ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, "PROCESSING").SetProperty(r => r.ChainJson, "[]")
            .SetProperty(r => r.SubmittedAt, now).SetProperty(r => r.Version, 0), Ct);

        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds", Body()), 429, "FREQUENCY_LIMITED");

        await refunds.ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, done.Status).SetProperty(r => r.ChainJson, (string?)null)
            .SetProperty(r => r.SubmittedAt, (DateTimeOffset?)null).SetProperty(r => r.Version, done.Version), Ct);
        var again = JsonDocument.Parse((await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds", Body())).Body).RootElement;
        Assert.Equal((done.RefundId, "SUCCESS"), (again.GetProperty("refund_id").GetString(), again.GetProperty("status").GetString()));
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task PAY6_a_repeat_past_the_first_tries_window_claims_the_refund_so_a_late_refusal_closes_it_instead_of_removing_it()
    {
        // A first try whose ledger request took about PayingRecoverySeconds: it reaches the ledger's refusal just inside its
        // window, a repeat just past it is told PROCESSING, and only then does the first try commit. The refund must not vanish
        // after that answer: the repeat claims it first, and the late refusal closes it with REFUND.CLOSED (PAY-5, PAY-6).
        // recovery at start and then every 10 minutes only: the worker must not settle the refund while the test places it
        await using var server = await ZhifuTestServer.StartAsync(null, "--Payments:WorkerIntervalMs=600000");
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        using var notify = new NotifyReceiver();
        await PaidOrderAsync(server, merchant, "ORDER-refund-late", 3_000, notify.Url);
        await DrainPendingAsync(server, merchant.MchId, "PAY-6 late refusal test"); // the ledger will refuse the refund
        // its first request is recorded and in flight (the ledger stops before it arrives), then the ledger is back
        server.Services.GetRequiredService<LedgerWriter>().Dispose();
        string Body() => Refund(outTradeNo: "ORDER-refund-late", outRefundNo: "R-late-a", refundFen: 1_000, totalFen: 3_000,
            notifyUrl: notify.Url);
        Assert.Equal(200, (int)(await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds", Body())).Response.StatusCode);
        await server.RestartAsync();
        merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory); // the restarted server's port
        await using var context = server.Database.Options.CreateContext();
        var rows = context.Set<PaymentRefundRow>().Where(r => r.OutRefundNo == "R-late-a");
        var inFlight = await rows.AsNoTracking().SingleAsync(Ct);
        Assert.Equal(("PROCESSING", 0), (inFlight.Status, inFlight.Version));

        // just past the window: the repeat is told PROCESSING, and the refund is claimed before it is
        await rows.ExecuteUpdateAsync(u => u.SetProperty(r => r.SubmittedAt, DateTimeOffset.UtcNow.AddSeconds(-31)), Ct);
        var repeat = await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds", Body());
        Assert.Equal((200, "PROCESSING"), ((int)repeat.Response.StatusCode,
            JsonDocument.Parse(repeat.Body).RootElement.GetProperty("status").GetString()));
        Assert.Equal(1, (await rows.AsNoTracking().SingleAsync(Ct)).Version);

        // the first try commits its refusal as it saw the time (inside its window): the refund closes, it is not removed
        await rows.ExecuteUpdateAsync(u => u.SetProperty(r => r.SubmittedAt, DateTimeOffset.UtcNow), Ct);
        var (closed, error) = await server.Services.GetRequiredService<Zhifu.Server.Payments.Refunds.PaymentRefunds>()
            .CommitAsync(inFlight.Id, JsonSerializer.Deserialize<Transfer[]>(inFlight.ChainJson!)!, firstTry: true);
        Assert.Null(error);
        Assert.Equal("CLOSED", closed!.Status);
        var settled = await rows.AsNoTracking().SingleAsync(Ct);
        Assert.Equal(("CLOSED", (string?)null), (settled.Status, settled.ChainJson));
        var order = await context.Set<PaymentOrderRow>().AsNoTracking().SingleAsync(o => o.Id == settled.OrderId, Ct);
        Assert.Equal(0L, order.RefundedFen); // its amount is refundable again
        Assert.Equal(1, await context.Set<PaymentNotificationRow>().CountAsync(n => n.RecordId == settled.Id
            && n.EventType == "REFUND.CLOSED", Ct));
        Assert.Equal("CLOSED", JsonDocument.Parse((await merchant.SendAsync(HttpMethod.Get,
            "/v3/refund/domestic/refunds/R-late-a")).Body).RootElement.GetProperty("status").GetString());
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task Refunds_of_unpaid_unknown_or_other_merchants_orders_and_bad_amounts_are_refused_and_write_nothing()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        await PaidOrderAsync(server, merchant, "ORDER-refund-02", 500, "http://127.0.0.1:9/notify");
        await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
            NativeOrder(merchant.MchId, "ORDER-unpaid-02", 500, "http://127.0.0.1:9/n"));
        var cases = new (string Body, int Status, string Code)[]
        {
            (Refund(outTradeNo: "ORDER-unpaid-02", outRefundNo: "R-02-a", refundFen: 100, totalFen: 500), 400, "INVALID_REQUEST"),
            (Refund(outTradeNo: "ORDER-none-02", outRefundNo: "R-02-b", refundFen: 100, totalFen: 500), 404, "RESOURCE_NOT_EXISTS"),
            (Refund(outTradeNo: "ORDER-refund-02", outRefundNo: "R-02-c", refundFen: 100, totalFen: 501), 400, "PARAM_ERROR"),
            (Refund(outTradeNo: "ORDER-refund-02", outRefundNo: "R-02-d", refundFen: 0, totalFen: 500), 400, "PARAM_ERROR"),
            (Refund(outTradeNo: "ORDER-refund-02", outRefundNo: "R-02-e", refundFen: 600, totalFen: 500), 400, "PARAM_ERROR"),
            (Refund(outTradeNo: "ORDER-refund-02", outRefundNo: "bad refund no!", refundFen: 100, totalFen: 500), 400, "PARAM_ERROR"),
            (Refund(outRefundNo: "R-02-f", refundFen: 100, totalFen: 500), 400, "PARAM_ERROR"),
            ("{\"out_refund_no\":", 400, "PARAM_ERROR"),
        };
        foreach (var (body, status, code) in cases)
        {
            AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds", body), status, code);
        }
        await using var db = server.Database.Options.CreateContext();
        Assert.Equal(0, await db.Set<PaymentRefundRow>().CountAsync(Ct));
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task A_refund_to_a_wallet_closed_since_the_payment_is_refused_with_USER_ACCOUNT_ABNORMAL_and_moves_nothing()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        var phone = DemoCards.WangWu.Phone;
        var balance = await NativePaymentFlowTests.BalanceAsync(server, phone);
        await PaidOrderAsync(server, merchant, "ORDER-closed-01", balance, "http://127.0.0.1:9/notify", phone); // all of it
        using (var wallet = await WalletAsync(server.BaseAddress, phone))
        {
            (await wallet.PostAsJsonAsync("/api/wallet/me/lifecycle/otp", new { purpose = "close-account" }, Ct)).EnsureSuccessStatusCode();
            var texts = await server.Services.GetRequiredService<Zhifu.Server.Notifications.SmsOutbox>().ReadAsync(phone, 5, Ct);
            var otp = System.Text.RegularExpressions.Regex.Match(texts.First(t => t.Kind == "otp").Body, "[0-9]{6}").Value;
            var closed = await wallet.PostAsJsonAsync("/api/wallet/me/close", new { paymentPassword = PaymentPassword, otp }, Ct);
            Assert.True(closed.IsSuccessStatusCode, await closed.Content.ReadAsStringAsync(Ct));
        }
        var fees = FeeIncome(server);
        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds",
            Refund(outTradeNo: "ORDER-closed-01", outRefundNo: "R-closed-1", refundFen: balance, totalFen: balance)),
            403, "USER_ACCOUNT_ABNORMAL");
        await using var db = server.Database.Options.CreateContext();
        Assert.Equal(0, await db.Set<PaymentRefundRow>().CountAsync(Ct));
        Assert.Equal(fees, FeeIncome(server));
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    /// <summary>A native order created by the merchant and paid by 张三; its transaction id and code.</summary>
    /// <summary>An operator's adjustment takes the merchant's whole pending balance elsewhere: a refund's request (or hold) made
    /// after it is refused by the ledger (NOT_ENOUGH).</summary>
    internal static async Task DrainPendingAsync(ZhifuTestServer server, string mchId, string reason)
    {
        Guid pending;
        await using (var db = server.Database.Options.CreateContext())
        {
            pending = (await db.Merchants.AsNoTracking().SingleAsync(m => m.MchId == mchId, Ct)).PendingAccountId;
        }
        var balance = server.Services.GetRequiredService<ILedger>().GetAccount(pending)!.Value.AvailableCreditBalance;
        var custody = server.Services.GetRequiredService<InstitutionChart>()[InstitutionChart.Custody("ICBC")];
        Assert.Equal(TransferResult.Ok, await server.Services.GetRequiredService<Adjustments>().PostAsync(Guid.CreateVersion7(),
            "test-funding", reason, pending, custody, balance, "test", Ct));
    }

    internal static async Task<(string TransactionId, string Code)> PaidOrderAsync(ZhifuTestServer server, MerchantSigner merchant,
        string outTradeNo, long totalFen, string notifyUrl, string phone = "13800138001")
    {
        var created = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
            NativeOrder(merchant.MchId, outTradeNo, totalFen, notifyUrl));
        Assert.Equal(200, (int)created.Response.StatusCode);
        var code = CodeOf(created.Body);
        using var wallet = await WalletAsync(server.BaseAddress, phone);
        var paid = await wallet.PostAsJsonAsync($"/api/wallet/payments/{code}/pay", new { paymentPassword = PaymentPassword }, Ct);
        Assert.Equal(200, (int)paid.StatusCode);
        return ((await paid.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("transactionId").GetString()!, code);
    }

    internal static string Refund(string outRefundNo, long refundFen, long totalFen, string? outTradeNo = null,
        string? transactionId = null, string? notifyUrl = null) => JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["transaction_id"] = transactionId,
            ["out_trade_no"] = outTradeNo,
            ["out_refund_no"] = outRefundNo,
            ["reason"] = "商品已售完",
            ["notify_url"] = notifyUrl,
            ["amount"] = new Dictionary<string, object> { ["refund"] = refundFen, ["total"] = totalFen, ["currency"] = "CNY" },
        });

    internal static long FeeIncome(ZhifuTestServer server) => server.Services.GetRequiredService<ILedger>()
        .GetAccount(server.Services.GetRequiredService<InstitutionChart>()[InstitutionChart.FeeIncome])!.Value is var a
        ? a.CreditsPosted - a.DebitsPosted : 0;
}
