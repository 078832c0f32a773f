using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Core.Ledger;
using Zhifu.Server.Risk;
using Zhifu.Tests.Lifecycle;
using Zhifu.Tests.Transfers;
using static Zhifu.Tests.Risk.RiskKit;

namespace Zhifu.Tests.Risk;

/// <summary>RISK-1 review holds and RISK-4 cases: the held money moves only by the case decision, and decisions feed back.</summary>
public sealed class RiskCaseTests : IAsyncLifetime
{
    private ClockedServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private long _zhangFunded;

    private async Task<(Party Zhang, Party Li, Guid TransferId, JsonElement Case)> HeldAsync(long fen = 60_000, string device = "phone-a")
    {
        var zhang = await OnDeviceAsync(_server, DemoCards.ZhangSan, device);
        var li = await Party.SignInAsync(_server, DemoCards.LiSi);
        await zhang.FundAsync(200_000);
        _zhangFunded = (await zhang.BalanceAsync()).Balance;
        await PutRuleAsync(_server, "T-REVIEW", "amount", new { minFen = 50_000 }, "review", "transfer", score: 50);
        var response = await zhang.SendAsync(li, fen);
        var receipt = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("review", receipt.GetProperty("status").GetString());
        Assert.True(receipt.GetProperty("revocable").GetBoolean());
        var risky = Assert.Single(await CasesAsync(_server, zhang.UserId));
        Assert.Equal("review", risky.GetProperty("kind").GetString());
        Assert.Equal("open", risky.GetProperty("status").GetString());
        return (zhang, li, receipt.GetProperty("id").GetGuid(), risky);
    }

