using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Core.Ledger;
using Zhifu.Tests.Lifecycle;
using Zhifu.Tests.MerchantApi;
using Zhifu.Tests.Transfers;
using static Zhifu.Tests.Risk.RiskKit;

namespace Zhifu.Tests.Risk;

/// <summary>RISK-1 on payments and top-ups, RISK-2 rule administration and dry run, RISK-3 lists, through the Operator API.</summary>
public sealed class RiskOperatorTests : IAsyncLifetime
{
    private ClockedServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task RISK1_a_payment_to_a_high_risk_merchant_is_stepped_up_and_the_risk_verify_code_pays_it()
    {
        using (var risk = await LifecycleClient.OperatorAsync(_server, "risk"))
        {
            var terms = await risk.PutAsJsonAsync("/api/ops/merchants/1230000109/terms", new { riskLevel = "high" }, Ct);
            Assert.True(terms.IsSuccessStatusCode, await terms.Content.ReadAsStringAsync(Ct));
        }
        await PutRuleAsync(_server, "T-MCH", "merchant-risk", new { levels = new[] { "high" } }, "step-up", "payment");
        var merchant = MerchantSigner.Demo(_server.BaseAddress, _server.Database.Directory).WithClock(() => _server.Clock.UtcNow);
        var code = MerchantKit.CodeOf((await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
            MerchantKit.NativeOrder(merchant.MchId, "RISK-MCH-1", 1_800, "http://127.0.0.1:9/notify"))).Body);
        var zhang = await Party.SignInAsync(_server, DemoCards.ZhangSan);
        await zhang.FundAsync(10_000);

