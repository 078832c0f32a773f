using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Tests.Lifecycle;
using Zhifu.Tests.Transfers;
using static Zhifu.Tests.Risk.RiskKit;

namespace Zhifu.Tests.Risk;

/// <summary>RISK-1 decisions and RISK-2 rule types, each firing at its edge and quiet just inside it, through real transfers.</summary>
public sealed class RiskRuleTests : IAsyncLifetime
{
    private ClockedServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task RISK1_amount_rule_blocks_at_its_minimum_stays_quiet_one_fen_below_and_shows_operators_why()
    {
        var (zhang, li) = (await Party.SignInAsync(_server, DemoCards.ZhangSan), await Party.SignInAsync(_server, DemoCards.LiSi));
        await zhang.FundAsync(1_000_000);
        var rule = await PutRuleAsync(_server, "T-AMOUNT", "amount", new { minFen = 50_000 }, "block", "transfer", score: 5);
        Assert.Equal(1, rule.GetProperty("version").GetInt32());

        Assert.Equal(HttpStatusCode.Created, (await zhang.SendAsync(li, 49_999)).StatusCode);
        var before = (await zhang.BalanceAsync()).Balance;
        var refused = await zhang.SendAsync(li, 50_000);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("RISK_BLOCKED", await ErrorCodeAsync(refused));
        Assert.Equal(before, (await zhang.BalanceAsync()).Balance);

        var decisions = await DecisionsAsync(_server, zhang.UserId);
        Assert.Equal(["block", "allow"], decisions.Select(d => d.GetProperty("action").GetString()));
        var hit = decisions[0].GetProperty("hits")[0];
        Assert.Equal("T-AMOUNT", hit.GetProperty("ruleId").GetString());
        Assert.Equal(1, hit.GetProperty("version").GetInt32());
        Assert.Contains("¥500.00", hit.GetProperty("reason").GetString(), StringComparison.Ordinal);
        // RISK-4 + RISK-5: the block opened an alert case and the user was told at once.
        var cases = await CasesAsync(_server, zhang.UserId);
        Assert.Equal("alert", Assert.Single(cases).GetProperty("kind").GetString());
        Assert.Contains(await zhang.TextsAsync(), t => t.Contains("已被拦截", StringComparison.Ordinal));
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task RISK2_velocity_count_steps_up_the_many_small_payments_pattern_and_the_sms_code_lets_it_through()
    {
        var (zhang, li) = (await Party.SignInAsync(_server, DemoCards.ZhangSan), await Party.SignInAsync(_server, DemoCards.LiSi));
        await zhang.FundAsync(100_000);
        await PutRuleAsync(_server, "T-VEL", "velocity", new { subject = "user", windowMinutes = 10, maxCount = 3 }, "step-up", "transfer");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await zhang.SendAsync(li, 100 + i)).StatusCode);
            _server.Clock.Advance(TimeSpan.FromSeconds(30));
        }
        var requestId = Party.NewRequestId();
        var stepped = await zhang.SendAsync(li, 103, requestId: requestId);
        Assert.Equal(HttpStatusCode.Forbidden, stepped.StatusCode);
        var body = await stepped.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("SECOND_FACTOR_REQUIRED", body.GetProperty("code").GetString());
        Assert.True(body.GetProperty("riskStepUp").GetBoolean());
        Assert.Equal(HttpStatusCode.Created, (await zhang.SendAsync(li, 103, requestId: requestId, code: await zhang.TransferCodeAsync()))
            .StatusCode);

        // Past the window the count starts again: quiet.
        _server.Clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(HttpStatusCode.Created, (await zhang.SendAsync(li, 104)).StatusCode);
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task RISK2_a_transfer_the_ledger_could_not_take_at_once_counts_in_the_velocity_windows()
    {
        var (zhang, li) = (await Party.SignInAsync(_server, DemoCards.ZhangSan), await Party.SignInAsync(_server, DemoCards.LiSi));
        await zhang.FundAsync(100_000);
        await PutRuleAsync(_server, "T-VEL1", "velocity", new { subject = "user", windowMinutes = 10, maxCount = 1 }, "block", "transfer");
        await using (await LedgerOutageAsync(_server, 1_234))
        {
            var processing = await zhang.SendAsync(li, 1_234);
            Assert.Equal(HttpStatusCode.Accepted, processing.StatusCode); // processing: recovery completes it
        }
        var second = await zhang.SendAsync(li, 500);
        Assert.Equal(HttpStatusCode.Forbidden, second.StatusCode);
        Assert.Equal("RISK_BLOCKED", await ErrorCodeAsync(second));
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task RISK2_a_velocity_rule_counts_only_the_kinds_it_names_payments_do_not_fill_a_transfer_out_sum()
    {
        var (zhang, li) = (await Party.SignInAsync(_server, DemoCards.ZhangSan), await Party.SignInAsync(_server, DemoCards.LiSi));
        await zhang.FundAsync(100_000);
        await PutRuleAsync(_server, "T-OUT", "velocity", new { subject = "user", windowMinutes = 60, maxSumFen = 10_000 }, "block", "transfer");
        var merchant = MerchantApi.MerchantSigner.Demo(_server.BaseAddress, _server.Database.Directory).WithClock(() => _server.Clock.UtcNow);
        var code = MerchantApi.MerchantKit.CodeOf((await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
            MerchantApi.MerchantKit.NativeOrder(merchant.MchId, "RISK-KIND-1", 9_000, "http://127.0.0.1:9/notify"))).Body);
        var paid = await zhang.Wallet.PostAsJsonAsync($"/api/wallet/payments/{code}/pay", new { paymentPassword = Party.PaymentPassword }, Ct);
        Assert.True(paid.IsSuccessStatusCode, await paid.Content.ReadAsStringAsync(Ct));

        // ¥90 paid to a shop and ¥20 sent: ¥20 of transfers in the hour, well inside the rule's ¥100
        Assert.Equal(HttpStatusCode.Created, (await zhang.SendAsync(li, 2_000)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await zhang.SendAsync(li, 8_000)).StatusCode); // exactly ¥100 of transfers
        Assert.Equal("RISK_BLOCKED", await ErrorCodeAsync(await zhang.SendAsync(li, 1)));
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task RISK2_a_released_review_counts_at_its_time_and_hides_none_of_the_movements_made_since()
    {
        var zhang = await Party.SignInAsync(_server, DemoCards.ZhangSan);
        await zhang.FundAsync(100_000);
        await PutRuleAsync(_server, "T-BIG", "amount", new { minFen = 5_000 }, "review", "payment");
        await PutRuleAsync(_server, "T-MANY", "velocity", new { subject = "user", windowMinutes = 10, maxCount = 3 }, "block", "payment");
        var merchant = MerchantApi.MerchantSigner.Demo(_server.BaseAddress, _server.Database.Directory).WithClock(() => _server.Clock.UtcNow);
        async Task<HttpResponseMessage> PayAsync(string outTradeNo, long fen)
        {
            var code = MerchantApi.MerchantKit.CodeOf((await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
                MerchantApi.MerchantKit.NativeOrder(merchant.MchId, outTradeNo, fen, "http://127.0.0.1:9/notify"))).Body);
            return await zhang.Wallet.PostAsJsonAsync($"/api/wallet/payments/{code}/pay", new { paymentPassword = Party.PaymentPassword }, Ct);
        }
        Assert.True((await PayAsync("RISK-ORDER-0", 6_000)).IsSuccessStatusCode); // held for review
        _server.Clock.Advance(TimeSpan.FromMinutes(15));
        for (var i = 1; i <= 3; i++)
        {
            var paid = await PayAsync($"RISK-ORDER-{i}", 100);
            Assert.True(paid.IsSuccessStatusCode, await paid.Content.ReadAsStringAsync(Ct));
        }
        var held = Assert.Single(await CasesAsync(_server, zhang.UserId));
        await PostAsync(_server, $"/api/ops/risk/cases/{held.GetProperty("id")}/decide", new { decision = "release" });

        // the three small payments of the last ten minutes still count: a fourth is one too many
        var fourth = await PayAsync("RISK-ORDER-4", 100);
        Assert.Equal(HttpStatusCode.Forbidden, fourth.StatusCode);
        Assert.Equal("RISK_BLOCKED", await ErrorCodeAsync(fourth));
        await TransferKit.AssertVerifiedAsync(_server);
    }

    /// <summary>张三, funded, his debit card, a rule holding more than ¥1,000 of <paramref name="kind"/>s (withdrawal, topup) an
    /// hour for review, and a bank that takes 300 ms to answer.</summary>
    private async Task<(Party Zhang, string Card, Bank.BankAdminClient Bank)> SlowBankMoverAsync(string kind)
    {
        var zhang = await Party.SignInAsync(_server, DemoCards.ZhangSan);
        await zhang.FundAsync(200_000);
        var card = await zhang.CardTokenAsync("debit");
        await PutRuleAsync(_server, "T-OUTSUM", "velocity", new { subject = "user", windowMinutes = 60, maxSumFen = 100_000 }, "review",
            kind);
        var bank = new Bank.BankAdminClient(new HttpClient(),
            _server.Services.GetRequiredService<Zhifu.Server.Banking.BankChannelAddress>().BaseAddress!);
        await bank.SetFaultsAsync(new Bank.BankAdminClient.Faults(LatencyMs: 300), Ct);
        return (zhang, card, bank);
    }

    /// <summary>A ¥400 withdrawal to, or top-up from, <paramref name="card"/> (<paramref name="movements"/>: withdrawals, top-ups).</summary>
    private static Task<HttpResponseMessage> MoveAsync(Party payer, string movements, string card, string requestId) =>
        payer.Wallet.PostAsJsonAsync("/api/wallet/me/" + movements,
            new { requestId, cardToken = card, amountFen = 40_000, paymentPassword = Party.PaymentPassword }, Ct);

    /// <summary>The answers' bodies, each answer a success.</summary>
    private static async Task<List<JsonElement>> SucceededAsync(IEnumerable<HttpResponseMessage> answers)
    {
        var bodies = new List<JsonElement>();
        foreach (var answer in answers)
        {
            var body = await answer.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.True(answer.IsSuccessStatusCode, body.ToString());
            bodies.Add(body);
        }
        return bodies;
    }

    [Theory]
    [InlineData("withdrawal", "withdrawals")]
    [InlineData("topup", "top-ups")]
    public async Task RISK2_withdrawals_and_top_ups_sent_at_once_are_counted_one_after_another_by_a_velocity_sum(string kind,
        string movements)
    {
        var (zhang, card, bank) = await SlowBankMoverAsync(kind); // each movement still at the bank as the next is decided
        var sent = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => MoveAsync(zhang, movements, card, Guid.NewGuid().ToString("N"))));
        await bank.SetFaultsAsync(new Bank.BankAdminClient.Faults(), Ct);
        var statuses = (await SucceededAsync(sent)).Select(body => body.GetProperty("status").GetString()!).ToList();
        // ¥400 + ¥400 pass; the third would make ¥1,200 in the hour against the rule's ¥1,000: held for review, whichever came last
        Assert.Equal(1, statuses.Count(s => s == "review"));
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Theory]
    [InlineData("withdrawal", "withdrawals")]
    [InlineData("topup", "top-ups")]
    public async Task RISK2_a_withdrawal_or_top_up_tapped_twice_at_once_is_one_movement_counted_once(string kind, string movements)
    {
        var (zhang, card, bank) = await SlowBankMoverAsync(kind);
        var requestId = Guid.NewGuid().ToString("N");
        var taps = await Task.WhenAll(MoveAsync(zhang, movements, card, requestId), MoveAsync(zhang, movements, card, requestId)); // a double tap
        await bank.SetFaultsAsync(new Bank.BankAdminClient.Faults(), Ct);
        Assert.Single((await SucceededAsync(taps)).Select(body => body.GetProperty("id").GetString()!).Distinct()); // one movement
        // decided once: the second tap waited for the first and was answered its movement, never risk-checked as another one
        Assert.Single(await DecisionsAsync(_server, zhang.UserId), d => d.GetProperty("kind").GetString() == kind);
        // ¥400 moved once, so ¥400 more is ¥800 in the hour, inside the rule's ¥1,000 — not held as if it were ¥1,200
        var next = await (await MoveAsync(zhang, movements, card, Guid.NewGuid().ToString("N"))).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.NotEqual("review", next.GetProperty("status").GetString());
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task RISK2_velocity_sum_per_payee_reviews_money_piling_into_one_wallet()
    {
        var (zhang, li) = (await Party.SignInAsync(_server, DemoCards.ZhangSan), await Party.SignInAsync(_server, DemoCards.LiSi));
        await zhang.FundAsync(100_000);
        await li.FundAsync(100_000);
        await PutRuleAsync(_server, "T-PAYEE", "velocity", new { subject = "payee", windowMinutes = 60, maxSumFen = 30_000 }, "review",
            "transfer");
        Assert.Equal(HttpStatusCode.Created, (await zhang.SendAsync(li, 20_000)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await zhang.SendAsync(li, 10_000)).StatusCode); // exactly the maximum: quiet
        Assert.Equal(HttpStatusCode.Created, (await li.SendAsync(zhang, 30_000)).StatusCode); // another payee's window
        var held = await zhang.SendAsync(li, 1);
        Assert.Equal(HttpStatusCode.Accepted, held.StatusCode);
        Assert.Equal("review", (await held.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString());
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task RISK2_a_new_device_at_3am_is_stepped_up_while_the_usual_device_by_day_is_not()
    {
        var li = await Party.SignInAsync(_server, DemoCards.LiSi);
        var usual = await OnDeviceAsync(_server, DemoCards.ZhangSan, "phone-usual");
        await usual.FundAsync(100_000);
        await PutRuleAsync(_server, "T-NEWDEV", "new-device", new { }, "step-up", score: 40);
        await PutRuleAsync(_server, "T-NIGHT", "time-of-day", new { fromHour = 0, toHour = 5 }, "step-up", "transfer", score: 20);
        Assert.Equal(HttpStatusCode.Created, (await usual.SendAsync(li, 500)).StatusCode); // the profile learns the device
        Assert.Equal(HttpStatusCode.Created, (await usual.SendAsync(li, 500)).StatusCode);

        TransferKit.ToBeforeChinaMidnight(_server, TimeSpan.FromHours(-3)); // 03:00 China time
        var stranger = await OnDeviceAsync(_server, DemoCards.ZhangSan, "phone-new");
        var stepped = await stranger.SendAsync(li, 500);
        Assert.Equal(HttpStatusCode.Forbidden, stepped.StatusCode);
        var decision = (await DecisionsAsync(_server, usual.UserId))[0];
        Assert.Equal("step-up", decision.GetProperty("action").GetString());
        Assert.Equal(["T-NEWDEV", "T-NIGHT"], decision.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("ruleId").GetString())
            .Order());

        TransferKit.ToBeforeChinaMidnight(_server, TimeSpan.FromHours(9)); // 15:00, the usual device
        usual = await OnDeviceAsync(_server, DemoCards.ZhangSan, "phone-usual");
        Assert.Equal(HttpStatusCode.Created, (await usual.SendAsync(li, 500)).StatusCode);
    }

    [Fact]
    public async Task RISK2_a_region_never_seen_steps_up_and_a_known_one_does_not()
    {
        var li = await Party.SignInAsync(_server, DemoCards.LiSi);
        var home = await OnDeviceAsync(_server, DemoCards.ZhangSan, "phone-1", region: "310101");
        await home.FundAsync(100_000);
        await PutRuleAsync(_server, "T-LOC", "location-change", new { }, "step-up");
        Assert.Equal(HttpStatusCode.Created, (await home.SendAsync(li, 800)).StatusCode);
        var away = await OnDeviceAsync(_server, DemoCards.ZhangSan, "phone-1", region: "460201");
        Assert.Equal(HttpStatusCode.Forbidden, (await away.SendAsync(li, 800)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await home.SendAsync(li, 800)).StatusCode);
    }

    [Fact]
    public async Task RISK2_a_sudden_large_amount_departs_from_habit_and_the_profile_rule_steps_it_up()
    {
        var li = await Party.SignInAsync(_server, DemoCards.LiSi);
        var zhang = await Party.SignInAsync(_server, DemoCards.ZhangSan);
        await zhang.FundAsync(1_000_000);
        await PutRuleAsync(_server, "T-HABIT", "profile", new { minScore = 40 }, "step-up");
        foreach (var fen in new long[] { 1_000, 1_200, 900, 1_100, 1_000, 1_300 })
        {
            Assert.Equal(HttpStatusCode.Created, (await zhang.SendAsync(li, fen)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Created, (await zhang.SendAsync(li, 1_500)).StatusCode); // within habit: quiet
        Assert.Equal(HttpStatusCode.Forbidden, (await zhang.SendAsync(li, 500_000)).StatusCode); // ¥5,000 out of nowhere
        var hit = (await DecisionsAsync(_server, zhang.UserId))[0].GetProperty("hits")[0].GetProperty("reason").GetString();
        Assert.Contains("amount far above usual", hit, StringComparison.Ordinal);
        await FlushProfilesAsync(_server);
        var profile = await GetAsync(_server, $"/api/ops/risk/profiles/{zhang.UserId}");
        Assert.Equal(7, profile.GetProperty("movements").GetInt64());
    }

    [Fact]
    public async Task RISK2_summed_scores_escalate_two_step_ups_to_a_review()
    {
        var li = await Party.SignInAsync(_server, DemoCards.LiSi);
        var zhang = await Party.SignInAsync(_server, DemoCards.ZhangSan);
        await zhang.FundAsync(100_000);
        await PutRuleAsync(_server, "T-S1", "amount", new { minFen = 10_000 }, "step-up", score: 60);
        await PutRuleAsync(_server, "T-S2", "velocity", new { subject = "user", windowMinutes = 60, maxSumFen = 9_999 }, "step-up",
            score: 40);
        var held = await zhang.SendAsync(li, 10_000); // 60 + 40 = the review score (100)
        Assert.Equal(HttpStatusCode.Accepted, held.StatusCode);
        var decision = (await DecisionsAsync(_server, zhang.UserId))[0];
        Assert.Equal("review", decision.GetProperty("action").GetString());
        Assert.Equal(100, decision.GetProperty("score").GetInt32());
    }

    [Fact]
    public async Task RISK2_a_dry_run_rule_records_what_it_would_do_and_never_acts()
    {
        var li = await Party.SignInAsync(_server, DemoCards.LiSi);
        var zhang = await Party.SignInAsync(_server, DemoCards.ZhangSan);
        await zhang.FundAsync(100_000);
        await PutRuleAsync(_server, "T-DRY", "amount", new { minFen = 1 }, "block", mode: "dry-run");
        Assert.Equal(HttpStatusCode.Created, (await zhang.SendAsync(li, 700)).StatusCode);
        var decision = (await DecisionsAsync(_server, zhang.UserId))[0];
        Assert.Equal("allow", decision.GetProperty("action").GetString());
        Assert.Equal("T-DRY", decision.GetProperty("dryRunHits")[0].GetProperty("ruleId").GetString());
    }
}
