using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Server.Statements;
using Zhifu.Server.Transfers;
using Zhifu.Tests.Lifecycle;
using static Zhifu.Tests.Hosting.OperatorApiTests;

namespace Zhifu.Tests.Transfers;

/// <summary>TRF-1 wallet and card transfers, TRF-2 delayed arrival and revocation, CARD-3, through the real Wallet API.</summary>
public sealed class TransferFlowTests : IAsyncLifetime
{
    private ClockedServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await TransferKit.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task TRF1_wallet_to_wallet_shows_the_masked_payee_moves_money_once_and_tells_both_parties()
    {
        var (zhang, li) = (await Party.SignInAsync(_server, DemoCards.ZhangSan), await Party.SignInAsync(_server, DemoCards.LiSi));
        var preview = await zhang.Wallet.GetFromJsonAsync<JsonElement>($"/api/wallet/me/transfers/payee?phone={li.Person.Phone}", Ct);
        Assert.Equal("139****5678".Length, preview.GetProperty("payee").GetString()!.Length);
        Assert.Contains("****", preview.GetProperty("payee").GetString(), StringComparison.Ordinal);
        Assert.Equal(li.Person.Name[0] + new string('*', li.Person.Name.Length - 1), preview.GetProperty("payeeName").GetString());
        var (zhangBefore, liBefore) = ((await zhang.BalanceAsync()).Balance, (await li.BalanceAsync()).Balance);

        var requestId = Party.NewRequestId();
        var sent = await zhang.SendAsync(li, 12_345, requestId: requestId);
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        var receipt = await sent.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("succeeded", receipt.GetProperty("status").GetString());
        Assert.Equal("实时到账", receipt.GetProperty("arrivalNotice").GetString());
        // Idempotency: the same request id answers the first outcome and never moves money twice.
        var again = await zhang.SendAsync(li, 12_345, requestId: requestId);
        var repeated = await again.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(receipt.GetProperty("id").GetGuid(), repeated.GetProperty("id").GetGuid());
        await AssertProblemAsync(await zhang.SendAsync(li, 1, requestId: requestId), 409, "REQUEST_ID_REUSED");

        Assert.Equal(zhangBefore - 12_345, (await zhang.BalanceAsync()).Balance);
        Assert.Equal(liBefore + 12_345, (await li.BalanceAsync()).Balance);
        var id = receipt.GetProperty("id").GetGuid();
        var seenByPayee = await li.Wallet.GetFromJsonAsync<JsonElement>($"/api/wallet/me/transfers/{id}", Ct);
        Assert.Equal("in", seenByPayee.GetProperty("direction").GetString());

        // Both parties are told, masked: no full phone number or name in either text (ACC-8).
        var payerText = (await zhang.TextsAsync()).First(t => t.Contains("转账", StringComparison.Ordinal));
        var payeeText = (await li.TextsAsync()).First(t => t.Contains("向您转账", StringComparison.Ordinal));
        Assert.Contains("¥123.45", payerText, StringComparison.Ordinal);
        Assert.Contains("¥123.45", payeeText, StringComparison.Ordinal);
        Assert.DoesNotContain(li.Person.Phone, payerText, StringComparison.Ordinal);
        Assert.DoesNotContain(li.Person.Name, payerText, StringComparison.Ordinal);
        Assert.DoesNotContain(zhang.Person.Phone, payeeText, StringComparison.Ordinal);
        Assert.DoesNotContain(zhang.Person.Name, payeeText, StringComparison.Ordinal);

        // Statements: the feature's own source gives each side its line.
        var source = _server.Services.GetServices<IStatementSource>().OfType<TransferStatementSource>().Single();
        var outLines = await source.ReadAsync(new StatementQuery(zhang.UserId, null, null, null, null, null, 10), Ct);
        var inLines = await source.ReadAsync(new StatementQuery(li.UserId, null, null, null, null, null, 10), Ct);
        Assert.Equal(("transfer-out", -12_345L), (outLines.Single().Kind, outLines.Single().AmountFen));
        Assert.Equal(("transfer-in", 12_345L), (inLines.Single().Kind, inLines.Single().AmountFen));
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task TRF2_a_delayed_transfer_past_its_arrival_time_is_no_longer_revocable_and_arrives_when_asked()
    {
        var (zhang, li) = (await Party.SignInAsync(_server, DemoCards.ZhangSan), await Party.SignInAsync(_server, DemoCards.LiSi));
        var liBefore = (await li.BalanceAsync()).Balance;
        var id = (await zhang.SentAsync(li, 10_000, arrival: "2h")).GetProperty("id").GetGuid();
        _server.Clock.Advance(TimeSpan.FromHours(2)); // due; the release worker has not come round yet

        await AssertProblemAsync(await (await zhang.AgainAsync()).RevokeAsync(id), 409, "TRANSFER_ALREADY_ARRIVED");
        Assert.Equal("succeeded", (await _server.Services.GetRequiredService<WalletTransfers>().FindAsync(id))!.Status);
        Assert.Equal(liBefore + 10_000, (await (await li.AgainAsync()).BalanceAsync()).Balance);
        Assert.Equal(0, await _server.Services.GetRequiredService<DelayedTransferRelease>().RunOnceAsync(Ct)); // once
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ACC6_TRF2_a_delayed_transfer_whose_payer_or_payee_is_frozen_meanwhile_stays_held_until_the_freeze_is_lifted(bool payee)
    {
        var (zhang, li) = (await Party.SignInAsync(_server, DemoCards.ZhangSan), await Party.SignInAsync(_server, DemoCards.LiSi));
        var liBefore = (await li.BalanceAsync()).Balance;
        var id = (await zhang.SentAsync(li, 10_000, arrival: "2h")).GetProperty("id").GetGuid();
        var frozen = payee ? li.UserId : zhang.UserId;
        using (var risk = await LifecycleClient.OperatorAsync(_server, "risk"))
        {
            (await risk.PostAsJsonAsync($"/api/ops/accounts/{frozen}/freeze", new { reason = "涉嫌诈骗 suspected fraud" }, Ct)).EnsureSuccessStatusCode();
        }
        var worker = _server.Services.GetRequiredService<DelayedTransferRelease>();
        var transfers = _server.Services.GetRequiredService<WalletTransfers>();

        _server.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, await worker.RunOnceAsync(Ct)); // due, but not delivered past the freeze
        Assert.Equal("pending", (await transfers.FindAsync(id))!.Status);
        Assert.Equal(liBefore, (await (await li.AgainAsync()).BalanceAsync()).Balance);
        await TransferKit.AssertVerifiedAsync(_server);

        using (var risk = await LifecycleClient.OperatorAsync(_server, "risk"))
        {
            (await risk.PostAsJsonAsync($"/api/ops/accounts/{frozen}/unfreeze", new { reason = "解除 lifted" }, Ct)).EnsureSuccessStatusCode();
        }
        Assert.Equal(1, await worker.RunOnceAsync(Ct));
        Assert.Equal("succeeded", (await transfers.FindAsync(id))!.Status);
        Assert.Equal(liBefore + 10_000, (await (await li.AgainAsync()).BalanceAsync()).Balance);
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task RISK3_TRF2_a_delayed_transfer_whose_payee_is_put_on_the_risk_list_meanwhile_does_not_arrive_until_it_is_taken_off()
    {
        var (zhang, li) = (await Party.SignInAsync(_server, DemoCards.ZhangSan), await Party.SignInAsync(_server, DemoCards.LiSi));
        var liBefore = (await li.BalanceAsync()).Balance;
        var id = (await zhang.SentAsync(li, 10_000, arrival: "2h")).GetProperty("id").GetGuid();
        // an hour later the payee is reported for fraud and listed by risk control
        var entry = await Risk.RiskKit.PostAsync(_server, "/api/ops/risk/lists", new
        {
            list = "account", userId = li.UserId, reason = "police notice 2026-321", source = "police",
        });
        var worker = _server.Services.GetRequiredService<DelayedTransferRelease>();
        var transfers = _server.Services.GetRequiredService<WalletTransfers>();

        _server.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, await worker.RunOnceAsync(Ct)); // due, but never paid to a listed account
        Assert.Equal("pending", (await transfers.FindAsync(id))!.Status);
        Assert.Equal(liBefore, (await (await li.AgainAsync()).BalanceAsync()).Balance);
        await TransferKit.AssertVerifiedAsync(_server);

        using (var risk = await LifecycleClient.OperatorAsync(_server, "risk"))
        {
            (await risk.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/ops/risk/lists/{entry.GetProperty("id")}")
            {
                Content = JsonContent.Create(new { reason = "notice withdrawn" }),
            }, Ct)).EnsureSuccessStatusCode();
        }
        Assert.Equal(1, await worker.RunOnceAsync(Ct));
        Assert.Equal("succeeded", (await transfers.FindAsync(id))!.Status);
        Assert.Equal(liBefore + 10_000, (await (await li.AgainAsync()).BalanceAsync()).Balance);
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task TRF2_a_delayed_transfer_is_held_until_the_worker_releases_it_at_its_time()
    {
        var (zhang, li) = (await Party.SignInAsync(_server, DemoCards.ZhangSan), await Party.SignInAsync(_server, DemoCards.LiSi));
        var (zhangBefore, liBefore) = ((await zhang.BalanceAsync()).Balance, (await li.BalanceAsync()).Balance);
        var sent = await zhang.SendAsync(li, 10_000, arrival: "2h");
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var receipt = await sent.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("pending", receipt.GetProperty("status").GetString());
        Assert.True(receipt.GetProperty("revocable").GetBoolean());
        Assert.StartsWith("非实时到账", receipt.GetProperty("arrivalNotice").GetString(), StringComparison.Ordinal); // TRF-3: says so
        Assert.Equal(zhangBefore - 10_000, (await zhang.BalanceAsync()).Balance);
        Assert.Equal(liBefore, (await li.BalanceAsync()).Balance);

        var worker = _server.Services.GetRequiredService<DelayedTransferRelease>();
        _server.Clock.Advance(TimeSpan.FromMinutes(119));
        Assert.Equal(0, await worker.RunOnceAsync(Ct));
        li = await li.AgainAsync();
        Assert.Equal(liBefore, (await li.BalanceAsync()).Balance);
        _server.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await worker.RunOnceAsync(Ct));
        (zhang, li) = (await zhang.AgainAsync(), await li.AgainAsync());
        Assert.Equal(liBefore + 10_000, (await li.BalanceAsync()).Balance);
        Assert.Equal(0, await worker.RunOnceAsync(Ct)); // released once
        var id = receipt.GetProperty("id").GetGuid();
        Assert.Equal("succeeded", (await zhang.Wallet.GetFromJsonAsync<JsonElement>($"/api/wallet/me/transfers/{id}", Ct))
            .GetProperty("status").GetString());
        Assert.Contains((await li.TextsAsync()), t => t.Contains("向您转账 ¥100.00", StringComparison.Ordinal));
        // the payer's line is dated when sent, the payee's when the money arrived (their day's income, their newest line)
        DateTimeOffset LineAt(JsonElement statement) => DateTimeOffset.Parse(statement.GetProperty("entries")[0].GetProperty("at").GetString()!,
            System.Globalization.CultureInfo.InvariantCulture);
        var sentAt = LineAt(await zhang.Wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me/statement?kind=transfer-out", Ct));
        var arrivedAt = LineAt(await li.Wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me/statement?kind=transfer-in", Ct));
        Assert.True(arrivedAt - sentAt >= TimeSpan.FromHours(2), $"{sentAt} → {arrivedAt}");
        await AssertProblemAsync(await zhang.RevokeAsync(id), 409, "TRANSFER_ALREADY_ARRIVED");
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task TRF2_the_payer_revokes_a_delayed_transfer_and_gets_the_money_and_the_allowance_back()
    {
        var (zhang, li) = (await Party.SignInAsync(_server, DemoCards.ZhangSan), await Party.SignInAsync(_server, DemoCards.LiSi));
        var (zhangBefore, liBefore) = ((await zhang.BalanceAsync()).Balance, (await li.BalanceAsync()).Balance);
        var dailyBefore = await zhang.RemainingAsync("daily-amount");
        var receipt = await zhang.SentAsync(li, 20_000, arrival: "24h");
        var id = receipt.GetProperty("id").GetGuid();
        Assert.Equal(dailyBefore - 20_000, await zhang.RemainingAsync("daily-amount"));

        await AssertProblemAsync(await li.RevokeAsync(id), 404, "TRANSFER_NOT_FOUND"); // only the payer may revoke
        var revoked = await zhang.RevokeAsync(id);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal("revoked", (await revoked.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await zhang.RevokeAsync(id)).StatusCode); // a repeat answers the first outcome
        Assert.Equal(zhangBefore, (await zhang.BalanceAsync()).Balance);
        Assert.Equal(dailyBefore, await zhang.RemainingAsync("daily-amount"));
        Assert.Contains(await zhang.TextsAsync(), t => t.Contains("已撤销", StringComparison.Ordinal));

        _server.Clock.Advance(TimeSpan.FromHours(25));
        Assert.Equal(0, await _server.Services.GetRequiredService<DelayedTransferRelease>().RunOnceAsync(Ct));
        (zhang, li) = (await zhang.AgainAsync(), await li.AgainAsync());
        Assert.Equal(liBefore, (await li.BalanceAsync()).Balance);
        var realtime = await zhang.SentAsync(li, 100);
        await AssertProblemAsync(await zhang.RevokeAsync(realtime.GetProperty("id").GetGuid()), 409, "TRANSFER_NOT_REVOCABLE");
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task TRF2_revocation_racing_the_release_has_exactly_one_winner()
    {
        var (zhang, li) = (await Party.SignInAsync(_server, DemoCards.ZhangSan), await Party.SignInAsync(_server, DemoCards.LiSi));
        var (zhangBefore, liBefore) = ((await zhang.BalanceAsync()).Balance, (await li.BalanceAsync()).Balance);
        var ids = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            ids.Add((await zhang.SentAsync(li, 1_000, arrival: "2h")).GetProperty("id").GetGuid());
        }
        _server.Clock.Advance(TimeSpan.FromHours(2));
        (zhang, li) = (await zhang.AgainAsync(), await li.AgainAsync());
        var transfers = _server.Services.GetRequiredService<WalletTransfers>();
        var revokedCount = 0;
        var releasedCount = 0;
        foreach (var id in ids)
        {
            var row = (await transfers.FindAsync(id))!;
            var revoke = zhang.RevokeAsync(id);
            var release = Task.Run(() => transfers.ReleaseOneAsync(row), Ct);
            var (revoked, released) = ((await revoke).StatusCode == HttpStatusCode.OK, await release);
            Assert.True(revoked ^ released, $"exactly one of revoke ({revoked}) and release ({released}) wins");
            var status = (await transfers.FindAsync(id))!.Status;
            Assert.Equal(revoked ? "revoked" : "succeeded", status);
            (revokedCount, releasedCount) = (revokedCount + (revoked ? 1 : 0), releasedCount + (released ? 1 : 0));
        }
        Assert.Equal(zhangBefore - releasedCount * 1_000L, (await zhang.BalanceAsync()).Balance);
        Assert.Equal(liBefore + releasedCount * 1_000L, (await li.BalanceAsync()).Balance);
        Assert.Equal(0, await _server.Services.GetRequiredService<DelayedTransferRelease>().RunOnceAsync(Ct));
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task TRF1_a_transfer_to_the_holders_own_debit_card_goes_through_the_bank_and_never_to_a_credit_card()
    {
        var zhang = await Party.SignInAsync(_server, DemoCards.ZhangSan);
        var debit = await zhang.CardTokenAsync("debit");
        var before = (await zhang.BalanceAsync()).Balance;
        var classBefore = await zhang.RemainingAsync("daily-amount");
        var sent = await zhang.ToCardAsync(debit, 5_000);
        var text = await sent.Content.ReadAsStringAsync(Ct);
        Assert.True(sent.StatusCode == HttpStatusCode.Created, text);
        var receipt = JsonDocument.Parse(text).RootElement;
        Assert.Equal(("card", "succeeded"), (receipt.GetProperty("kind").GetString(), receipt.GetProperty("status").GetString()));
        Assert.Contains("****", receipt.GetProperty("payee").GetString(), StringComparison.Ordinal);
        Assert.Equal(before - 5_000, (await zhang.BalanceAsync()).Balance);
        Assert.Equal(classBefore - 5_000, await zhang.RemainingAsync("daily-amount"));
        await AssertProblemAsync(await zhang.ToCardAsync(await zhang.CardTokenAsync("credit"), 100), 400, "CREDIT_CARD_NOT_ALLOWED");
        var source = _server.Services.GetServices<IStatementSource>().OfType<TransferStatementSource>().Single();
        var kinds = new HashSet<string> { "transfer-to-card" };
        var lines = await source.ReadAsync(new StatementQuery(zhang.UserId, null, null, kinds, null, null, 5), Ct);
        Assert.Equal(-5_000, lines.Single().AmountFen);
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task CARD3_credit_card_funds_are_never_transferred_and_received_money_lands_in_the_normal_balance()
    {
        var (zhang, li) = (await Party.SignInAsync(_server, DemoCards.ZhangSan), await Party.SignInAsync(_server, DemoCards.LiSi));
        var credit = await zhang.CardTokenAsync("credit");
        var topUp = await zhang.Wallet.PostAsJsonAsync("/api/wallet/me/top-ups",
            new { requestId = Guid.NewGuid().ToString("N"), cardToken = credit, amountFen = 100_000, paymentPassword = Party.PaymentPassword }, Ct);
        Assert.Equal(HttpStatusCode.Created, topUp.StatusCode);
        var (balance, consumption) = await zhang.BalanceAsync();
        var transferable = balance - consumption;
        var liBefore = await li.BalanceAsync();

        await AssertProblemAsync(await zhang.SendAsync(li, transferable + 1), 409, "INSUFFICIENT_BALANCE");
        var debit = await zhang.CardTokenAsync("debit");
        await AssertProblemAsync(await zhang.ToCardAsync(debit, transferable + 1), 409, "INSUFFICIENT_BALANCE");
        Assert.Equal((balance, consumption), await zhang.BalanceAsync());
        await zhang.SentAsync(li, transferable);
        Assert.Equal((consumption, consumption), await zhang.BalanceAsync());
        Assert.Equal((liBefore.Balance + transferable, liBefore.ConsumptionOnly), await li.BalanceAsync());
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task TRF1_concurrent_transfers_from_one_wallet_never_overspend()
    {
        var (wang, li) = (await Party.SignInAsync(_server, DemoCards.WangWu), await Party.SignInAsync(_server, DemoCards.LiSi));
        var balance = (await wang.BalanceAsync()).Balance; // ¥200 for the demo Class Ⅰ holder
        var each = balance / 8;
        var attempts = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => wang.SendAsync(li, each)));
        var succeeded = attempts.Count(r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(8, succeeded);
        foreach (var refused in attempts.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await AssertProblemAsync(refused, 409, "INSUFFICIENT_BALANCE");
        }
        Assert.Equal(balance - 8 * each, (await wang.BalanceAsync()).Balance);
        await TransferKit.AssertVerifiedAsync(_server);
    }
}