        var stepped = await zhang.Wallet.PostAsJsonAsync($"/api/wallet/payments/{code}/pay", new { paymentPassword = Party.PaymentPassword }, Ct);
        Assert.Equal(428, (int)stepped.StatusCode);
        Assert.Equal("RISK_VERIFICATION_REQUIRED", await ErrorCodeAsync(stepped));
        var wrong = await zhang.Wallet.PostAsJsonAsync($"/api/wallet/payments/{code}/pay",
            new { paymentPassword = Party.PaymentPassword, verificationCode = "000000" }, Ct);
        Assert.Equal("RISK_VERIFICATION_INVALID", await ErrorCodeAsync(wrong));
        _server.Clock.Advance(TimeSpan.FromSeconds(61));
        (await zhang.Wallet.PostAsJsonAsync("/api/wallet/me/otp", new { purpose = "risk-verify" }, Ct)).EnsureSuccessStatusCode();
        var otp = await LifecycleClient.LatestCodeAsync(_server, DemoCards.ZhangSan.Phone);
        var paid = await zhang.Wallet.PostAsJsonAsync($"/api/wallet/payments/{code}/pay",
            new { paymentPassword = Party.PaymentPassword, verificationCode = otp }, Ct);
        Assert.True(paid.IsSuccessStatusCode, await paid.Content.ReadAsStringAsync(Ct));
        var decision = (await DecisionsAsync(_server, zhang.UserId))[0];
        Assert.Equal("payment", decision.GetProperty("kind").GetString());
        Assert.Equal("1230000109", decision.GetProperty("mchId").GetString());
        await TransferKit.AssertVerifiedAsync(_server);
    }

    /// <summary>张三, funded with <paramref name="fundFen"/>, under a rule that blocks a second payment within ten minutes (RISK-2),
    /// and the demo merchant that sells to him.</summary>
    private async Task<(Party Zhang, MerchantSigner Merchant)> PayerAllowedOnePaymentAsync(string ruleId, long fundFen)
    {
        await PutRuleAsync(_server, ruleId, "velocity", new { subject = "user", windowMinutes = 10, maxCount = 1 }, "block", "payment");
        var merchant = MerchantSigner.Demo(_server.BaseAddress, _server.Database.Directory).WithClock(() => _server.Clock.UtcNow);
        var zhang = await Party.SignInAsync(_server, DemoCards.ZhangSan);
        await zhang.FundAsync(fundFen);
        return (zhang, merchant);
    }

    /// <summary>A new native order's code, for a wallet to pay.</summary>
    private static async Task<string> OrderCodeAsync(MerchantSigner merchant, string outTradeNo, long fen) =>
        MerchantKit.CodeOf((await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
            MerchantKit.NativeOrder(merchant.MchId, outTradeNo, fen, "http://127.0.0.1:9/notify"))).Body);

    private static Task<HttpResponseMessage> PayOrderAsync(Party payer, string code) =>
        payer.Wallet.PostAsJsonAsync($"/api/wallet/payments/{code}/pay", new { paymentPassword = Party.PaymentPassword }, Ct);

    [Fact]
    public async Task RISK2_a_payment_the_ledger_could_not_take_at_once_counts_in_the_velocity_windows_when_the_worker_completes_it()
    {
        var (zhang, merchant) = await PayerAllowedOnePaymentAsync("T-PAYVEL", 10_000);
        async Task<HttpResponseMessage> PayAsync(string outTradeNo, long fen) => await PayOrderAsync(zhang, await OrderCodeAsync(merchant, outTradeNo, fen));
        // The ledger's database refuses this payment's amount for a while: the payer is told to wait, the order stays PAYING.
        await using (await LedgerOutageAsync(_server, 1_234))
        {
            var waiting = await PayAsync("RISK-VEL-1", 1_234);
            Assert.Equal(503, (int)waiting.StatusCode);
            Assert.Equal("PAYMENT_UNAVAILABLE", await ErrorCodeAsync(waiting));
        }

        // The worker completes it once it is overdue — the same process, no restart to rebuild the windows from the log.
        _server.Clock.Advance(TimeSpan.FromSeconds(31));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string state;
        while ((state = JsonDocument.Parse((await merchant.SendAsync(HttpMethod.Get,
            $"/v3/pay/transactions/out-trade-no/RISK-VEL-1?mchid={merchant.MchId}")).Body).RootElement.GetProperty("trade_state").GetString()!)
            != "SUCCESS" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, Ct);
        }
        Assert.Equal("SUCCESS", state);

        // More than one payment in ten minutes: the second is blocked, the first counted though the worker finished it.
        var second = await PayAsync("RISK-VEL-2", 500);
        Assert.Equal(403, (int)second.StatusCode);
        Assert.Equal("RISK_BLOCKED", await ErrorCodeAsync(second));
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task RISK2_payments_of_one_payer_sent_at_once_are_decided_one_after_another_so_a_velocity_count_sees_each()
    {
        var (zhang, merchant) = await PayerAllowedOnePaymentAsync("T-PAYBURST", 10_000);
        var codes = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            codes.Add(await OrderCodeAsync(merchant, $"RISK-BURST-{i}", 2_001 + i));
        }
        // Each payment is still in the ledger when the others are decided: decided side by side and counted at their completion,
        // all three passed the count.
        HttpResponseMessage[] sent;
        await using (await SlowLedgerAsync(_server, 2_001, 2_003))
        {
            sent = await Task.WhenAll(codes.Select(code => PayOrderAsync(zhang, code)));
        }
        Assert.Single(sent, r => r.IsSuccessStatusCode);
        foreach (var refused in sent.Where(r => !r.IsSuccessStatusCode))
        {
            Assert.Equal(403, (int)refused.StatusCode);
            Assert.Equal("RISK_BLOCKED", await ErrorCodeAsync(refused)); // more than one payment in ten minutes
        }
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task RISK2_a_payment_tapped_twice_at_once_is_one_payment_not_a_second_one_over_a_velocity_count()
    {
        var (zhang, merchant) = await PayerAllowedOnePaymentAsync("T-PAYTWICE", 10_000);
        var code = await OrderCodeAsync(merchant, "RISK-TWICE-1", 2_011);
        HttpResponseMessage[] taps;
        await using (await SlowLedgerAsync(_server, 2_011, 2_011))
        {
            taps = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => PayOrderAsync(zhang, code)));
        }
        Assert.Single(taps, r => r.IsSuccessStatusCode);
        // the other tap is told the order is being paid — not blocked as a second payment in ten minutes (nor an alert opened)
        Assert.Equal("PAYMENT_IN_PROGRESS", await ErrorCodeAsync(taps.Single(r => !r.IsSuccessStatusCode)));
        var again = await PayOrderAsync(zhang, code);
        Assert.True(again.IsSuccessStatusCode, await again.Content.ReadAsStringAsync(Ct)); // asked later: the payment made
        Assert.Empty(await CasesAsync(_server, zhang.UserId));
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task RISK2_a_payment_refused_after_its_risk_check_is_taken_back_out_of_the_velocity_count()
    {
        var (zhang, merchant) = await PayerAllowedOnePaymentAsync("T-PAYONE", 1_000);
        async Task<HttpResponseMessage> PayAsync(string outTradeNo, long fen) => await PayOrderAsync(zhang, await OrderCodeAsync(merchant, outTradeNo, fen));
        // Passed the risk check (counted there), then refused for the balance: nothing moved, so it is not one of the payments.
        Assert.Equal("INSUFFICIENT_BALANCE", await ErrorCodeAsync(await PayAsync("RISK-ONE-1", 200_000)));
        var paid = await PayAsync("RISK-ONE-2", 500);
        Assert.True(paid.IsSuccessStatusCode, await paid.Content.ReadAsStringAsync(Ct));
        var second = await PayAsync("RISK-ONE-3", 400); // the second payment in ten minutes
        Assert.Equal("RISK_BLOCKED", await ErrorCodeAsync(second));
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task RISK3_a_held_payment_whose_payer_was_put_on_the_risk_list_meanwhile_is_not_released_until_taken_off()
    {
        await PutRuleAsync(_server, "T-PAYREVIEW", "amount", new { minFen = 5_000 }, "review", "payment");
        var merchant = MerchantSigner.Demo(_server.BaseAddress, _server.Database.Directory).WithClock(() => _server.Clock.UtcNow);
        var zhang = await Party.SignInAsync(_server, DemoCards.ZhangSan);
        await zhang.FundAsync(20_000);
        var code = MerchantKit.CodeOf((await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
            MerchantKit.NativeOrder(merchant.MchId, "RISK-LISTED-1", 6_000, "http://127.0.0.1:9/notify"))).Body);
        var paid = await zhang.Wallet.PostAsJsonAsync($"/api/wallet/payments/{code}/pay", new { paymentPassword = Party.PaymentPassword }, Ct);
        Assert.True(paid.IsSuccessStatusCode, await paid.Content.ReadAsStringAsync(Ct));
        var held = Assert.Single(await CasesAsync(_server, zhang.UserId)).GetProperty("id");
        var entry = await PostAsync(_server, "/api/ops/risk/lists", new
        {
            list = "account", userId = zhang.UserId, reason = "police notice 2026-777", source = "police",
        });
        async Task<string> StateAsync() => JsonDocument.Parse((await merchant.SendAsync(HttpMethod.Get,
            $"/v3/pay/transactions/out-trade-no/RISK-LISTED-1?mchid={merchant.MchId}")).Body).RootElement.GetProperty("trade_state").GetString()!;

        using var risk = await LifecycleClient.OperatorAsync(_server, "risk");
        await risk.RefusedAsync($"/api/ops/risk/cases/{held}/decide", new { decision = "release" }, 409, "CASE_PARTY_RESTRICTED");
        Assert.Equal("NOTPAY", await StateAsync());
        (await risk.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/ops/risk/lists/{entry.GetProperty("id")}")
        {
            Content = JsonContent.Create(new { reason = "notice withdrawn" }),
        }, Ct)).EnsureSuccessStatusCode();
        await PostAsync(_server, $"/api/ops/risk/cases/{held}/decide", new { decision = "release" });
        Assert.Equal("SUCCESS", await StateAsync());
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task RISK1_a_payment_held_for_review_is_unpaid_to_the_merchant_until_released_and_a_voided_one_gives_the_money_back()
    {
        await PutRuleAsync(_server, "T-PAYREVIEW", "amount", new { minFen = 5_000 }, "review", "payment");
        var merchant = MerchantSigner.Demo(_server.BaseAddress, _server.Database.Directory).WithClock(() => _server.Clock.UtcNow);
        var zhang = await Party.SignInAsync(_server, DemoCards.ZhangSan);
        await zhang.FundAsync(20_000);
        var funded = (await zhang.BalanceAsync()).Balance;
        async Task<(string Code, JsonElement Paid)> PayAsync(string outTradeNo)
        {
            var code = MerchantKit.CodeOf((await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
                MerchantKit.NativeOrder(merchant.MchId, outTradeNo, 6_000, "http://127.0.0.1:9/notify"))).Body);
            var paid = await zhang.Wallet.PostAsJsonAsync($"/api/wallet/payments/{code}/pay", new { paymentPassword = Party.PaymentPassword }, Ct);
            Assert.True(paid.IsSuccessStatusCode, await paid.Content.ReadAsStringAsync(Ct));
            return (code, await paid.Content.ReadFromJsonAsync<JsonElement>(Ct));
        }
        async Task<string> StateAsync(string outTradeNo) => JsonDocument.Parse((await merchant.SendAsync(HttpMethod.Get,
            $"/v3/pay/transactions/out-trade-no/{outTradeNo}?mchid={merchant.MchId}")).Body).RootElement.GetProperty("trade_state").GetString()!;

        var (_, held) = await PayAsync("RISK-HOLD-1");
        Assert.Equal("REVIEW", held.GetProperty("state").GetString());
        Assert.Equal("NOTPAY", await StateAsync("RISK-HOLD-1"));
        Assert.Equal(funded - 6_000, (await zhang.BalanceAsync()).Balance);
        await TransferKit.AssertVerifiedAsync(_server);
        var first = Assert.Single(await CasesAsync(_server, zhang.UserId));
        Assert.Equal("payment", first.GetProperty("businessKind").GetString());
        await PostAsync(_server, $"/api/ops/risk/cases/{first.GetProperty("id")}/decide", new { decision = "release" });
        Assert.Equal("SUCCESS", await StateAsync("RISK-HOLD-1"));
        Assert.Equal(funded - 6_000, (await zhang.BalanceAsync()).Balance);

        await PayAsync("RISK-HOLD-2");
        var second = (await CasesAsync(_server, zhang.UserId)).First(c => c.GetProperty("status").GetString() == "open");
        await PostAsync(_server, $"/api/ops/risk/cases/{second.GetProperty("id")}/decide", new { decision = "void" });
        Assert.Equal("NOTPAY", await StateAsync("RISK-HOLD-2"));
        Assert.Equal(funded - 6_000, (await zhang.BalanceAsync()).Balance);
        await TransferKit.AssertVerifiedAsync(_server);

        // a merchant suspended since the payment was held is not paid by a release: the case stays open until it is resumed
        await PayAsync("RISK-HOLD-3");
        var third = (await CasesAsync(_server, zhang.UserId)).First(c => c.GetProperty("status").GetString() == "open").GetProperty("id");
        await PostAsync(_server, $"/api/ops/merchants/{merchant.MchId}/suspend", new { reason = "暂停交易待核查" });
        using var risk = await LifecycleClient.OperatorAsync(_server, "risk");
        await risk.RefusedAsync($"/api/ops/risk/cases/{third}/decide", new { decision = "release" }, 409, "CASE_PARTY_RESTRICTED");
        Assert.Equal("NOTPAY", await StateAsync("RISK-HOLD-3"));
        await PostAsync(_server, $"/api/ops/merchants/{merchant.MchId}/resume", new { reason = "核查完毕" });
        await PostAsync(_server, $"/api/ops/risk/cases/{third}/decide", new { decision = "release" });
        Assert.Equal("SUCCESS", await StateAsync("RISK-HOLD-3"));
        Assert.Equal(funded - 12_000, (await zhang.BalanceAsync()).Balance);
        await TransferKit.AssertVerifiedAsync(_server);

        // a release that posted the money and stopped before recording it, its retry refused by a suspension since: a void
        // finds the money with the merchant and closes the case as the release it was — the order paid, never "revoked"
        var (_, fourth) = await PayAsync("RISK-HOLD-4");
        Assert.Equal("REVIEW", fourth.GetProperty("state").GetString());
        var stopped = (await CasesAsync(_server, zhang.UserId)).First(c => c.GetProperty("status").GetString() == "open").GetProperty("id").GetGuid();
        await ReleaseStartedAsync(_server, stopped);
        await using (var db = _server.Database.Options.CreateContext())
        {
            var order = await db.Set<Zhifu.Data.Entities.PaymentOrderRow>().AsNoTracking().SingleAsync(o => o.OutTradeNo == "RISK-HOLD-4", Ct);
            var chain = JsonSerializer.Deserialize<Transfer[]>(order.PaymentChainJson!)!;
            Assert.All(await _server.Services.GetRequiredService<ILedger>().SubmitAsync(Zhifu.Server.Payments.WalletPayments.Resolution(chain, post: true), Ct),
                r => Assert.True(r.IsSuccess(), r.ToString()));
        }
        await PostAsync(_server, $"/api/ops/merchants/{merchant.MchId}/suspend", new { reason = "暂停交易待核查" });
        _server.Clock.Advance(TimeSpan.FromMinutes(3)); // the stopped server's claim lapsed
        await risk.RefusedAsync($"/api/ops/risk/cases/{stopped}/decide", new { decision = "release" }, 409, "CASE_PARTY_RESTRICTED");
        var closed = await PostAsync(_server, $"/api/ops/risk/cases/{stopped}/decide", new { decision = "void" });
        Assert.Equal(("decided", "release"), (closed.GetProperty("status").GetString(), closed.GetProperty("decision").GetString()));
        Assert.Equal("SUCCESS", await StateAsync("RISK-HOLD-4"));
        Assert.Equal(funded - 18_000, (await zhang.BalanceAsync()).Balance); // paid once
        await TransferKit.AssertVerifiedAsync(_server);

        // a release that stopped after the order recorded it but before the case did: asked again, it finishes as the release
        await PostAsync(_server, $"/api/ops/merchants/{merchant.MchId}/resume", new { reason = "核查完毕" });
        await PayAsync("RISK-HOLD-5");
        var fifth = (await CasesAsync(_server, zhang.UserId)).First(c => c.GetProperty("status").GetString() == "open").GetProperty("id").GetGuid();
        await ReleaseStartedAsync(_server, fifth);
        var hold = _server.Services.GetServices<Zhifu.Server.Risk.IRiskHold>().Single(h => h.Kind == Zhifu.Server.Risk.RiskKinds.Payment);
        var orderId = await WithOrderIdAsync("RISK-HOLD-5");
        Assert.Equal(Zhifu.Server.Risk.RiskHoldOutcome.Done, await hold.ReleaseAsync(orderId, Ct));
        _server.Clock.Advance(TimeSpan.FromMinutes(3));
        var finished = await PostAsync(_server, $"/api/ops/risk/cases/{fifth}/decide", new { decision = "release" });
        Assert.Equal(("decided", "release"), (finished.GetProperty("status").GetString(), finished.GetProperty("decision").GetString()));
        Assert.Equal("SUCCESS", await StateAsync("RISK-HOLD-5"));
        Assert.Equal(funded - 24_000, (await zhang.BalanceAsync()).Balance);
        await TransferKit.AssertVerifiedAsync(_server);

        async Task<Guid> WithOrderIdAsync(string outTradeNo)
        {
            await using var db = _server.Database.Options.CreateContext();
            return await db.Set<Zhifu.Data.Entities.PaymentOrderRow>().Where(o => o.OutTradeNo == outTradeNo).Select(o => o.Id).SingleAsync(Ct);
        }
    }

    [Fact]
    public async Task RISK3_listed_accounts_cards_and_merchants_are_blocked_until_removed_or_expired()
    {
        var (zhang, li) = (await Party.SignInAsync(_server, DemoCards.ZhangSan), await Party.SignInAsync(_server, DemoCards.LiSi));
        await zhang.FundAsync(100_000);
        await PutRuleAsync(_server, "T-LISTS", "list-hit", new { lists = new[] { "account", "card", "merchant", "payee", "device" } }, "block",
            score: 150);
        var entry = await PostAsync(_server, "/api/ops/risk/lists", new
        {
            list = "account", userId = li.UserId, reason = "police notice 2026-123", source = "police",
        });
        Assert.Equal("RISK_BLOCKED", await ErrorCodeAsync(await zhang.SendAsync(li, 100))); // the payee is listed
        using (var risk = await LifecycleClient.OperatorAsync(_server, "risk"))
        {
            var removed = await risk.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/ops/risk/lists/{entry.GetProperty("id")}")
            {
                Content = JsonContent.Create(new { reason = "notice withdrawn" }),
            }, Ct);
            Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        }
        Assert.Equal(HttpStatusCode.Created, (await zhang.SendAsync(li, 100)).StatusCode);

        var card = await zhang.CardTokenAsync("debit");
        await PostAsync(_server, "/api/ops/risk/lists", new
        {
            list = "card", cardToken = $" {card} ", reason = "card reported stolen", source = "bank", // pasted with spaces: still that card
            expiresAt = _server.Clock.UtcNow.AddHours(1),
        });
        var topUp = await zhang.Wallet.PostAsJsonAsync("/api/wallet/me/top-ups",
            new { requestId = Guid.NewGuid().ToString("N"), cardToken = card, amountFen = 1_000, paymentPassword = Party.PaymentPassword }, Ct);
        Assert.Equal("RISK_BLOCKED", await ErrorCodeAsync(topUp));
        _server.Clock.Advance(TimeSpan.FromHours(2)); // the entry expired
        zhang = await zhang.AgainAsync();
        var later = await zhang.Wallet.PostAsJsonAsync("/api/wallet/me/top-ups",
            new { requestId = Guid.NewGuid().ToString("N"), cardToken = card, amountFen = 1_000, paymentPassword = Party.PaymentPassword }, Ct);
        Assert.True(later.IsSuccessStatusCode, await later.Content.ReadAsStringAsync(Ct));

        // a device listed as typed by an operator (upper case, spaces) is the session's device id all the same
        await PostAsync(_server, "/api/ops/risk/lists", new { list = "device", deviceId = "  PHONE-Z9 ", reason = "mule farm", source = "police" });
        var onListed = await OnDeviceAsync(_server, DemoCards.ZhangSan, "phone-z9");
        Assert.Equal("RISK_BLOCKED", await ErrorCodeAsync(await onListed.SendAsync(li, 100)));

        using var ops = await LifecycleClient.OperatorAsync(_server, "risk");
        await ops.RefusedAsync("/api/ops/risk/lists", new { list = "card", userId = li.UserId, reason = "x", source = "y" }, 400,
            "RISK_LIST_INVALID");
        await ops.RefusedAsync("/api/ops/risk/lists", new { list = "account", userId = li.UserId, source = "y" }, 400, "REASON_REQUIRED");
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task RISK2_rules_change_without_redeploy_as_audited_versions_and_malformed_ones_are_refused_without_a_trace()
    {
        await PutRuleAsync(_server, "T-V", "amount", new { minFen = 1_000 }, "step-up");
        var second = await PutRuleAsync(_server, "T-V", "amount", new { minFen = 2_000 }, "block");
        Assert.Equal(2, second.GetProperty("version").GetInt32());
        var versions = await GetAsync(_server, "/api/ops/risk/rules?ruleId=T-V", "audit");
        Assert.Equal([2, 1], versions.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal(2, (await AuditActionsAsync(_server)).Count(a => a == "risk-rule.put"));

        using var risk = await LifecycleClient.OperatorAsync(_server, "risk");
        // an edit made from version 1 while version 2 is in force does not silently undo version 2
        await risk.RefusedPutAsync("/api/ops/risk/rules/T-V", new
        {
            type = "amount", kinds = "*", parameters = new { minFen = 3_000 }, action = "step-up", score = 1, mode = "active",
            description = "from v1", expectedVersion = 1,
        }, 409, "RISK_RULE_CHANGED");
        Assert.Equal(2, (await GetAsync(_server, "/api/ops/risk/rules?ruleId=T-V", "audit")).GetArrayLength());
        object Bad(string type, object parameters, string action = "block") =>
            new { type, kinds = "*", parameters, action, score = 1, mode = "active", description = "bad" };
        await risk.RefusedPutAsync("/api/ops/risk/rules/T-BAD", Bad("teleport", new { }), 400, "RISK_RULE_INVALID");
        await risk.RefusedPutAsync("/api/ops/risk/rules/T-BAD", Bad("amount", new { minFen = 0 }), 400, "RISK_RULE_INVALID");
        await risk.RefusedPutAsync("/api/ops/risk/rules/T-BAD", Bad("amount", new { minFenn = 5 }), 400, "RISK_RULE_INVALID");
        await risk.RefusedPutAsync("/api/ops/risk/rules/T-BAD", Bad("velocity", new { subject = "user", windowMinutes = 0, maxCount = 1 }),
            400, "RISK_RULE_INVALID");
        await risk.RefusedPutAsync("/api/ops/risk/rules/T-BAD", Bad("amount", new { minFen = 5 }, "allow"), 400, "RISK_RULE_INVALID");
        await risk.RefusedPutAsync("/api/ops/risk/rules/bad%20id", Bad("amount", new { minFen = 5 }), 400, "RISK_RULE_ID_INVALID");
        Assert.Empty((await GetAsync(_server, "/api/ops/risk/rules?ruleId=T-BAD")).EnumerateArray());
        using var service = await LifecycleClient.OperatorAsync(_server, "service");
        Assert.Equal(HttpStatusCode.Forbidden, (await service.PutAsJsonAsync("/api/ops/risk/rules/T-X", Bad("amount", new { minFen = 5 }), Ct))
            .StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await service.GetAsync("/api/ops/risk/rules", Ct)).StatusCode);
    }

    [Fact]
    public async Task RISK2_a_dry_run_replays_recent_traffic_through_a_proposed_rule_and_changes_nothing()
    {
        var (zhang, li) = (await Party.SignInAsync(_server, DemoCards.ZhangSan), await Party.SignInAsync(_server, DemoCards.LiSi));
        await zhang.FundAsync(100_000);
        foreach (var fen in new long[] { 100, 200, 5_000, 6_000, 300 })
        {
            Assert.Equal(HttpStatusCode.Created, (await zhang.SendAsync(li, fen)).StatusCode);
        }
        var report = await PostAsync(_server, "/api/ops/risk/rules/dry-run", new
        {
            type = "amount", kinds = "transfer", parameters = new { minFen = 5_000 }, action = "review", score = 10, mode = "active",
            description = "would ¥50 and up be reviewed?",
        });
        Assert.Equal(5, report.GetProperty("evaluated").GetInt32());
        Assert.Equal(2, report.GetProperty("hits").GetInt32());
        var velocity = await PostAsync(_server, "/api/ops/risk/rules/dry-run", new
        {
            type = "velocity", kinds = "*", parameters = new { subject = "user", windowMinutes = 10, maxCount = 3 }, action = "step-up",
            score = 10, mode = "active", description = "more than 3 in 10 minutes",
        });
        Assert.Equal(2, velocity.GetProperty("hits").GetInt32()); // the 4th and 5th
        Assert.Empty((await GetAsync(_server, "/api/ops/risk/rules")).EnumerateArray());
    }

    [Fact]
    public async Task RISK2_the_windows_rebuilt_at_a_restart_hold_the_newest_movements_when_there_are_more_than_it_reads()
    {
        await using var server = await TransferKit.StartAsync("--Risk:VelocityRebuildRowsMax=2");
        TransferKit.ToBeforeChinaMidnight(server, TimeSpan.FromHours(10));
        await PutRuleAsync(server, "T-TWO", "velocity", new { subject = "user", windowMinutes = 60, maxCount = 2 }, "block", "transfer");
        var (zhang, li) = (await Party.SignInAsync(server, DemoCards.ZhangSan), await Party.SignInAsync(server, DemoCards.LiSi));
        await zhang.FundAsync(10_000);
        var wang = await Party.SignInAsync(server, DemoCards.WangWu);
        await li.FundAsync(10_000);
        Assert.Equal(HttpStatusCode.Created, (await li.SendAsync(wang, 100)).StatusCode); // older than zhang's two
        server.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Created, (await zhang.SendAsync(li, 100)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await zhang.SendAsync(li, 100)).StatusCode);
        await server.RestartAsync();
        zhang = await zhang.AgainAsync();
        Assert.Equal("RISK_BLOCKED", await ErrorCodeAsync(await zhang.SendAsync(li, 100)));
    }

    [Fact]
    public async Task RISK2_a_fresh_install_starts_with_the_starter_rules_and_velocity_survives_a_restart()
    {
        await using var server = await TransferKit.StartAsync("--Risk:SeedDefaultRules=true");
        // The starter set's R006 asks a step-up from 00:00 to 05:00 China time: the test runs at a daytime hour whenever it runs
        // (it failed in CI at 00:10 China time).
        var hour = Zhifu.Core.ChinaTime.ToChina(server.Clock.UtcNow).Hour;
        if (hour < 6)
        {
            server.Clock.Advance(TimeSpan.FromHours(6 - hour));
        }
        var rules = await GetAsync(server, "/api/ops/risk/rules");
        Assert.Equal(10, rules.GetArrayLength());
        await PutRuleAsync(server, "R002", "velocity", new { subject = "user", windowMinutes = 10, maxCount = 2 }, "block", "transfer");
        var (zhang, li) = (await Party.SignInAsync(server, DemoCards.ZhangSan), await Party.SignInAsync(server, DemoCards.LiSi));
        await zhang.FundAsync(10_000);
        Assert.Equal(HttpStatusCode.Created, (await zhang.SendAsync(li, 100)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await zhang.SendAsync(li, 100)).StatusCode);
        await server.RestartAsync();
        zhang = await zhang.AgainAsync();
        Assert.Equal("RISK_BLOCKED", await ErrorCodeAsync(await zhang.SendAsync(li, 100)));
    }
}