    /// <summary>Decides the case as <paramref name="asked"/>: it is decided as the release, the payee got the money once, the
    /// transfer arrived, the books balance.</summary>
    private async Task AssertReleasedOnceAsync(Guid caseId, string asked, (Party Zhang, Party Li, Guid TransferId) held, long liBefore)
    {
        var decided = await PostAsync(_server, $"/api/ops/risk/cases/{caseId}/decide", new { decision = asked });
        Assert.Equal(("decided", "release"), (decided.GetProperty("status").GetString(), decided.GetProperty("decision").GetString()));
        Assert.Equal(liBefore + 60_000, (await held.Li.BalanceAsync()).Balance); // moved once
        Assert.Equal("succeeded", (await held.Zhang.Wallet.GetFromJsonAsync<JsonElement>($"/api/wallet/me/transfers/{held.TransferId}", Ct))
            .GetProperty("status").GetString());
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task RISK4_a_movement_opened_as_a_case_by_several_callers_at_once_gets_one_case()
    {
        // The request and the recovery worker may open the case of one held movement at the same moment.
        var cases = _server.Services.GetRequiredService<RiskCases>();
        var zhang = await Party.SignInAsync(_server, DemoCards.ZhangSan);
        var movement = Guid.CreateVersion7();
        var decision = new RiskDecision(Guid.CreateVersion7(), new RiskEvent("transfer", movement, zhang.UserId, 60_000, _server.Clock.UtcNow),
            RiskAction.Review, 50, [new RiskHit("T-REVIEW", 1, "review", 50, "amount")], []);

        var opened = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => cases.OpenAsync(decision, RiskCases.KindReview, Ct))));

        var only = Assert.Single(await CasesAsync(_server, zhang.UserId));
        Assert.All(opened, c => Assert.Equal(only.GetProperty("id").GetGuid(), c.Id));
    }

    [Fact]
    public async Task RISK4_a_held_transfer_moves_only_when_risk_staff_release_its_case_and_verify_holds_throughout()
    {
        var liBefore = (await (await Party.SignInAsync(_server, DemoCards.LiSi)).BalanceAsync()).Balance;
        var (zhang, li, transferId, risky) = await HeldAsync();
        Assert.Equal(liBefore, (await li.BalanceAsync()).Balance); // held: nothing arrived
        Assert.Equal(_zhangFunded - 60_000, (await zhang.BalanceAsync()).Balance); // and the payer cannot spend it twice
        Assert.Contains(await zhang.TextsAsync(), t => t.Contains("等待人工审核", StringComparison.Ordinal)); // RISK-5
        await TransferKit.AssertVerifiedAsync(_server);

        var id = risky.GetProperty("id").GetGuid();
        var assigned = await PostAsync(_server, $"/api/ops/risk/cases/{id}/assign", new { });
        Assert.Equal("assigned", assigned.GetProperty("status").GetString());
        Assert.Equal("risk", assigned.GetProperty("assignedTo").GetString());
        await PostAsync(_server, $"/api/ops/risk/cases/{id}/notes", new { text = "called the payer: buying a used car, confirmed" });
        var decided = await PostAsync(_server, $"/api/ops/risk/cases/{id}/decide", new { decision = "release", note = "cleared" });
        Assert.Equal("release", decided.GetProperty("decision").GetString());

        Assert.Equal(liBefore + 60_000, (await li.BalanceAsync()).Balance);
        var receipt = await zhang.Wallet.GetFromJsonAsync<JsonElement>($"/api/wallet/me/transfers/{transferId}", Ct);
        Assert.Equal("succeeded", receipt.GetProperty("status").GetString());
        var detail = await GetAsync(_server, $"/api/ops/risk/cases/{id}", "audit");
        Assert.Equal(2, detail.GetProperty("notes").GetArrayLength());
        Assert.Equal("T-REVIEW", detail.GetProperty("decision").GetProperty("hits")[0].GetProperty("ruleId").GetString());
        // A repeated decision answers the first; a different one is refused.
        await PostAsync(_server, $"/api/ops/risk/cases/{id}/decide", new { decision = "release" });
        using var risk = await LifecycleClient.OperatorAsync(_server, "risk");
        await risk.RefusedAsync($"/api/ops/risk/cases/{id}/decide", new { decision = "void" }, 409, "CASE_ALREADY_DECIDED");
        Assert.Equal(liBefore + 60_000, (await li.BalanceAsync()).Balance);
        await TransferKit.AssertVerifiedAsync(_server);
        // The feed back: the profile learnt the released movement.
        await FlushProfilesAsync(_server);
        Assert.Equal(1, (await GetAsync(_server, $"/api/ops/risk/profiles/{zhang.UserId}")).GetProperty("movements").GetInt64());
    }

    [Fact]
    public async Task RISK1_money_held_for_review_whose_case_was_never_opened_gets_its_case_and_moves_when_decided()
    {
        var liBefore = (await (await Party.SignInAsync(_server, DemoCards.LiSi)).BalanceAsync()).Balance;
        var (zhang, li, transferId, _) = await HeldAsync();
        var card = await zhang.CardTokenAsync("debit");
        await PutRuleAsync(_server, "T-FUNDS", "amount", new { minFen = 5_000 }, "review", "topup,withdrawal");
        var withdrawal = await zhang.Wallet.PostAsJsonAsync("/api/wallet/me/withdrawals",
            new { requestId = Guid.NewGuid().ToString("N"), cardToken = card, amountFen = 6_000, paymentPassword = Party.PaymentPassword }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, withdrawal.StatusCode);
        var movementId = (await withdrawal.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        Assert.Equal(2, (await CasesAsync(_server, zhang.UserId)).Length);
        // The process stopped between holding the money and opening the cases: nobody can decide them, the money stays held.
        await using (var db = _server.Database.Options.CreateContext())
        {
            Assert.Equal(2, await db.Set<Zhifu.Data.Entities.RiskCaseRow>().Where(c => c.BusinessId == transferId || c.BusinessId == movementId)
                .ExecuteDeleteAsync(Ct));
        }
        var cases = _server.Services.GetRequiredService<RiskCases>();
        Assert.Equal(0, await cases.RecoverHeldAsync(Ct)); // within the grace its own request could still be opening it

        _server.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(2, await cases.RecoverHeldAsync(Ct));
        Assert.Equal(0, await cases.RecoverHeldAsync(Ct)); // once
        var reopened = await CasesAsync(_server, zhang.UserId);
        Assert.Equal(2, reopened.Length);
        Assert.All(reopened, c => Assert.Equal(("review", "open"), (c.GetProperty("kind").GetString(), c.GetProperty("status").GetString())));
        foreach (var c in reopened)
        {
            await PostAsync(_server, $"/api/ops/risk/cases/{c.GetProperty("id")}/decide", new { decision = "release", note = "checked" });
        }
        Assert.Equal(liBefore + 60_000, (await li.BalanceAsync()).Balance);
        Assert.Equal("succeeded", (await zhang.Wallet.GetFromJsonAsync<JsonElement>($"/api/wallet/me/fund-movements/{movementId}", Ct))
            .GetProperty("status").GetString());
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task RISK1_an_open_alert_case_on_a_held_movement_does_not_stand_in_for_its_review_case()
    {
        // A payer blocked on an order opens an alert case under the order's id; another payer's payment of it held for review
        // needs a review case of its own, or nobody can release or void the held money.
        var liBefore = (await (await Party.SignInAsync(_server, DemoCards.LiSi)).BalanceAsync()).Balance;
        var (zhang, li, transferId, review) = await HeldAsync();
        var cases = _server.Services.GetRequiredService<RiskCases>();
        var blocked = new RiskDecision(Guid.CreateVersion7(), new RiskEvent("transfer", transferId, zhang.UserId, 60_000, _server.Clock.UtcNow),
            RiskAction.Block, 150, [new RiskHit("T-BLOCK", 1, "block", 150, "device")], []);
        var alert = await cases.OpenAsync(blocked, RiskCases.KindAlert, Ct);
        Assert.NotEqual(review.GetProperty("id").GetGuid(), alert.Id);
        Assert.Equal(RiskCases.KindAlert, alert.Kind);
        // The review case lost (as when the alert answered for it): the recovery worker opens one despite the open alert.
        await using (var db = _server.Database.Options.CreateContext())
        {
            Assert.Equal(1, await db.Set<Zhifu.Data.Entities.RiskCaseRow>().Where(c => c.Id == review.GetProperty("id").GetGuid())
                .ExecuteDeleteAsync(Ct));
        }
        _server.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await cases.RecoverHeldAsync(Ct));
        var reopened = (await CasesAsync(_server, zhang.UserId)).Single(c => c.GetProperty("kind").GetString() == "review");
        await PostAsync(_server, $"/api/ops/risk/cases/{reopened.GetProperty("id")}/decide", new { decision = "release" });
        Assert.Equal(liBefore + 60_000, (await li.BalanceAsync()).Balance);
        Assert.Equal(0, await cases.RecoverHeldAsync(Ct));
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task RISK4_a_decision_once_started_is_the_only_one_that_can_finish_its_case_and_moves_the_money_once()
    {
        // An operator's release was under way (its money may have moved) when its server stopped; a second operator's void
        // must not meet the released money and close the case as something else.
        var liBefore = (await (await Party.SignInAsync(_server, DemoCards.LiSi)).BalanceAsync()).Balance;
        var (zhang, li, transferId, risky) = await HeldAsync();
        var id = risky.GetProperty("id").GetGuid();
        await ReleaseStartedAsync(_server, id);
        using var risk = await LifecycleClient.OperatorAsync(_server, "risk");
        await risk.RefusedAsync($"/api/ops/risk/cases/{id}/decide", new { decision = "void" }, 409, "CASE_BEING_DECIDED"); // under way
        _server.Clock.Advance(TimeSpan.FromMinutes(3)); // the claim of the stopped server lapsed; its decision still stands
        await risk.RefusedAsync($"/api/ops/risk/cases/{id}/decide", new { decision = "void" }, 409, "CASE_BEING_DECIDED");
        Assert.Equal("open", (await GetAsync(_server, $"/api/ops/risk/cases/{id}")).GetProperty("case").GetProperty("status").GetString());

        var decided = await PostAsync(_server, $"/api/ops/risk/cases/{id}/decide", new { decision = "release" });
        Assert.Equal(("decided", "release"), (decided.GetProperty("status").GetString(), decided.GetProperty("decision").GetString()));
        Assert.Equal(liBefore + 60_000, (await li.BalanceAsync()).Balance);
        Assert.Equal("succeeded", (await zhang.Wallet.GetFromJsonAsync<JsonElement>($"/api/wallet/me/transfers/{transferId}", Ct))
            .GetProperty("status").GetString());
        await using (var db = _server.Database.Options.CreateContext())
        {
            var row = await db.Set<Zhifu.Data.Entities.RiskCaseRow>().AsNoTracking().SingleAsync(c => c.Id == id, Ct);
            Assert.Equal((null, null), (row.DecidingAs, row.DecidingSince));
            Assert.Equal(1, await db.Set<Zhifu.Data.Entities.AuditRow>().CountAsync(a => a.Target == $"risk-case:{id}" && a.Action == "risk-case.decide", Ct));
        }
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task RISK4_a_release_that_moved_the_money_and_stopped_is_recorded_as_a_release_even_when_a_void_closes_its_case()
    {
        // An operator's release posted the held money and its server stopped before recording it; the payer was frozen since,
        // so the release's retry is refused, and a void then finds the money gone to the payee: the case and the transfer say
        // so — never "revoked" with the transfer held for ever.
        var liBefore = (await (await Party.SignInAsync(_server, DemoCards.LiSi)).BalanceAsync()).Balance;
        var (zhang, li, transferId, risky) = await HeldAsync();
        var id = risky.GetProperty("id").GetGuid();
        await ReleaseStartedAsync(_server, id);
        await using (var db = _server.Database.Options.CreateContext())
        {
            var legs = await db.Set<Zhifu.Data.Entities.WalletTransferLegRow>().AsNoTracking().Where(l => l.TransferId == transferId)
                .OrderBy(l => l.Sequence).ToListAsync(Ct);
            List<Transfer> holds = [new() { Id = transferId, Ledger = Ledgers.Cny, Code = Zhifu.Data.Entities.WalletTransferCodes.WalletTransfer,
                BusinessId = transferId }, .. legs.Select(l => new Transfer { Id = l.LegId, Ledger = l.Ledger, Code = (ushort)l.Code, BusinessId = l.BusinessId })];
            Assert.All(await _server.Services.GetRequiredService<ILedger>().SubmitAsync(Zhifu.Server.Ledger.HeldChain.Resolve(holds, post: true), Ct),
                r => Assert.True(r.IsSuccess(), r.ToString()));
        }
        Assert.Equal(liBefore + 60_000, (await li.BalanceAsync()).Balance);
        using var risk = await LifecycleClient.OperatorAsync(_server, "risk");
        (await risk.PostAsJsonAsync($"/api/ops/accounts/{zhang.UserId}/freeze", new { reason = "司法冻结 court order" }, Ct)).EnsureSuccessStatusCode();
        _server.Clock.Advance(TimeSpan.FromMinutes(3)); // the stopped server's claim lapsed

        await risk.RefusedAsync($"/api/ops/risk/cases/{id}/decide", new { decision = "release" }, 409, "CASE_PARTY_RESTRICTED");
        await AssertReleasedOnceAsync(id, "void", (zhang, li, transferId), liBefore);
    }

    [Fact]
    public async Task RISK4_a_release_that_stopped_after_the_transfer_recorded_it_but_before_its_case_did_finishes_as_a_release()
    {
        var liBefore = (await (await Party.SignInAsync(_server, DemoCards.LiSi)).BalanceAsync()).Balance;
        var (zhang, li, transferId, risky) = await HeldAsync();
        var id = risky.GetProperty("id").GetGuid();
        await ReleaseStartedAsync(_server, id);
        var hold = _server.Services.GetServices<IRiskHold>().Single(h => h.Kind == RiskKinds.Transfer);
        Assert.Equal(RiskHoldOutcome.Done, await hold.ReleaseAsync(transferId, Ct)); // everything of the release but the case's record
        _server.Clock.Advance(TimeSpan.FromMinutes(3)); // its server stopped; the claim lapsed

        await AssertReleasedOnceAsync(id, "release", (zhang, li, transferId), liBefore);
    }

    [Fact]
    public async Task RISK4_ACC6_a_held_transfer_is_not_released_past_a_freeze_of_its_payer_since_and_can_be_voided()
    {
        var liBefore = (await (await Party.SignInAsync(_server, DemoCards.LiSi)).BalanceAsync()).Balance;
        var (zhang, li, transferId, risky) = await HeldAsync();
        var id = risky.GetProperty("id").GetGuid();
        using var risk = await LifecycleClient.OperatorAsync(_server, "risk");
        (await risk.PostAsJsonAsync($"/api/ops/accounts/{zhang.UserId}/freeze", new { reason = "司法冻结 court order" }, Ct)).EnsureSuccessStatusCode();

        await risk.RefusedAsync($"/api/ops/risk/cases/{id}/decide", new { decision = "release" }, 409, "CASE_PARTY_RESTRICTED");
        Assert.Equal(liBefore, (await li.BalanceAsync()).Balance);
        Assert.Equal("open", (await GetAsync(_server, $"/api/ops/risk/cases/{id}")).GetProperty("case").GetProperty("status").GetString());

        var decided = await PostAsync(_server, $"/api/ops/risk/cases/{id}/decide", new { decision = "void" }); // still decidable
        Assert.Equal("void", decided.GetProperty("decision").GetString());
        Assert.Equal(_zhangFunded, (await zhang.BalanceAsync()).Balance); // back with the payer (frozen, but theirs)
        Assert.Equal(liBefore, (await li.BalanceAsync()).Balance);
        Assert.Equal("failed", (await zhang.Wallet.GetFromJsonAsync<JsonElement>($"/api/wallet/me/transfers/{transferId}", Ct))
            .GetProperty("status").GetString());
        await TransferKit.AssertVerifiedAsync(_server);
    }

    /// <summary>张三 on <paramref name="device"/>, funded, with a ¥60 withdrawal to his debit card held for review (its case open).</summary>
    private async Task<(Party Zhang, long Funded, string Card, Guid MovementId)> ReviewedWithdrawalAsync(string device)
    {
        var zhang = await OnDeviceAsync(_server, DemoCards.ZhangSan, device);
        await zhang.FundAsync(50_000);
        var funded = (await zhang.BalanceAsync()).Balance;
        var card = await zhang.CardTokenAsync("debit");
        await PutRuleAsync(_server, "T-FUNDS", "amount", new { minFen = 5_000 }, "review", "withdrawal");
        var response = await zhang.Wallet.PostAsJsonAsync("/api/wallet/me/withdrawals",
            new { requestId = Guid.NewGuid().ToString("N"), cardToken = card, amountFen = 6_000, paymentPassword = Party.PaymentPassword }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (zhang, funded, card, (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task RISK3_a_held_withdrawal_from_a_device_listed_since_is_not_released_until_it_is_taken_off()
    {
        var (zhang, funded, _, movementId) = await ReviewedWithdrawalAsync("phone-l");
        var id = Assert.Single(await CasesAsync(_server, zhang.UserId)).GetProperty("id").GetGuid();
        var entry = await PostAsync(_server, "/api/ops/risk/lists", new
        {
            list = "device", deviceId = "phone-l", reason = "device reported stolen", source = "police",
        });
        using (var risk = await LifecycleClient.OperatorAsync(_server, "risk"))
        {
            await risk.RefusedAsync($"/api/ops/risk/cases/{id}/decide", new { decision = "release" }, 409, "CASE_PARTY_RESTRICTED");
            Assert.Equal("review", (await zhang.Wallet.GetFromJsonAsync<JsonElement>($"/api/wallet/me/fund-movements/{movementId}", Ct))
                .GetProperty("status").GetString()); // nothing sent to the bank
            (await risk.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/ops/risk/lists/{entry.GetProperty("id")}")
            {
                Content = JsonContent.Create(new { reason = "found" }),
            }, Ct)).EnsureSuccessStatusCode();
        }
        Assert.Equal("release", (await PostAsync(_server, $"/api/ops/risk/cases/{id}/decide", new { decision = "release" }))
            .GetProperty("decision").GetString());
        Assert.Equal(funded - 6_000, (await zhang.BalanceAsync()).Balance);
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task RISK4_a_withdrawal_release_that_asked_the_bank_and_stopped_before_its_case_recorded_it_finishes_as_a_release()
    {
        var (zhang, funded, _, movementId) = await ReviewedWithdrawalAsync("phone-r");
        var id = Assert.Single(await CasesAsync(_server, zhang.UserId)).GetProperty("id").GetGuid();
        await ReleaseStartedAsync(_server, id);
        var hold = _server.Services.GetServices<IRiskHold>().Single(h => h.Kind == RiskKinds.Withdrawal);
        Assert.Equal(RiskHoldOutcome.Done, await hold.ReleaseAsync(movementId, Ct)); // the bank was asked; the case not told
        _server.Clock.Advance(TimeSpan.FromMinutes(3)); // its server stopped; the claim lapsed

        var decided = await PostAsync(_server, $"/api/ops/risk/cases/{id}/decide", new { decision = "release" });
        Assert.Equal("release", decided.GetProperty("decision").GetString()); // the money went to the bank: never "revoked"
        Assert.Equal("succeeded", (await zhang.Wallet.GetFromJsonAsync<JsonElement>($"/api/wallet/me/fund-movements/{movementId}", Ct))
            .GetProperty("status").GetString());
        Assert.Equal(funded - 6_000, (await zhang.BalanceAsync()).Balance);
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task RISK4_releasing_a_withdrawal_whose_card_was_unbound_meanwhile_records_the_void_it_was()
    {
        var (zhang, funded, card, movementId) = await ReviewedWithdrawalAsync("phone-w"); // its device, which no finding of fraud may list
        Assert.Equal(HttpStatusCode.NoContent, (await zhang.Wallet.DeleteAsync($"/api/wallet/me/cards/{card}", Ct)).StatusCode);

        var open = Assert.Single(await CasesAsync(_server, zhang.UserId));
        var decided = await PostAsync(_server, $"/api/ops/risk/cases/{open.GetProperty("id")}/decide", new { decision = "release" });

        Assert.Equal("void", decided.GetProperty("decision").GetString()); // RISK-4: the record says what happened to the money
        Assert.Equal("failed", (await zhang.Wallet.GetFromJsonAsync<JsonElement>($"/api/wallet/me/fund-movements/{movementId}", Ct))
            .GetProperty("status").GetString());
        Assert.Equal(funded, (await zhang.BalanceAsync()).Balance);
        await using (var db = _server.Database.Options.CreateContext())
        {
            Assert.False(await db.Set<Zhifu.Data.Entities.RiskListEntryRow>().AnyAsync(e => e.Source == "risk-case", Ct)); // not fraud
        }
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task RISK1_a_withdrawal_recorded_for_review_but_never_held_is_failed_as_not_held_and_its_late_hold_refused()
    {
        var (zhang, funded, movement) = await UnheldReviewAsync();
        var late = LateHold(movement);
        _server.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(0, await _server.Services.GetRequiredService<RiskCases>().RecoverHeldAsync(Ct)); // nothing held: no case, no SMS
        await _server.Services.GetRequiredService<Zhifu.Server.Funds.FundsRecoveryWorker>().RunOnceAsync(Ct);

        var settled = await zhang.Wallet.GetFromJsonAsync<JsonElement>($"/api/wallet/me/fund-movements/{movement.Id}", Ct);
        Assert.Equal(("failed", "not-held"), (settled.GetProperty("status").GetString(), settled.GetProperty("failureCode").GetString()));
        Assert.Empty(await CasesAsync(_server, zhang.UserId));
        // The hold request still on its way (a slow ledger) can no longer hold money for the failed movement.
        Assert.False((await _server.Services.GetRequiredService<Zhifu.Core.Ledger.ILedger>().SubmitAsync([late], Ct))[0].IsSuccess());
        Assert.Equal(funded, (await zhang.BalanceAsync()).Balance);
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task RISK1_releasing_a_withdrawal_whose_hold_never_came_fails_it_as_not_held_and_never_asks_the_bank()
    {
        var (zhang, funded, movement) = await UnheldReviewAsync();
        // Its case was opened at once (a repeat of the request found it under review), before its hold reached the ledger.
        var cases = _server.Services.GetRequiredService<RiskCases>();
        await cases.OpenRecordedAsync(movement.Id, RiskCases.KindReview, Ct, new RiskEvent(RiskKinds.Withdrawal, movement.Id,
            zhang.UserId, movement.AmountFen, movement.CreatedAt));
        var opened = Assert.Single(await CasesAsync(_server, zhang.UserId));
        var detail = await GetAsync(_server, $"/api/ops/risk/cases/{opened.GetProperty("id")}");
        Assert.Equal("recovered", detail.GetProperty("decision").GetProperty("hits")[0].GetProperty("ruleId").GetString());

        await PostAsync(_server, $"/api/ops/risk/cases/{opened.GetProperty("id")}/decide", new { decision = "release" });
        var settled = await zhang.Wallet.GetFromJsonAsync<JsonElement>($"/api/wallet/me/fund-movements/{movement.Id}", Ct);
        Assert.Equal(("failed", "not-held"), (settled.GetProperty("status").GetString(), settled.GetProperty("failureCode").GetString()));
        var asked = await _server.Services.GetRequiredService<IBankChannel>().QueryAsync(movement.Id.ToString("N"), Ct);
        Assert.Equal(BankTransactionStatus.NotFound, asked.Status); // the bank never heard of it: nothing paid out unheld
        Assert.False((await _server.Services.GetRequiredService<Zhifu.Core.Ledger.ILedger>().SubmitAsync([LateHold(movement)], Ct))[0].IsSuccess());
        Assert.Equal(funded, (await zhang.BalanceAsync()).Balance);
        await TransferKit.AssertVerifiedAsync(_server);
    }

    /// <summary>What a withdrawal held for review leaves when its hold has not reached the ledger (down, or the process stopped).</summary>
    private async Task<(Party Zhang, long Funded, Zhifu.Data.Entities.FundMovementRow Movement)> UnheldReviewAsync()
    {
        var zhang = await Party.SignInAsync(_server, DemoCards.ZhangSan);
        await zhang.FundAsync(50_000);
        var funded = (await zhang.BalanceAsync()).Balance;
        var token = await zhang.CardTokenAsync("debit");
        var card = (await _server.Services.GetRequiredService<Zhifu.Server.Funds.IBoundCards>().FindAsync(zhang.UserId, token, Ct))!;
        var chart = _server.Services.GetRequiredService<Zhifu.Server.Ledger.InstitutionChart>();
        var movement = new Zhifu.Data.Entities.FundMovementRow
        {
            Id = Guid.CreateVersion7(), UserId = zhang.UserId, Kind = Zhifu.Server.Funds.FundMovements.Withdrawal, CardToken = token,
            Bank = card.Bank, CardType = "debit", CardMasked = card.Masked, AmountFen = 6_000,
            ClearingAccountId = chart[Zhifu.Server.Ledger.InstitutionChart.Clearing("ICBC")],
            Status = Zhifu.Server.Funds.FundMovements.Review, CreatedAt = _server.Clock.UtcNow,
        };
        await using var db = _server.Database.Options.CreateContext();
        movement.WalletLedgerAccountId = (await db.Set<Zhifu.Data.Entities.UserRow>().SingleAsync(u => u.Id == zhang.UserId, Ct)).WalletAccountId;
        db.Add(movement);
        await db.SaveChangesAsync(Ct);
        return (zhang, funded, movement);
    }

    private static Zhifu.Core.Ledger.Transfer LateHold(Zhifu.Data.Entities.FundMovementRow movement) => new()
    {
        Id = movement.Id, DebitAccountId = movement.WalletLedgerAccountId, CreditAccountId = movement.ClearingAccountId,
        AmountFen = movement.AmountFen, Ledger = Zhifu.Core.Ledger.Ledgers.Cny, Code = Zhifu.Core.Ledger.TransferCode.Withdrawal,
        Flags = Zhifu.Core.Ledger.TransferFlags.Pending, BusinessId = movement.Id,
    };

    [Fact]
    public async Task RISK4_voiding_a_held_transfer_returns_the_money_and_lists_the_device_so_it_is_blocked_next_time()
    {
        var (zhang, li, transferId, risky) = await HeldAsync(device: "fraudster-phone");
        await PutRuleAsync(_server, "T-LIST", "list-hit", new { lists = new[] { "device" } }, "block", score: 150);
        await PostAsync(_server, $"/api/ops/risk/cases/{risky.GetProperty("id").GetGuid()}/decide", new { decision = "void" });

        Assert.Equal(_zhangFunded, (await zhang.BalanceAsync()).Balance);
        var receipt = await zhang.Wallet.GetFromJsonAsync<JsonElement>($"/api/wallet/me/transfers/{transferId}", Ct);
        Assert.Equal("failed", receipt.GetProperty("status").GetString());
        Assert.Contains(await zhang.TextsAsync(), t => t.Contains("未予放行", StringComparison.Ordinal));
        var listed = await GetAsync(_server, "/api/ops/risk/lists?list=device");
        Assert.Equal("risk-case", Assert.Single(listed.EnumerateArray()).GetProperty("source").GetString());
        var again = await zhang.SendAsync(li, 100);
        Assert.Equal("RISK_BLOCKED", await ErrorCodeAsync(again));
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task RISK4_a_withdrawal_held_for_review_reaches_the_bank_only_when_released_and_a_voided_top_up_never_does()
    {
        var zhang = await Party.SignInAsync(_server, DemoCards.ZhangSan);
        await zhang.FundAsync(50_000);
        var funded = (await zhang.BalanceAsync()).Balance;
        var card = await zhang.CardTokenAsync("debit");
        await PutRuleAsync(_server, "T-FUNDS", "amount", new { minFen = 5_000 }, "review", "topup,withdrawal");
        async Task<JsonElement> MoveAsync(string path)
        {
            var response = await zhang.Wallet.PostAsJsonAsync($"/api/wallet/me/{path}",
                new { requestId = Guid.NewGuid().ToString("N"), cardToken = card, amountFen = 6_000, paymentPassword = Party.PaymentPassword }, Ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var movement = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal("review", movement.GetProperty("status").GetString());
            return movement;
        }
        async Task<string> StatusAsync(JsonElement movement) => (await zhang.Wallet.GetFromJsonAsync<JsonElement>(
            $"/api/wallet/me/fund-movements/{movement.GetProperty("id")}", Ct)).GetProperty("status").GetString()!;
        async Task DecideAsync(string decision)
        {
            var open = (await CasesAsync(_server, zhang.UserId)).First(c => c.GetProperty("status").GetString() == "open");
            await PostAsync(_server, $"/api/ops/risk/cases/{open.GetProperty("id")}/decide", new { decision });
        }

        var withdrawal = await MoveAsync("withdrawals");
        Assert.Equal(funded - 6_000, (await zhang.BalanceAsync()).Balance); // held, the bank not asked
        await TransferKit.AssertVerifiedAsync(_server);
        await DecideAsync("release");
        Assert.Equal("succeeded", await StatusAsync(withdrawal));
        Assert.Equal(funded - 6_000, (await zhang.BalanceAsync()).Balance);

        var topUp = await MoveAsync("top-ups");
        await DecideAsync("void");
        Assert.Equal("failed", await StatusAsync(topUp));
        Assert.Equal(funded - 6_000, (await zhang.BalanceAsync()).Balance);
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task RISK4_a_transfer_to_ones_own_card_held_for_review_goes_to_the_bank_when_released()
    {
        var zhang = await Party.SignInAsync(_server, DemoCards.ZhangSan);
        await zhang.FundAsync(50_000);
        var funded = (await zhang.BalanceAsync()).Balance;
        await PutRuleAsync(_server, "T-CARD", "amount", new { minFen = 5_000 }, "review", "withdrawal");
        var response = await zhang.ToCardAsync(await zhang.CardTokenAsync("debit"), 7_000);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var transferId = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var risky = Assert.Single(await CasesAsync(_server, zhang.UserId));
        Assert.Equal(transferId, risky.GetProperty("businessId").GetGuid());
        Assert.Equal(funded - 7_000, (await zhang.BalanceAsync()).Balance);
        await PostAsync(_server, $"/api/ops/risk/cases/{risky.GetProperty("id")}/decide", new { decision = "release" });
        await using var db = _server.Database.Options.CreateContext();
        var movementId = Zhifu.Core.DerivedIds.For(transferId, "fund-movement");
        Assert.Equal("succeeded", (await db.Set<Zhifu.Data.Entities.FundMovementRow>().FindAsync([movementId], Ct))!.Status);
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task RISK4_the_payer_may_revoke_a_transfer_under_review_and_the_case_then_closes_as_revoked()
    {
        var (zhang, _, transferId, risky) = await HeldAsync();
        Assert.Equal(HttpStatusCode.OK, (await zhang.RevokeAsync(transferId)).StatusCode);
        Assert.Equal(_zhangFunded, (await zhang.BalanceAsync()).Balance);
        var decided = await PostAsync(_server, $"/api/ops/risk/cases/{risky.GetProperty("id").GetGuid()}/decide", new { decision = "release" });
        Assert.Equal("revoked", decided.GetProperty("decision").GetString());
        Assert.Equal(_zhangFunded, (await zhang.BalanceAsync()).Balance);
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task RISK4_a_released_delayed_transfer_still_waits_for_its_arrival_time()
    {
        var zhang = await Party.SignInAsync(_server, DemoCards.ZhangSan);
        var li = await Party.SignInAsync(_server, DemoCards.LiSi);
        await zhang.FundAsync(200_000);
        var liBefore = (await li.BalanceAsync()).Balance;
        await PutRuleAsync(_server, "T-REVIEW", "amount", new { minFen = 50_000 }, "review", "transfer");
        var receipt = await (await zhang.SendAsync(li, 60_000, arrival: "24h")).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("review", receipt.GetProperty("status").GetString());
        var risky = Assert.Single(await CasesAsync(_server, zhang.UserId));
        await PostAsync(_server, $"/api/ops/risk/cases/{risky.GetProperty("id").GetGuid()}/decide", new { decision = "release" });
        var after = await zhang.Wallet.GetFromJsonAsync<JsonElement>($"/api/wallet/me/transfers/{receipt.GetProperty("id")}", Ct);
        Assert.Equal("pending", after.GetProperty("status").GetString());
        Assert.Equal(liBefore, (await li.BalanceAsync()).Balance);
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task RISK4_an_alert_judged_legitimate_teaches_the_profile_and_cases_are_for_risk_staff_only()
    {
        var zhang = await Party.SignInAsync(_server, DemoCards.ZhangSan);
        var li = await Party.SignInAsync(_server, DemoCards.LiSi);
        await zhang.FundAsync(100_000);
        await PutRuleAsync(_server, "T-BLOCK", "amount", new { minFen = 30_000 }, "block", "transfer");
        Assert.Equal("RISK_BLOCKED", await ErrorCodeAsync(await zhang.SendAsync(li, 30_000)));
        var alert = Assert.Single(await CasesAsync(_server, zhang.UserId));
        var id = alert.GetProperty("id").GetGuid();
        using (var service = await LifecycleClient.OperatorAsync(_server, "service"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await service.GetAsync($"/api/ops/risk/cases/{id}", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden,
                (await service.PostAsJsonAsync($"/api/ops/risk/cases/{id}/decide", new { decision = "legitimate" }, Ct)).StatusCode);
        }
        using (var risk = await LifecycleClient.OperatorAsync(_server, "risk"))
        {
            await risk.RefusedAsync($"/api/ops/risk/cases/{id}/decide", new { decision = "release" }, 400, "CASE_DECISION_INVALID");
            await risk.RefusedAsync($"/api/ops/risk/cases/{Guid.NewGuid()}/decide", new { decision = "fraud" }, 404, "CASE_NOT_FOUND");
        }
        var decided = await PostAsync(_server, $"/api/ops/risk/cases/{id}/decide", new { decision = "legitimate" });
        Assert.Equal("decided", decided.GetProperty("status").GetString());
        await FlushProfilesAsync(_server);
        Assert.Equal(1, (await GetAsync(_server, $"/api/ops/risk/profiles/{zhang.UserId}")).GetProperty("movements").GetInt64());
        Assert.Contains("risk-case.decide", await AuditActionsAsync(_server));
    }
}
