using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Data.Entities;
using Zhifu.Core.Banking;
using Zhifu.Server.Notifications;
using Zhifu.Server.Passwordless;
using Zhifu.Server.Payments;
using Zhifu.Tests.Lifecycle;
using Zhifu.Tests.MerchantApi;
using Zhifu.Tests.Transfers;
using static Zhifu.Tests.Risk.RiskKit;

namespace Zhifu.Tests.Passwordless;

/// <summary>
/// 免密支付 (PWL-1 … PWL-7) end to end through real HTTP: the merchant's WeChat Pay v3 entrusted-debit calls signed with
/// the demo merchant's key, the wallet signing and cancelling, the operators' eligibility, report and disputes.
/// </summary>
public sealed class PasswordlessTests : IAsyncLifetime
{
    private const string AppId = "wxd678efh567hg6787";
    private ClockedServer _server = null!;
    private NotifyReceiver _notify = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await TransferKit.StartAsync("--Passwordless:DisputeMinPayments=2", "--Passwordless:DisputeRateThresholdPpm=400000");
        TransferKit.ToBeforeChinaMidnight(_server, TimeSpan.FromHours(10)); // 14:00 China time
        _notify = new NotifyReceiver();
    }

    public async ValueTask DisposeAsync()
    {
        _notify.Dispose();
        await _server.DisposeAsync();
    }

    private MerchantSigner Merchant() =>
        MerchantSigner.Demo(_server.BaseAddress, _server.Database.Directory).WithClock(() => _server.Clock.UtcNow);

    [Fact]
    public async Task PWL1_PWL3_off_by_default_signed_knowingly_charged_within_each_limit_at_the_edge_and_cancelled_at_once()
    {
        var merchant = Merchant();
        var zhang = await Party.SignInAsync(_server, DemoCards.ZhangSan);
        await zhang.FundAsync(50_000);

        // default off: the user has nothing; a merchant not judged suitable cannot even ask (PWL-1, PWL-3)
        var overview = await zhang.Wallet.GetFromJsonAsync<JsonElement>("/api/wallet/passwordless", Ct);
        Assert.Equal(0, overview.GetProperty("agreements").GetArrayLength());
        MerchantKit.AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/papay/sign/contracts/pre-entrust-sign",
            PreSign("PWLC0001")), 403, "NO_AUTH");
        await SetTermsAsync(new { passwordlessEligible = true, passwordlessPerPaymentFen = 5_000, passwordlessDailyFen = 8_000 });

        var preSignId = await PreSignAsync(merchant, "PWLC0001");
        var offer = await zhang.Wallet.GetFromJsonAsync<JsonElement>($"/api/wallet/passwordless/offer?preSignId={preSignId}", Ct);
        Assert.Equal(5_000, offer.GetProperty("perPaymentLimitFen").GetInt64());
        Assert.False(offer.GetProperty("elderly").GetBoolean());
        Assert.Contains("无需输入支付密码", offer.GetProperty("coreTerms")[0].GetString(), StringComparison.Ordinal);

        // never pre-ticked, never above the merchant's caps, never without the password and the code
        Assert.Equal("PASSWORDLESS_TERMS_NOT_ACCEPTED", await SignErrorAsync(zhang, new { preSignId, acceptTerms = false }));
        Assert.Equal("PASSWORDLESS_LIMIT_ABOVE_CAP", await SignErrorAsync(zhang,
            new { preSignId, acceptTerms = true, perPaymentLimitFen = 5_001, paymentPassword = Party.PaymentPassword }));
        // a limit of nothing (or less) is refused, never taken as "no choice", which would give the merchant's cap
        Assert.Equal("PASSWORDLESS_INVALID_LIMIT", await SignErrorAsync(zhang,
            new { preSignId, acceptTerms = true, perPaymentLimitFen = 0, paymentPassword = Party.PaymentPassword }));
        Assert.Equal("PASSWORDLESS_INVALID_LIMIT", await SignErrorAsync(zhang,
            new { preSignId, acceptTerms = true, dailyLimitFen = -100, paymentPassword = Party.PaymentPassword }));
        Assert.Equal("OTP_INVALID", await SignErrorAsync(zhang,
            new { preSignId, acceptTerms = true, paymentPassword = Party.PaymentPassword, smsCode = "000000" }));
        var contractId = await SignAsync(zhang, new { preSignId, acceptTerms = true, perPaymentLimitFen = 3_000, dailyLimitFen = 5_000 });

        var signed = await ContractCallbackAsync(merchant);
        Assert.Equal("PAPAY.SIGN", signed.Event);
        Assert.Equal(contractId, signed.Contract.GetProperty("contract_id").GetString());
        var queried = JsonDocument.Parse((await merchant.SendAsync(HttpMethod.Get,
            "/v3/papay/sign/contracts/plan-id/12535/out-contract-code/PWLC0001")).Body).RootElement;
        Assert.Equal("SIGNED", queried.GetProperty("contract_state").GetString());

        // the user's own limits, each at its edge (PWL-3): at the limit pays without the password, one fen more asks for it
        var before = (await zhang.BalanceAsync()).Balance;
        Assert.Equal("SUCCESS", await ChargeAsync(merchant, contractId, "PWL-T-0001", 3_000));
        Assert.Equal("USERPAYING", await ChargeAsync(merchant, contractId, "PWL-T-0002", 3_001));
        Assert.Equal("SUCCESS", await ChargeAsync(merchant, contractId, "PWL-T-0003", 2_000)); // 5,000 today: the daily edge
        Assert.Equal("USERPAYING", await ChargeAsync(merchant, contractId, "PWL-T-0004", 1));
        Assert.Equal(before - 5_000, (await zhang.BalanceAsync()).Balance);
        var texts = await _server.Services.GetRequiredService<SmsOutbox>().ReadAsync(DemoCards.ZhangSan.Phone, 5, Ct);
        Assert.Contains(texts, t => t.Body.Contains("超过免密限额", StringComparison.Ordinal));
        // the waiting one is the user's to confirm with the password (二次验证)
        var pending = await zhang.Wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me/payment-code/pending", Ct);
        Assert.Equal(2, pending.GetArrayLength());
        // MER-3: the merchant console's state filter finds them where its State column puts them (USERPAYING, not NOTPAY)
        using (var cashier = _server.Client())
        {
            (await Infrastructure.MerchantStaffSignIn.LoginAsync(cashier, "cafe-cashier", "Shop@2026", Ct)).EnsureSuccessStatusCode();
            Assert.Contains(">PWL-T-0002<", await cashier.GetStringAsync("/merchant?state=USERPAYING&type=PAP", Ct), StringComparison.Ordinal);
            Assert.DoesNotContain(">PWL-T-0002<", await cashier.GetStringAsync("/merchant?state=NOTPAY", Ct), StringComparison.Ordinal);
            Assert.DoesNotContain(">PWL-T-0002<", await cashier.GetStringAsync("/merchant?type=NATIVE", Ct), StringComparison.Ordinal);
        }
        // a repeated apply answers as before (PAY-6): never two charges
        Assert.Equal("SUCCESS", await ChargeAsync(merchant, contractId, "PWL-T-0001", 3_000));
        Assert.Equal(before - 5_000, (await zhang.BalanceAsync()).Balance);

        // the user confirms the ¥0.01 one with the password (二次验证): paid, but not a passwordless payment — not listed as
        // one, not disputable as one, and not spent from the passwordless day
        var waiting = pending.EnumerateArray().First(p => p.GetProperty("amountFen").GetInt64() == 1).GetProperty("code").GetString();
        var confirmed = await zhang.Wallet.PostAsJsonAsync($"/api/wallet/payments/{waiting}/pay", new { paymentPassword = Party.PaymentPassword }, Ct);
        Assert.True(confirmed.IsSuccessStatusCode, await confirmed.Content.ReadAsStringAsync(Ct));
        var confirmedId = (await confirmed.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("transactionId").GetString();
        Assert.Equal(before - 5_001, (await zhang.BalanceAsync()).Balance);
        Assert.Equal("PASSWORDLESS_DISPUTE_NOT_ALLOWED", await ErrorCodeAsync(await zhang.Wallet.PostAsJsonAsync(
            $"/api/wallet/passwordless/payments/{confirmedId}/dispute", new { reason = "我没有使用过这项服务" }, Ct)));

        // PWL-5: one call shows the agreement and its passwordless payments
        overview = await zhang.Wallet.GetFromJsonAsync<JsonElement>("/api/wallet/passwordless", Ct);
        Assert.Equal("SIGNED", overview.GetProperty("agreements")[0].GetProperty("state").GetString());
        Assert.Equal(2, overview.GetProperty("payments").GetArrayLength());

        // one click cancels every agreement, effective at once: the very next charge is refused and nothing moves
        var closed = await zhang.Wallet.PostAsync("/api/wallet/passwordless/cancel-all", null, Ct);
        Assert.Equal(1, (await closed.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("closed").GetInt32());
        MerchantKit.AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/papay/pay/transactions/apply",
            Apply(contractId, "PWL-T-0005", 100)), 404, "RESOURCE_NOT_EXISTS");
        // …but a charge made before, asked again (its answer was lost), answers the money it took (PAY-6), not "no such contract"
        Assert.Equal("SUCCESS", await ChargeAsync(merchant, contractId, "PWL-T-0001", 3_000));
        MerchantKit.AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/papay/pay/transactions/apply",
            Apply(contractId, "PWL-T-0001", 2_999)), 403, "OUT_TRADE_NO_USED"); // other content under its number: refused
        Assert.Equal(before - 5_001, (await zhang.BalanceAsync()).Balance);
        var terminated = await ContractCallbackAsync(merchant);
        Assert.Equal("PAPAY.TERMINATE", terminated.Event);
        Assert.Contains(await _server.Services.GetRequiredService<SmsOutbox>().ReadAsync(DemoCards.ZhangSan.Phone, 5, Ct),
            t => t.Body.Contains("免密支付协议已由您本人解除", StringComparison.Ordinal)); // CS-3
        Assert.Equal("USER", terminated.Contract.GetProperty("contract_terminate_info").GetProperty("contract_termination_mode").GetString());
        // a used contract code never signs again
        MerchantKit.AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/papay/sign/contracts/pre-entrust-sign",
            PreSign("PWLC0001")), 400, "INVALID_REQUEST");
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task PWL3_charges_sent_at_once_under_one_agreement_stay_within_its_daily_limit()
    {
        var merchant = Merchant();
        var zhang = await Party.SignInAsync(_server, DemoCards.ZhangSan);
        await zhang.FundAsync(50_000);
        await SetTermsAsync(new { passwordlessEligible = true, passwordlessPerPaymentFen = 5_000, passwordlessDailyFen = 8_000 });
        var contractId = await SignAsync(zhang, new
        {
            preSignId = await PreSignAsync(merchant, "PWLC0009"), acceptTerms = true, perPaymentLimitFen = 3_000, dailyLimitFen = 5_000,
        });
        var before = (await zhang.BalanceAsync()).Balance;

        var states = await Task.WhenAll(Enumerable.Range(1, 6).Select(i => ChargeAsync(merchant, contractId, $"PWL-RACE-{i}", 2_000)));

        // one charge of an agreement at a time: two fit the day's 5,000, the others wait for the password
        Assert.Equal(2, states.Count(s => s == "SUCCESS"));
        Assert.Equal(4, states.Count(s => s == "USERPAYING"));
        Assert.Equal(before - 4_000, (await zhang.BalanceAsync()).Balance);
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task PWL3_a_charge_still_being_paid_at_midnight_counts_against_the_new_day_it_will_be_paid_on()
    {
        var merchant = Merchant();
        var zhang = await Party.SignInAsync(_server, DemoCards.ZhangSan);
        await zhang.FundAsync(50_000);
        await SetTermsAsync(new { passwordlessEligible = true, passwordlessPerPaymentFen = 5_000, passwordlessDailyFen = 8_000 });
        var contractId = await SignAsync(zhang, new
        {
            preSignId = await PreSignAsync(merchant, "PWLC0021"), acceptTerms = true, perPaymentLimitFen = 3_000, dailyLimitFen = 5_000,
        });
        TransferKit.ToBeforeChinaMidnight(_server, TimeSpan.FromMinutes(1)); // 23:59 China time
        Assert.Equal("SUCCESS", await ChargeAsync(merchant, contractId, "PWL-MID-0001", 3_000));
        // as if the ledger had been slow: the charge is still PAYING when the day turns (the worker finishes it after midnight,
        // and it is paid — SuccessTime — on the new day)
        await using (var db = _server.Database.Options.CreateContext())
        {
            var paid = await db.Set<PaymentOrderRow>().AsNoTracking().SingleAsync(o => o.OutTradeNo == "PWL-MID-0001", Ct);
            await db.Set<PaymentNotificationRow>().Where(n => n.RecordId == paid.Id).ExecuteDeleteAsync(Ct); // not yet told
            Assert.Equal(1, await db.Set<PaymentOrderRow>().Where(o => o.Id == paid.Id)
                .ExecuteUpdateAsync(set => set.SetProperty(o => o.State, PaymentOrders.Paying)
                    .SetProperty(o => o.SuccessTime, (DateTimeOffset?)null), Ct));
        }
        _server.Clock.Advance(TimeSpan.FromMinutes(2)); // 00:01

        // 3,000 + 3,000 would pass the agreement's 5,000 a day once the first is paid today: the second waits for the password
        Assert.Equal("USERPAYING", await ChargeAsync(merchant, contractId, "PWL-MID-0002", 3_000));
        Assert.Equal("SUCCESS", await ChargeAsync(merchant, contractId, "PWL-MID-0003", 2_000)); // the day's edge
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            await using var db = _server.Database.Options.CreateContext();
            var first = await db.Set<PaymentOrderRow>().AsNoTracking().SingleAsync(o => o.OutTradeNo == "PWL-MID-0001", Ct);
            if (first.State == PaymentOrders.Success || waited.Elapsed > TimeSpan.FromSeconds(20))
            {
                Assert.Equal(PaymentOrders.Success, first.State); // finished by the worker, on the new day
                break;
            }
            await Task.Delay(100, Ct);
        }
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task TRF3_a_users_passwordless_payments_under_all_agreements_stay_within_the_users_day()
    {
        await _server.DisposeAsync();
        _server = await TransferKit.StartAsync("--Passwordless:UserDailyFen=6000"); // ¥60 a day of passwordless payments
        TransferKit.ToBeforeChinaMidnight(_server, TimeSpan.FromHours(10));
        var merchant = Merchant();
        var zhang = await Party.SignInAsync(_server, DemoCards.ZhangSan);
        await zhang.FundAsync(50_000);
        await SetTermsAsync(new { passwordlessEligible = true, passwordlessPerPaymentFen = 5_000, passwordlessDailyFen = 8_000 });
        var first = await SignAsync(zhang, new
        {
            preSignId = await PreSignAsync(merchant, "PWLC0011"), acceptTerms = true, perPaymentLimitFen = 3_000, dailyLimitFen = 5_000,
        });
        var preSignId = await PreSignAsync(merchant, "PWLC0012");
        _server.Clock.Advance(TimeSpan.FromMinutes(2)); // a one-time code may be asked for again
        var second = await SignAsync(zhang, new
        {
            preSignId, acceptTerms = true, perPaymentLimitFen = 3_000, dailyLimitFen = 5_000,
        });
        var before = (await zhang.BalanceAsync()).Balance;

        Assert.Equal("SUCCESS", await ChargeAsync(merchant, first, "PWL-U-0001", 3_000));
        Assert.Equal("SUCCESS", await ChargeAsync(merchant, second, "PWL-U-0002", 3_000)); // the user's ¥60 reached
        // the second agreement's own day has ¥20 left, the user's none: the password is asked for
        Assert.Equal("USERPAYING", await ChargeAsync(merchant, second, "PWL-U-0003", 1));
        Assert.Equal(before - 6_000, (await zhang.BalanceAsync()).Balance);
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task PWL3_a_merchants_daily_cap_holds_across_every_agreement_the_user_signed_with_it()
    {
        var merchant = Merchant();
        var zhang = await Party.SignInAsync(_server, DemoCards.ZhangSan);
        await zhang.FundAsync(50_000);
        await SetTermsAsync(new { passwordlessEligible = true, passwordlessPerPaymentFen = 5_000, passwordlessDailyFen = 8_000 });
        var first = await SignAsync(zhang, new
        {
            preSignId = await PreSignAsync(merchant, "PWLC0041"), acceptTerms = true, perPaymentLimitFen = 5_000, dailyLimitFen = 8_000,
        });
        var preSignId = await PreSignAsync(merchant, "PWLC0042");
        _server.Clock.Advance(TimeSpan.FromMinutes(2)); // a one-time code may be asked for again
        // signed again (the user thought the first attempt failed): the merchant's ¥80 a day is still all it may take
        var second = await SignAsync(zhang, new { preSignId, acceptTerms = true, perPaymentLimitFen = 5_000, dailyLimitFen = 8_000 });
        var before = (await zhang.BalanceAsync()).Balance;

        Assert.Equal("SUCCESS", await ChargeAsync(merchant, first, "PWL-M-0001", 5_000));
        Assert.Equal("USERPAYING", await ChargeAsync(merchant, second, "PWL-M-0002", 3_001)); // ¥80.01 at this merchant today
        Assert.Equal("SUCCESS", await ChargeAsync(merchant, second, "PWL-M-0003", 3_000)); // exactly the merchant's day
        Assert.Equal(before - 8_000, (await zhang.BalanceAsync()).Balance);

        // CS-3: the user is texted when an agreement starts, and when the merchant ends one
        var ended = await merchant.SendAsync(HttpMethod.Post, "/v3/papay/sign/contracts/plan-id/12535/out-contract-code/PWLC0042/terminate",
            JsonSerializer.Serialize(new { contract_termination_remark = "会员到期" }));
        Assert.True(ended.Response.IsSuccessStatusCode, ended.Body);
        var texts = await _server.Services.GetRequiredService<SmsOutbox>().ReadAsync(DemoCards.ZhangSan.Phone, 20, Ct);
        Assert.Equal(2, texts.Count(t => t.Body.Contains("您已开通「", StringComparison.Ordinal) && t.Body.Contains("单笔限额¥50.00", StringComparison.Ordinal)));
        Assert.Single(texts, t => t.Body.Contains("免密支付协议已由商户解除", StringComparison.Ordinal));
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task PWL5_a_cancel_waits_for_a_charge_under_way_and_a_charge_that_read_the_agreement_before_it_moves_nothing()
    {
        var merchant = Merchant();
        var zhang = await Party.SignInAsync(_server, DemoCards.ZhangSan);
        await zhang.FundAsync(50_000);
        await SetTermsAsync(new { passwordlessEligible = true, passwordlessPerPaymentFen = 5_000, passwordlessDailyFen = 8_000 });
        var contractId = await SignAsync(zhang, new
        {
            preSignId = await PreSignAsync(merchant, "PWLC0010"), acceptTerms = true, perPaymentLimitFen = 3_000, dailyLimitFen = 5_000,
        });
        Guid agreementId;
        await using (var db = _server.Database.Options.CreateContext())
        {
            agreementId = (await db.Set<PasswordlessAgreementRow>().FirstAsync(a => a.ContractId == contractId, Ct)).Id;
        }
        Task<int> SetClaimAsync(DateTimeOffset? at) => WithDbAsync(db => db.Set<PasswordlessAgreementRow>().Where(a => a.Id == agreementId)
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.ChargingSince, at), Ct));
        Task<string> StateAsync() => WithDbAsync(db => db.Set<PasswordlessAgreementRow>().Where(a => a.Id == agreementId)
            .Select(a => a.State).FirstAsync(Ct));

        // a charge under way holds the agreement's claim: the user's cancel waits for it to finish, then closes the agreement
        Assert.Equal(1, await SetClaimAsync(_server.Clock.UtcNow));
        var cancel = zhang.Wallet.PostAsync("/api/wallet/passwordless/cancel-all", null, Ct);
        await Task.Delay(400, Ct);
        Assert.False(cancel.IsCompleted, "the cancel did not wait for the charge under way");
        Assert.Equal(PasswordlessAgreementRow.Signed, await StateAsync());
        Assert.Equal(1, await SetClaimAsync(null)); // the charge finished
        Assert.Equal(1, (await (await cancel).Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("closed").GetInt32());
        Assert.Equal(PasswordlessAgreementRow.Terminated, await StateAsync());

        // a charge that read the agreement as signed before the cancel reaches its NOTPAY → PAYING step after it: refused there,
        // the order left to the user, nothing moved
        var before = (await zhang.BalanceAsync()).Balance;
        var created = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
            MerchantKit.NativeOrder(merchant.MchId, "PWL-LATE-0001", 1_000, "http://127.0.0.1:9/n"));
        Assert.True(created.Response.IsSuccessStatusCode, created.Body);
        var order = await WithDbAsync(db => db.Set<PaymentOrderRow>().AsNoTracking().FirstAsync(o => o.OutTradeNo == "PWL-LATE-0001", Ct));
        var (paid, error) = await _server.Services.GetRequiredService<WalletPayments>().PayPasswordlessAsync(zhang.UserId, order, agreementId, Ct);
        Assert.Null(paid);
        Assert.Equal(PaymentErrors.AgreementClosed, error);
        Assert.Equal(PaymentOrders.NotPay, (await WithDbAsync(db => db.Set<PaymentOrderRow>().FirstAsync(o => o.Id == order.Id, Ct))).State);
        Assert.Equal(before, (await zhang.BalanceAsync()).Balance);
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    private async Task<T> WithDbAsync<T>(Func<Zhifu.Data.ZhifuDb, Task<T>> read)
    {
        await using var db = _server.Database.Options.CreateContext();
        return await read(db);
    }

    [Fact]
    public async Task PWL2_an_elderly_user_is_assessed_confirms_twice_gets_lower_limits_and_a_text_for_every_passwordless_payment()
    {
        var merchant = Merchant();
        await SetTermsAsync(new { passwordlessEligible = true });
        var wang = await Party.SignInAsync(_server, DemoCards.WangWu); // born 1958
        await wang.FundAsync(50_000);
        var preSignId = await PreSignAsync(merchant, "PWLE0001");
        var offer = await wang.Wallet.GetFromJsonAsync<JsonElement>($"/api/wallet/passwordless/offer?preSignId={preSignId}", Ct);
        Assert.True(offer.GetProperty("elderly").GetBoolean());
        Assert.Equal(10_000, offer.GetProperty("perPaymentLimitFen").GetInt64()); // not the merchant's ¥300
        Assert.Equal(30_000, offer.GetProperty("dailyLimitFen").GetInt64());

        Assert.Equal("PASSWORDLESS_ELDERLY_CONFIRM_REQUIRED", await SignErrorAsync(wang, new { preSignId, acceptTerms = true }));
        Assert.Equal("PASSWORDLESS_ASSESSMENT_NOT_PASSED", await SignErrorAsync(wang,
            new { preSignId, acceptTerms = true, elderlyConfirm = true, assessment = new[] { 1, 0, 1 } }));
        Assert.Equal("PASSWORDLESS_LIMIT_ABOVE_CAP", await SignErrorAsync(wang,
            new { preSignId, acceptTerms = true, elderlyConfirm = true, assessment = new[] { 1, 1, 1 }, perPaymentLimitFen = 10_001 }));
        var contractId = await SignAsync(wang, new { preSignId, acceptTerms = true, elderlyConfirm = true, assessment = new[] { 1, 1, 1 } },
            DemoCards.WangWu.Phone);

        Assert.Equal("SUCCESS", await ChargeAsync(merchant, contractId, "PWL-E-0001", 800));
        var texts = await _server.Services.GetRequiredService<SmsOutbox>().ReadAsync(DemoCards.WangWu.Phone, 5, Ct);
        Assert.Contains(texts, t => t.Kind == "alert" && t.Body.Contains("免密支付", StringComparison.Ordinal)
            && t.Body.Contains("¥8.00", StringComparison.Ordinal));
        Assert.Equal("USERPAYING", await ChargeAsync(merchant, contractId, "PWL-E-0002", 10_001)); // the elderly per-payment cap

        // an agreement signed before the 60th birthday (its flag false) is charged as the user's age is now: the elderly
        // limits and a text for every payment
        await using (var db = _server.Database.Options.CreateContext())
        {
            Assert.Equal(1, await db.Set<PasswordlessAgreementRow>().Where(a => a.ContractId == contractId)
                .ExecuteUpdateAsync(set => set.SetProperty(a => a.Elderly, false), Ct));
        }
        Assert.Equal("SUCCESS", await ChargeAsync(merchant, contractId, "PWL-E-0003", 900));
        texts = await _server.Services.GetRequiredService<SmsOutbox>().ReadAsync(DemoCards.WangWu.Phone, 10, Ct);
        Assert.Contains(texts, t => t.Kind == "alert" && t.Body.Contains("¥9.00", StringComparison.Ordinal));
        Assert.Equal("USERPAYING", await ChargeAsync(merchant, contractId, "PWL-E-0004", 10_001));
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task PWL3_PWL4_a_high_risk_merchant_is_never_eligible_and_a_departure_from_habit_asks_the_user()
    {
        var (merchant, zhang, contractId) = await SignedZhangAsync("PWLH0001");

        // PWL-3: the merchant's own per-payment cap, lowered after signing, binds at its edge
        await SetTermsAsync(new { passwordlessPerPaymentFen = 1_500 });
        Assert.Equal("SUCCESS", await ChargeAsync(merchant, contractId, "PWL-H-0010", 1_500));
        Assert.Equal("USERPAYING", await ChargeAsync(merchant, contractId, "PWL-H-0011", 1_501));

        // PWL-4: a passwordless charge at 03:00 departs from a daytime habit: risk control steps it up, nothing moves
        await PutRuleAsync(_server, "T-PWL-NIGHT", "time-of-day", new { fromHour = 0, toHour = 5 }, "step-up", "passwordless");
        TransferKit.ToBeforeChinaMidnight(_server, TimeSpan.FromHours(-3));
        zhang = await zhang.AgainAsync(); // the wallet session ended overnight
        var before = (await zhang.BalanceAsync()).Balance;
        Assert.Equal("USERPAYING", await ChargeAsync(merchant, contractId, "PWL-H-0001", 1_000));
        Assert.Equal(before, (await zhang.BalanceAsync()).Balance);
        var texts = await _server.Services.GetRequiredService<SmsOutbox>().ReadAsync(DemoCards.ZhangSan.Phone, 5, Ct);
        Assert.Contains(texts, t => t.Body.Contains("习惯不同", StringComparison.Ordinal));
        var decisions = await DecisionsAsync(_server, zhang.UserId);
        Assert.Equal("passwordless", decisions[0].GetProperty("kind").GetString());

        // PWL-3: high risk takes eligibility away; the contract can no longer be charged nor new ones asked for
        await SetTermsAsync(new { riskLevel = "high" });
        MerchantKit.AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/papay/pay/transactions/apply",
            Apply(contractId, "PWL-H-0002", 100)), 403, "NO_AUTH");
        MerchantKit.AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/papay/sign/contracts/pre-entrust-sign",
            PreSign("PWLH0002")), 403, "NO_AUTH");
        await SetTermsAsync(new { riskLevel = "low", passwordlessEligible = true });
        var refused = await SetTermsRawAsync(new { passwordlessPerPaymentFen = 9_000, passwordlessDailyFen = 8_000 });
        Assert.Equal(400, (int)refused.StatusCode);
        // one limit against the other as it stands is checked too: a daily limit set, then a per-payment one above it
        await SetTermsAsync(new { passwordlessDailyFen = 8_000 });
        await Zhifu.Tests.Hosting.OperatorApiTests.AssertProblemAsync(await SetTermsRawAsync(new { passwordlessPerPaymentFen = 9_000 }), 400,
            "PASSWORDLESS_LIMITS_INVALID");
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task PWL4_RISK2_a_charge_that_waits_past_the_payers_turn_charges_nothing_and_asks_the_user_to_confirm()
    {
        var (merchant, zhang, contractId) = await SignedZhangAsync("PWLB0001");
        var before = (await zhang.BalanceAsync()).Balance;
        // another payment of the payer still being decided for longer than a decision waits (10 s): the charge is not decided
        // against a count that may be about to change; nothing is charged and the user confirms it in the wallet (PAYMENT_PAYER_BUSY)
        using (var held = await _server.Services.GetRequiredService<Zhifu.Server.Accounts.PayerTurns>().TakeAsync(zhang.UserId, Ct))
        {
            Assert.NotNull(held);
            Assert.Equal("USERPAYING", await ChargeAsync(merchant, contractId, "PWL-B-0001", 1_000));
        }
        Assert.Equal(before, (await zhang.BalanceAsync()).Balance);
        var texts = await _server.Services.GetRequiredService<SmsOutbox>().ReadAsync(DemoCards.ZhangSan.Phone, 5, Ct);
        Assert.Contains(texts, t => t.Body.Contains("另一笔付款正在处理", StringComparison.Ordinal));
        Assert.Equal("SUCCESS", await ChargeAsync(merchant, contractId, "PWL-B-0002", 1_000)); // the turn free again: charged at once
        Assert.Equal(before - 1_000, (await zhang.BalanceAsync()).Balance);
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task PWL6_a_dispute_crossing_the_threshold_takes_eligibility_away_and_the_report_shows_it()
    {
        var (merchant, zhang, contractId) = await SignedZhangAsync("PWLD0001");
        Assert.Equal("SUCCESS", await ChargeAsync(merchant, contractId, "PWL-D-0001", 500));
        Assert.Equal("SUCCESS", await ChargeAsync(merchant, contractId, "PWL-D-0002", 700));
        var paid = (await zhang.Wallet.GetFromJsonAsync<JsonElement>("/api/wallet/passwordless", Ct)).GetProperty("payments");
        var transactionId = paid.EnumerateArray().First(p => p.GetProperty("amountFen").GetInt64() == 700).GetProperty("transactionId").GetString();

        // PWL-5: a complaint opens a dispute with a deadline; a second one on the same payment is refused
        await ComplainAsync(zhang, transactionId!);
        var again = await zhang.Wallet.PostAsJsonAsync($"/api/wallet/passwordless/payments/{transactionId}/dispute",
            new { reason = "再次投诉" }, Ct);
        Assert.Equal("PASSWORDLESS_DISPUTE_NOT_ALLOWED", await ErrorCodeAsync(again));

        // one dispute in two payments = 50 % ≥ the 40 % configured: eligibility gone at once, audited as the system
        MerchantKit.AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/papay/pay/transactions/apply",
            Apply(contractId, "PWL-D-0003", 100)), 403, "NO_AUTH");
        Assert.Contains("merchant.passwordless-revoked", await AuditActionsAsync(_server));
        var report = await GetAsync(_server, "/api/ops/passwordless/report");
        var line = report.GetProperty("merchants")[0];
        Assert.Equal("1230000109", line.GetProperty("mchId").GetString());
        Assert.Equal(2, line.GetProperty("payments").GetInt32());
        Assert.Equal(1, line.GetProperty("disputes").GetInt32());
        Assert.False(line.GetProperty("eligible").GetBoolean());

        // an operator upholds it: the merchant refunds the loss to the user at once; the CSV export carries the same figures
        var open = await GetAsync(_server, "/api/ops/passwordless/disputes?state=open");
        var before = (await zhang.BalanceAsync()).Balance;
        using (var risk = await LifecycleClient.OperatorAsync(_server, "risk"))
        {
            var url = $"/api/ops/passwordless/disputes/{open[0].GetProperty("id").GetString()}/decide";
            var tooMuch = await risk.PostAsJsonAsync(url, new { upheld = true, lossFen = 701, note = "超过扣款金额" }, Ct);
            Assert.Equal("PASSWORDLESS_LOSS_OUT_OF_RANGE", await ErrorCodeAsync(tooMuch));
            Assert.Equal("PASSWORDLESS_DISPUTE_NOT_OPEN", await ErrorCodeAsync(await risk.PostAsJsonAsync(
                $"/api/ops/passwordless/disputes/{Guid.NewGuid()}/decide", new { upheld = false, note = "没有这个投诉" }, Ct)));
            // another operator's decision under way holds the dispute: this one is told so and changes nothing
            var disputeId = Guid.Parse(open[0].GetProperty("id").GetString()!);
            Task<int> DecidingAsync(DateTimeOffset? at) => WithDbAsync(db => db.Set<PasswordlessDisputeRow>().Where(d => d.Id == disputeId)
                .ExecuteUpdateAsync(set => set.SetProperty(d => d.DecidingSince, at), Ct));
            Assert.Equal(1, await DecidingAsync(_server.Clock.UtcNow));
            var held = await risk.PostAsJsonAsync(url, new { upheld = false, note = "另一位操作员" }, Ct);
            Assert.Equal("PASSWORDLESS_DISPUTE_BEING_DECIDED", await ErrorCodeAsync(held));
            Assert.Equal(before, (await zhang.BalanceAsync()).Balance);
            Assert.Equal(1, await DecidingAsync(null));
            // an upheld decision that refunded the user and stopped before recording itself: a rejection can no longer close it
            var order = await WithDbAsync(db => db.Set<PaymentOrderRow>().AsNoTracking().SingleAsync(o => o.TransactionId == transactionId, Ct));
            var apiMerchant = (await _server.Services.GetRequiredService<Zhifu.Server.MerchantApi.MerchantCredentials>().FindAsync("1230000109", Ct))!;
            Assert.Null((await _server.Services.GetRequiredService<Zhifu.Server.Payments.Refunds.PaymentRefunds>().ApplyAsync(apiMerchant,
                new Zhifu.Server.Payments.Refunds.RefundRequest(order.TransactionId, order.OutTradeNo, "PWLD" + disputeId.ToString("N"),
                    "免密支付投诉成立", null, 700, order.TotalFen), Ct, review: false)).Error);
            Assert.Equal(before + 700, (await zhang.BalanceAsync()).Balance);
            Assert.Equal("PASSWORDLESS_DISPUTE_REFUNDED",
                await ErrorCodeAsync(await risk.PostAsJsonAsync(url, new { upheld = false, note = "驳回" }, Ct)));
            // upheld again, with another figure: the loss recorded is what was refunded (¥7.00 in the CSV below), refunded once
            var decided = await risk.PostAsJsonAsync(url, new { upheld = true, lossFen = 500, note = "用户未授权，由商户退款" }, Ct);
            Assert.Equal(204, (int)decided.StatusCode);
            Assert.Equal(before + 700, (await zhang.BalanceAsync()).Balance);
            var twice = await risk.PostAsJsonAsync(url, new { upheld = true, lossFen = 700, note = "再次处理" }, Ct);
            Assert.Equal("PASSWORDLESS_DISPUTE_NOT_OPEN", await ErrorCodeAsync(twice)); // never refunded twice
            Assert.Equal(before + 700, (await zhang.BalanceAsync()).Balance);
            var csv = await risk.GetStringAsync("/api/ops/passwordless/report?format=csv", Ct);
            Assert.Contains("1230000109", csv, StringComparison.Ordinal);
            Assert.Contains(",否,2,12.00,1,1,7.00,500.0", csv, StringComparison.Ordinal);
            // a page far past the end is refused as such; limit × page once wrapped round to a negative skip and a 500
            var far = await risk.GetAsync("/api/ops/passwordless/disputes?limit=100&page=42949673", Ct);
            Assert.Equal(400, (int)far.StatusCode);
            Assert.Equal("INVALID_PAGE", await ErrorCodeAsync(far));
        }
        using (var service = await LifecycleClient.OperatorAsync(_server, "service"))
        {
            Assert.Equal(403, (int)(await service.GetAsync("/api/ops/passwordless/report", Ct)).StatusCode); // role-checked
        }
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task PWL5_upholding_is_recorded_once_the_users_refund_succeeded_and_a_refund_that_closed_is_tried_again()
    {
        var (zhang, disputeId, order) = await DisputedChargeAsync("PWLR0001");
        // the dispute's refund made and not yet through (here: waiting for the merchant's review; in life a decision made again
        // while the first one's refund is still being retried)
        var pending = await DisputeRefundAsync(order, disputeId, "");
        Assert.Equal("PROCESSING", pending.Status);
        var before = (await zhang.BalanceAsync()).Balance;
        using var risk = await LifecycleClient.OperatorAsync(_server, "risk");
        var url = $"/api/ops/passwordless/disputes/{disputeId}/decide";
        // upheld while that refund may still close without paying the user: not recorded, the dispute stays open
        var early = await risk.PostAsJsonAsync(url, new { upheld = true, lossFen = 700, note = "用户未授权，由商户退款" }, Ct);
        Assert.Equal("PASSWORDLESS_REFUND_PROCESSING", await ErrorCodeAsync(early));
        Assert.Equal(PasswordlessDisputeRow.Open, (await DisputeAsync(disputeId)).State);
        Assert.Equal(before, (await zhang.BalanceAsync()).Balance);
        // the refund closes without moving money: upheld again, the dispute tries a refund of its own under the next number
        var (closed, refusal) = await Refunds.ReviewAsync(order.MerchantId, pending.RefundId, approve: false, "cafe-admin", "拒绝", Ct);
        Assert.Null(refusal);
        Assert.Equal("CLOSED", closed!.Status);
        var decided = await risk.PostAsJsonAsync(url, new { upheld = true, lossFen = 700, note = "用户未授权，由商户退款" }, Ct);
        Assert.Equal(204, (int)decided.StatusCode);
        Assert.Equal(before + 700, (await zhang.BalanceAsync()).Balance);
        var dispute = await DisputeAsync(disputeId);
        Assert.Equal((PasswordlessDisputeRow.Upheld, 700L), (dispute.State, dispute.LossFen));
        var paidBack = await WithDbAsync(db => db.Set<PaymentRefundRow>().AsNoTracking().Where(r => r.OrderId == order.Id)
            .OrderBy(r => r.OutRefundNo).Select(r => new { r.OutRefundNo, r.Status }).ToListAsync(Ct));
        Assert.Equal([("PWLD" + disputeId.ToString("N"), "CLOSED"), ("PWLD" + disputeId.ToString("N") + "-2", "SUCCESS")],
            paidBack.Select(r => (r.OutRefundNo, r.Status)));
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task PWL5_a_dispute_whose_refund_the_ledger_could_not_take_at_once_is_decided_only_once_the_refund_went_through()
    {
        var (zhang, disputeId, _) = await DisputedChargeAsync("PWLU0001");
        var before = (await zhang.BalanceAsync()).Balance;
        using var risk = await LifecycleClient.OperatorAsync(_server, "risk");
        var url = $"/api/ops/passwordless/disputes/{disputeId}/decide";
        var uphold = new { upheld = true, lossFen = 700, note = "用户未授权，由商户退款" };
        await using (await Zhifu.Tests.Risk.RiskKit.LedgerOutageAsync(_server, 700))
        {
            // the refund is made, but the ledger cannot take it now: PROCESSING, retried by the worker — it may yet close unpaid
            Assert.Equal("PASSWORDLESS_REFUND_PROCESSING", await ErrorCodeAsync(await risk.PostAsJsonAsync(url, uphold, Ct)));
            Assert.Equal("PASSWORDLESS_REFUND_PROCESSING", await ErrorCodeAsync(await risk.PostAsJsonAsync(url,
                new { upheld = false, note = "驳回" }, Ct))); // nor can it be rejected while that refund may still pay the user
        }
        Assert.Equal(PasswordlessDisputeRow.Open, (await DisputeAsync(disputeId)).State);
        Assert.Equal(before, (await zhang.BalanceAsync()).Balance);
        // the ledger back, the worker's retry pays the user; decided again, the dispute records it — one refund, not a second
        _server.Clock.Advance(TimeSpan.FromSeconds(31));
        await Refunds.RecoverAsync(Ct);
        Assert.Equal(before + 700, (await zhang.BalanceAsync()).Balance);
        Assert.Equal(204, (int)(await risk.PostAsJsonAsync(url, uphold, Ct)).StatusCode);
        var dispute = await DisputeAsync(disputeId);
        Assert.Equal((PasswordlessDisputeRow.Upheld, 700L), (dispute.State, dispute.LossFen));
        Assert.Equal(before + 700, (await zhang.BalanceAsync()).Balance);
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task PWL5_a_dispute_tries_at_most_five_refunds_each_after_the_one_before_closed()
    {
        var (zhang, disputeId, order) = await DisputedChargeAsync("PWLC0001");
        foreach (var suffix in new[] { "", "-2", "-3", "-4", "-5" })
        {
            // each of the dispute's numbers used by a refund that closed without moving money
            var tried = await DisputeRefundAsync(order, disputeId, suffix);
            Assert.Equal("CLOSED", (await Refunds.ReviewAsync(order.MerchantId, tried.RefundId, approve: false, "cafe-admin", "拒绝", Ct))
                .Refund!.Status);
        }
        var before = (await zhang.BalanceAsync()).Balance;
        using var risk = await LifecycleClient.OperatorAsync(_server, "risk");
        var refused = await risk.PostAsJsonAsync($"/api/ops/passwordless/disputes/{disputeId}/decide",
            new { upheld = true, lossFen = 700, note = "用户未授权，由商户退款" }, Ct);
        Assert.Equal("PASSWORDLESS_REFUND_REFUSED", await ErrorCodeAsync(refused));
        Assert.Equal(PasswordlessDisputeRow.Open, (await DisputeAsync(disputeId)).State);
        Assert.Equal(before, (await zhang.BalanceAsync()).Balance);
        Assert.Equal(5, await WithDbAsync(db => db.Set<PaymentRefundRow>().CountAsync(r => r.OrderId == order.Id, Ct))); // no sixth
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task PWL1_PWL7_small_payment_code_charges_pass_under_the_users_own_agreement_and_old_agreements_are_reminded()
    {
        var merchant = Merchant();
        await SetTermsAsync(new { passwordlessEligible = true });
        var li = await Party.SignInAsync(_server, DemoCards.LiSi);
        await li.FundAsync(20_000);
        await SignAsync(li, new { kind = "offline-code", acceptTerms = true, perPaymentLimitFen = 2_000 }, DemoCards.LiSi.Phone);

        var code = (await (await li.Wallet.PostAsync("/api/wallet/me/payment-code", null, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct))
            .GetProperty("authCode").GetString();
        var charged = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/codepay", JsonSerializer.Serialize(new
        {
            appid = AppId, mchid = merchant.MchId, description = "知付演示咖啡馆-收银台", out_trade_no = "PWL-C-0001",
            payer = new { auth_code = code }, amount = new { total = 1_500, currency = "CNY" },
            scene_info = new { store_info = new { out_id = "store-1" }, device_ip = "10.0.0.8" },
        }));
        Assert.Equal("SUCCESS", JsonDocument.Parse(charged.Body).RootElement.GetProperty("trade_state").GetString());

        _server.Clock.Advance(TimeSpan.FromDays(91));
        Assert.Equal(1, await _server.Services.GetRequiredService<PasswordlessOversight>().RemindDueAsync(Ct));
        var texts = await _server.Services.GetRequiredService<SmsOutbox>().ReadAsync(DemoCards.LiSi.Phone, 5, Ct);
        Assert.Contains(texts, t => t.Body.Contains("仍在生效", StringComparison.Ordinal));
        Assert.Equal(0, await _server.Services.GetRequiredService<PasswordlessOversight>().RemindDueAsync(Ct)); // once per period
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    /// <summary>The demo merchant made eligible for passwordless payment, 张三 funded with ¥500, and his agreement with it signed.</summary>
    private async Task<(MerchantSigner Merchant, Party Zhang, string ContractId)> SignedZhangAsync(string preSignCode)
    {
        var merchant = Merchant();
        await SetTermsAsync(new { passwordlessEligible = true });
        var zhang = await Party.SignInAsync(_server, DemoCards.ZhangSan);
        await zhang.FundAsync(50_000);
        return (merchant, zhang, await SignAsync(zhang, new { preSignId = await PreSignAsync(merchant, preSignCode), acceptTerms = true }));
    }

    private Task<PasswordlessDisputeRow> DisputeAsync(Guid disputeId) =>
        WithDbAsync(db => db.Set<PasswordlessDisputeRow>().AsNoTracking().SingleAsync(d => d.Id == disputeId, Ct));

    private Zhifu.Server.Payments.Refunds.PaymentRefunds Refunds => _server.Services.GetRequiredService<Zhifu.Server.Payments.Refunds.PaymentRefunds>();

    /// <summary>张三's ¥7.00 passwordless charge (<see cref="SignedZhangAsync"/>), complained about: the open dispute and the order.</summary>
    private async Task<(Party Zhang, Guid DisputeId, PaymentOrderRow Order)> DisputedChargeAsync(string preSignCode)
    {
        var (merchant, zhang, contractId) = await SignedZhangAsync(preSignCode);
        Assert.Equal("SUCCESS", await ChargeAsync(merchant, contractId, preSignCode + "-1", 700));
        var transactionId = (await zhang.Wallet.GetFromJsonAsync<JsonElement>("/api/wallet/passwordless", Ct)).GetProperty("payments")[0]
            .GetProperty("transactionId").GetString()!;
        await ComplainAsync(zhang, transactionId);
        var disputeId = Guid.Parse((await GetAsync(_server, "/api/ops/passwordless/disputes?state=open"))[0].GetProperty("id").GetString()!);
        return (zhang, disputeId, await WithDbAsync(db => db.Set<PaymentOrderRow>().AsNoTracking().SingleAsync(o => o.TransactionId == transactionId, Ct)));
    }

    /// <summary>A refund of the whole charge under the dispute's number (+ <paramref name="suffix"/>), held for the merchant's review.</summary>
    private async Task<PaymentRefundRow> DisputeRefundAsync(PaymentOrderRow order, Guid disputeId, string suffix)
    {
        var apiMerchant = (await _server.Services.GetRequiredService<Zhifu.Server.MerchantApi.MerchantCredentials>().FindAsync("1230000109", Ct))!;
        var (refund, _, error) = await Refunds.ApplyAsync(apiMerchant, new Zhifu.Server.Payments.Refunds.RefundRequest(order.TransactionId,
            order.OutTradeNo, "PWLD" + disputeId.ToString("N") + suffix, "免密支付投诉成立", null, 700, order.TotalFen), Ct, review: true);
        Assert.Null(error);
        return refund!;
    }

    /// <summary>The payer complains about a passwordless payment (PWL-5): a dispute opens.</summary>
    private static async Task ComplainAsync(Party payer, string transactionId)
    {
        var complaint = await payer.Wallet.PostAsJsonAsync($"/api/wallet/passwordless/payments/{transactionId}/dispute",
            new { reason = "我没有使用过这项服务" }, Ct);
        Assert.True(complaint.IsSuccessStatusCode, await complaint.Content.ReadAsStringAsync(Ct));
    }

    private async Task SetTermsAsync(object terms)
    {
        var response = await SetTermsRawAsync(terms);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private async Task<HttpResponseMessage> SetTermsRawAsync(object terms)
    {
        using var operations = await LifecycleClient.OperatorAsync(_server, "operations");
        return await operations.PutAsJsonAsync("/api/ops/merchants/1230000109/terms", terms, Ct);
    }

    private string PreSign(string code) => JsonSerializer.Serialize(new
    {
        sign_scene = "SIGN_SCENE_QRCODE", appid = AppId, plan_id = 12535, out_contract_code = code, contract_display_account = "会员 A",
        contract_notify_url = _notify.Url, out_user_code = "member-" + code, device_info = new { device_id = "kiosk-1" },
    });

    private async Task<string> PreSignAsync(MerchantSigner merchant, string code)
    {
        var answer = await merchant.SendAsync(HttpMethod.Post, "/v3/papay/sign/contracts/pre-entrust-sign", PreSign(code));
        Assert.True(answer.Response.IsSuccessStatusCode, answer.Body);
        return JsonDocument.Parse(answer.Body).RootElement.GetProperty("pre_entrustweb_id").GetString()!;
    }

    [Fact]
    public async Task PWL1_a_suspended_merchant_charges_nothing_new_and_a_charge_made_before_answers_as_it_did()
    {
        var merchant = Merchant();
        var zhang = await Party.SignInAsync(_server, DemoCards.ZhangSan);
        await zhang.FundAsync(10_000);
        await SetTermsAsync(new { passwordlessEligible = true });
        var contractId = await SignAsync(zhang, new
        {
            preSignId = await PreSignAsync(merchant, "PWLC0031"), acceptTerms = true, perPaymentLimitFen = 3_000, dailyLimitFen = 5_000,
        });
        Assert.Equal("SUCCESS", await ChargeAsync(merchant, contractId, "PWL-SUSP-1", 1_000));
        var first = await merchant.SendAsync(HttpMethod.Post, "/v3/papay/pay/transactions/apply", Apply(contractId, "PWL-SUSP-1", 1_000));
        var before = (await zhang.BalanceAsync()).Balance;
        using (var risk = await LifecycleClient.OperatorAsync(_server, "risk"))
        {
            (await risk.PostAsJsonAsync($"/api/ops/merchants/{merchant.MchId}/suspend", new { reason = "暂停交易待核查" }, Ct))
                .EnsureSuccessStatusCode();
        }

        var repeat = await merchant.SendAsync(HttpMethod.Post, "/v3/papay/pay/transactions/apply", Apply(contractId, "PWL-SUSP-1", 1_000));
        Assert.Equal((200, first.Body), ((int)repeat.Response.StatusCode, repeat.Body)); // PAY-6: the lost answer, not a refusal
        MerchantKit.AssertV3Error(await merchant.SendAsync(HttpMethod.Post, "/v3/papay/pay/transactions/apply",
            Apply(contractId, "PWL-SUSP-2", 1_000)), 403, "NO_AUTH");
        Assert.Equal(before, (await zhang.BalanceAsync()).Balance);
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    private static string Apply(string contractId, string outTradeNo, long fen) => JsonSerializer.Serialize(new
    {
        appid = AppId, out_trade_no = outTradeNo, description = "会员自动续费", transaction_notify_url = "http://127.0.0.1:9/notify",
        contract_id = contractId, amount = new { total = fen, currency = "CNY" },
    });

    /// <summary>受理扣款, then the order's trade_state as the merchant queries it.</summary>
    private static async Task<string> ChargeAsync(MerchantSigner merchant, string contractId, string outTradeNo, long fen)
    {
        var accepted = await merchant.SendAsync(HttpMethod.Post, "/v3/papay/pay/transactions/apply", Apply(contractId, outTradeNo, fen));
        Assert.True(accepted.Response.IsSuccessStatusCode, accepted.Body);
        Assert.Equal(fen, JsonDocument.Parse(accepted.Body).RootElement.GetProperty("amount").GetProperty("total").GetInt64());
        var query = await merchant.SendAsync(HttpMethod.Get, $"/v3/pay/transactions/out-trade-no/{outTradeNo}?mchid={merchant.MchId}");
        return JsonDocument.Parse(query.Body).RootElement.GetProperty("trade_state").GetString()!;
    }

    private async Task<string> SignAsync(Party party, object request, string? phone = null)
    {
        (await party.Wallet.PostAsJsonAsync("/api/wallet/me/otp", new { purpose = PasswordlessAgreements.SignCodePurpose }, Ct))
            .EnsureSuccessStatusCode();
        var code = await LifecycleClient.LatestCodeAsync(_server, phone ?? party.Person.Phone);
        var body = JsonSerializer.SerializeToElement(request).EnumerateObject().ToDictionary(p => p.Name, p => (object)p.Value);
        body["paymentPassword"] = Party.PaymentPassword;
        body["smsCode"] = code;
        var signed = await party.Wallet.PostAsJsonAsync("/api/wallet/passwordless/sign", body, Ct);
        var text = await signed.Content.ReadAsStringAsync(Ct);
        Assert.True(signed.IsSuccessStatusCode, text);
        var agreement = JsonDocument.Parse(text).RootElement;
        Assert.Equal("SIGNED", agreement.GetProperty("state").GetString());
        Assert.Equal("wallet-api", agreement.GetProperty("signedVia").GetString());
        return agreement.GetProperty("contractId").GetString()!;
    }

    private static async Task<string> SignErrorAsync(Party party, object request)
    {
        var refused = await party.Wallet.PostAsJsonAsync("/api/wallet/passwordless/sign", request, Ct);
        Assert.False(refused.IsSuccessStatusCode);
        return await ErrorCodeAsync(refused);
    }

    private async Task<(string Event, JsonElement Contract)> ContractCallbackAsync(MerchantSigner merchant)
    {
        var (_, body) = await _notify.NextAsync(TimeSpan.FromSeconds(20));
        var envelope = JsonDocument.Parse(body).RootElement;
        var resource = envelope.GetProperty("resource");
        var plain = merchant.Decrypt(resource.GetProperty("ciphertext").GetString()!, resource.GetProperty("nonce").GetString()!,
            resource.GetProperty("associated_data").GetString()!);
        return (envelope.GetProperty("event_type").GetString()!, JsonDocument.Parse(plain).RootElement.Clone());
    }
}
