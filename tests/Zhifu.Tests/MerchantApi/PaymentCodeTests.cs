using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Data.Entities;
using Zhifu.Data.Ledger;
using Zhifu.Server.Payments.Refunds;
using Zhifu.Tests.Infrastructure;
using Zhifu.Tests.Lifecycle;
using static Zhifu.Tests.MerchantApi.MerchantKit;

namespace Zhifu.Tests.MerchantApi;

/// <summary>PAY-2 付款码: the wallet's rotating code, valid about a minute and once, charged by the merchant (codepay) and reversed.</summary>
public sealed class PaymentCodeTests
{
    [Fact]
    public async Task Merchant_charges_the_wallets_code_once_the_payer_confirms_it_and_the_query_reads_success()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        using var wallet = await WalletAsync(server.BaseAddress, DemoCards.ZhangSan.Phone);
        var stale = await CodeAsync(wallet);
        var code = await CodeAsync(wallet);
        Assert.Matches("^1[0-5][0-9]{16}$", code);

        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/codepay",
            Charge(merchant, "CODE-0001", 1_200, stale)), 400, "INVALID_REQUEST"); // a newer code retired it
        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/codepay",
            Charge(merchant, "CODE-0001", 1_200, "99" + code[2..])), 400, "PARAM_ERROR");
        var charged = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/codepay", Charge(merchant, "CODE-0001", 1_200, code));
        Assert.Equal(200, (int)charged.Response.StatusCode);
        Assert.Equal("USERPAYING", JsonDocument.Parse(charged.Body).RootElement.GetProperty("trade_state").GetString());
        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/codepay", Charge(merchant, "CODE-0002", 1_200, code)),
            400, "INVALID_REQUEST"); // single use
        var repeated = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/codepay",
            Charge(merchant, "CODE-0001", 1_200, code));
        Assert.Equal("USERPAYING", JsonDocument.Parse(repeated.Body).RootElement.GetProperty("trade_state").GetString()); // PAY-6

        var pending = await wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me/payment-code/pending", Ct);
        Assert.Equal(1_200, pending[0].GetProperty("amountFen").GetInt64());
        var before = await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone);
        var paid = await wallet.PostAsJsonAsync($"/api/wallet/payments/{pending[0].GetProperty("code").GetString()}/pay",
            new { paymentPassword = PaymentPassword }, Ct);
        Assert.Equal(200, (int)paid.StatusCode);
        Assert.Equal(before - 1_200, await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone));
        var query = JsonDocument.Parse((await merchant.SendAsync(HttpMethod.Get,
            $"/v3/pay/transactions/out-trade-no/CODE-0001?mchid={merchant.MchId}")).Body).RootElement;
        Assert.Equal("SUCCESS", query.GetProperty("trade_state").GetString());
        Assert.Equal("MICROPAY", query.GetProperty("trade_type").GetString());

        // 撤销 a paid charge: refunded in full
        var reversed = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/out-trade-no/CODE-0001/reverse",
            JsonSerializer.Serialize(new { appid = "wxd678efh567hg6787", mchid = merchant.MchId }));
        Assert.Equal(200, (int)reversed.Response.StatusCode);
        Assert.Equal(before, await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone));
        var after = JsonDocument.Parse((await merchant.SendAsync(HttpMethod.Get,
            $"/v3/pay/transactions/out-trade-no/CODE-0001?mchid={merchant.MchId}")).Body).RootElement;
        Assert.Equal("REVOKED", after.GetProperty("trade_state").GetString()); // 已撤销, as the protocol reads a reversed charge
        Assert.Equal(after.GetProperty("transaction_id").GetString(), query.GetProperty("transaction_id").GetString());
        // the merchant console files it where it reads it: under 已撤销, not 转入退款
        using var staff = server.Client();
        (await MerchantStaffSignIn.LoginAsync(staff, "cafe-admin", "Shop@2026", Ct)).EnsureSuccessStatusCode();
        Assert.Contains("CODE-0001", await staff.GetStringAsync("/merchant?state=REVOKED", Ct), StringComparison.Ordinal);
        Assert.DoesNotContain("CODE-0001", await staff.GetStringAsync("/merchant?state=REFUND", Ct), StringComparison.Ordinal);
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task PAY6_a_charge_repeated_while_its_first_request_is_writing_the_order_is_never_told_the_code_is_used()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        using var wallet = await WalletAsync(server.BaseAddress, DemoCards.ZhangSan.Phone);
        var code = await CodeAsync(wallet);
        // the first request of CODE-0101 has consumed the code and not yet written its order (its answer was lost meanwhile)
        var codes = server.Services.GetRequiredService<Zhifu.Server.Payments.Codes.PaymentCodes>();
        Assert.NotNull((await codes.ConsumeAsync(code, $"{merchant.MchId}/CODE-0101", Ct)).Owner);

        // its repeat waits for that order, and without one says "system error, query" — not "the code is used", after which
        // the merchant would ask the payer for a second payment; another charge with the same code is refused as before
        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/codepay", Charge(merchant, "CODE-0101", 1_200, code)),
            500, "SYSTEM_ERROR");
        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/codepay", Charge(merchant, "CODE-0102", 1_200, code)),
            400, "INVALID_REQUEST");
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task PAY2_codes_issued_at_once_leave_one_live_code()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        using var wallet = await WalletAsync(server.BaseAddress, DemoCards.ZhangSan.Phone);
        var codes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => CodeAsync(wallet)));
        Assert.Equal(4, codes.Distinct().Count());
        await using var db = server.Database.Options.CreateContext();
        Assert.Equal(1, await db.Set<Zhifu.Data.Entities.PaymentCodeRow>().CountAsync(c => c.UsedAt == null, Ct));
    }

    [Fact]
    public async Task A_code_dies_after_a_minute_and_an_unconfirmed_charge_fails_then_is_revoked()
    {
        await using var server = await ClockedServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory).WithClock(() => server.Clock.UtcNow);
        using var wallet = await WalletAsync(server.BaseAddress, DemoCards.LiSi.Phone);
        var old = await CodeAsync(wallet);
        server.Clock.Advance(TimeSpan.FromSeconds(61));
        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/codepay", Charge(merchant, "CODE-0101", 500, old)),
            400, "INVALID_REQUEST");

        var code = await CodeAsync(wallet);
        await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/codepay", Charge(merchant, "CODE-0102", 500, code));
        server.Clock.Advance(TimeSpan.FromSeconds(121)); // the payer never confirmed
        var failed = JsonDocument.Parse((await merchant.SendAsync(HttpMethod.Get,
            $"/v3/pay/transactions/out-trade-no/CODE-0102?mchid={merchant.MchId}")).Body).RootElement;
        Assert.Equal("PAYERROR", failed.GetProperty("trade_state").GetString());
        Assert.Equal(0, (await wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me/payment-code/pending", Ct)).GetArrayLength());
        var reversed = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/out-trade-no/CODE-0102/reverse",
            JsonSerializer.Serialize(new { appid = "wxd678efh567hg6787", mchid = merchant.MchId }));
        Assert.Equal(200, (int)reversed.Response.StatusCode);
        var revoked = JsonDocument.Parse((await merchant.SendAsync(HttpMethod.Get,
            $"/v3/pay/transactions/out-trade-no/CODE-0102?mchid={merchant.MchId}")).Body).RootElement;
        Assert.Equal("REVOKED", revoked.GetProperty("trade_state").GetString());
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task PAY4_a_charge_paid_over_7_days_ago_cannot_be_reversed_past_refund_review()
    {
        // 撤销 refunds in full without review; the protocol allows it within 7 days of the payment, later only a refund does.
        await using var server = await ClockedServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory).WithClock(() => server.Clock.UtcNow);
        using var wallet = await WalletAsync(server.BaseAddress, DemoCards.LiSi.Phone);
        var code = await CodeAsync(wallet);
        await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/codepay", Charge(merchant, "CODE-0201", 700, code));
        var pending = await wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me/payment-code/pending", Ct);
        Assert.Equal(200, (int)(await wallet.PostAsJsonAsync($"/api/wallet/payments/{pending[0].GetProperty("code").GetString()}/pay",
            new { paymentPassword = PaymentPassword }, Ct)).StatusCode);
        server.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));

        AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/out-trade-no/CODE-0201/reverse",
            JsonSerializer.Serialize(new { appid = "wxd678efh567hg6787", mchid = merchant.MchId })), 400, "INVALID_REQUEST");
        var query = JsonDocument.Parse((await merchant.SendAsync(HttpMethod.Get,
            $"/v3/pay/transactions/out-trade-no/CODE-0201?mchid={merchant.MchId}")).Body).RootElement;
        Assert.Equal("SUCCESS", query.GetProperty("trade_state").GetString());
        await using var db = server.Database.Options.CreateContext();
        Assert.Equal(0, await db.Set<Zhifu.Data.Entities.PaymentRefundRow>().CountAsync(Ct));
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task MER1_a_charge_waiting_for_the_payer_is_not_offered_while_its_merchant_is_suspended()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        using var wallet = await WalletAsync(server.BaseAddress, DemoCards.ZhangSan.Phone);
        var charged = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/codepay",
            Charge(merchant, "CODE-SUSP-1", 800, await CodeAsync(wallet)));
        Assert.Equal("USERPAYING", JsonDocument.Parse(charged.Body).RootElement.GetProperty("trade_state").GetString());
        var pending = await wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me/payment-code/pending", Ct);
        var code = Assert.Single(pending.EnumerateArray()).GetProperty("code").GetString();

        using var risk = await OperatorSignIn.AsAsync(server.Client(), "risk");
        (await risk.PostAsJsonAsync($"/api/ops/merchants/{merchant.MchId}/suspend", new { reason = "暂停交易待核查" }, Ct)).EnsureSuccessStatusCode();
        Assert.Equal(0, (await wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me/payment-code/pending", Ct)).GetArrayLength());
        var refused = await wallet.PostAsJsonAsync($"/api/wallet/payments/{code}/pay", new { paymentPassword = PaymentPassword }, Ct);
        Assert.Equal(409, (int)refused.StatusCode);

        (await risk.PostAsJsonAsync($"/api/ops/merchants/{merchant.MchId}/resume", new { reason = "核查完毕" }, Ct)).EnsureSuccessStatusCode();
        Assert.Equal(1, (await wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me/payment-code/pending", Ct)).GetArrayLength());
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task PAY3_a_reversal_the_ledger_has_not_yet_answered_is_no_success_and_succeeds_once_the_money_is_back()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var server = await ZhifuTestServer.StartAsync(database, "--Payments:PayingRecoverySeconds=1");
        var before = await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone);
        await PaidChargeAsync(server, "CODE-0301", 1_200);

        // The ledger stops before the reversal's refund reaches it: nothing has gone back, so no 撤销成功.
        server.Services.GetRequiredService<LedgerWriter>().Dispose();
        AssertV3Error(await ReverseAsync(server, "CODE-0301"), 500, "SYSTEM_ERROR");
        Assert.Equal(before - 1_200, await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone));

        // After the restart the worker finishes the refund; the merchant's reverse again (as SYSTEM_ERROR asks) answers 200.
        await server.RestartAsync();
        Assert.Equal("SUCCESS", await ReversalSettledAsync(server, "CODE-0301"));
        Assert.Equal(200, (int)(await ReverseAsync(server, "CODE-0301")).Response.StatusCode);
        Assert.Equal(before, await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone));
        Assert.Equal("REVOKED", await TradeStateAsync(server, "CODE-0301"));
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task PAY3_a_reversal_the_ledger_refused_after_an_interruption_answers_trade_error_and_the_charge_stands()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var server = await ZhifuTestServer.StartAsync(database, "--Payments:PayingRecoverySeconds=1");
        var before = await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone);
        await PaidChargeAsync(server, "CODE-0302", 1_200);
        // the reversal will be refused
        await RefundFlowTests.DrainPendingAsync(server, MerchantSigner.Demo(server.BaseAddress, server.Database.Directory).MchId,
            "PAY-3 interrupted reversal test");

        server.Services.GetRequiredService<LedgerWriter>().Dispose();
        AssertV3Error(await ReverseAsync(server, "CODE-0302"), 500, "SYSTEM_ERROR");
        await server.RestartAsync();
        Assert.Equal("CLOSED", await ReversalSettledAsync(server, "CODE-0302"));

        // Reversed again: the refund closed and moved nothing — never 200, and the charge still reads as paid.
        AssertV3Error(await ReverseAsync(server, "CODE-0302"), 403, "TRADE_ERROR");
        AssertV3Error(await ReverseAsync(server, "CODE-0302"), 403, "TRADE_ERROR");
        Assert.Equal(before - 1_200, await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone));
        Assert.Equal("SUCCESS", await TradeStateAsync(server, "CODE-0302"));
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task PAY2_only_a_payment_code_charge_is_reversed_an_unpaid_native_order_is_left_open()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        Assert.Equal(200, (int)(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
            NativeOrder(merchant.MchId, "NATIVE-0401", 500, "http://127.0.0.1:9/notify"))).Response.StatusCode);

        AssertV3Error(await ReverseAsync(server, "NATIVE-0401"), 400, "INVALID_REQUEST"); // close or refund it instead
        Assert.Equal("NOTPAY", await TradeStateAsync(server, "NATIVE-0401"));
    }

    /// <summary>A payment-code charge of ZhangSan's, confirmed in the wallet.</summary>
    private static async Task PaidChargeAsync(ZhifuTestServer server, string outTradeNo, long fen)
    {
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        using var wallet = await WalletAsync(server.BaseAddress, DemoCards.ZhangSan.Phone);
        var charged = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/codepay",
            Charge(merchant, outTradeNo, fen, await CodeAsync(wallet)));
        Assert.Equal(200, (int)charged.Response.StatusCode);
        var pending = await wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me/payment-code/pending", Ct);
        Assert.Equal(200, (int)(await wallet.PostAsJsonAsync($"/api/wallet/payments/{pending[0].GetProperty("code").GetString()}/pay",
            new { paymentPassword = PaymentPassword }, Ct)).StatusCode);
    }

    private static Task<(HttpResponseMessage Response, string Body)> ReverseAsync(ZhifuTestServer server, string outTradeNo)
    {
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory); // the address changes with a restart
        return merchant.SendAsync(HttpMethod.Post, $"/v3/pay/transactions/out-trade-no/{outTradeNo}/reverse",
            JsonSerializer.Serialize(new { appid = "wxd678efh567hg6787", mchid = merchant.MchId }));
    }

    private static async Task<string> TradeStateAsync(ZhifuTestServer server, string outTradeNo)
    {
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        var query = await merchant.SendAsync(HttpMethod.Get, $"/v3/pay/transactions/out-trade-no/{outTradeNo}?mchid={merchant.MchId}");
        return JsonDocument.Parse(query.Body).RootElement.GetProperty("trade_state").GetString()!;
    }

    /// <summary>The reversal's refund once the worker has settled it (at most 30 s).</summary>
    private static async Task<string> ReversalSettledAsync(ZhifuTestServer server, string outTradeNo)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            await using var db = server.Database.Options.CreateContext();
            var refund = await db.Set<PaymentRefundRow>().AsNoTracking().SingleAsync(r => r.OutRefundNo == "REVERSE" + outTradeNo, Ct);
            if (refund.Status != "PROCESSING" || waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                return refund.Status;
            }
            await Task.Delay(100, Ct);
        }
    }

    private static async Task<string> CodeAsync(HttpClient wallet)
    {
        var issued = await wallet.PostAsync("/api/wallet/me/payment-code", null, Ct);
        Assert.Equal(200, (int)issued.StatusCode);
        return (await issued.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("authCode").GetString()!;
    }

    private static string Charge(MerchantSigner merchant, string outTradeNo, long totalFen, string authCode) => JsonSerializer.Serialize(new
    {
        appid = "wxd678efh567hg6787", mchid = merchant.MchId, description = "知付演示咖啡馆-收银台", out_trade_no = outTradeNo,
        payer = new { auth_code = authCode }, amount = new { total = totalFen, currency = "CNY" },
        scene_info = new { store_info = new { out_id = "store-1" }, device_ip = "10.0.0.8" },
    });
}
