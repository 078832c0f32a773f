using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Server.Funds;
using Zhifu.Tests.Bank;
using Zhifu.Tests.Infrastructure;
using static Zhifu.Tests.Hosting.OperatorApiTests;

namespace Zhifu.Tests.Funds;

/// <summary>
/// ACC-2 on withdrawals (提现 to the holder's own card): Class Ⅰ's ¥1,000 since opening includes them, the Class Ⅱ/Ⅲ yearly
/// limits do not; the allowance is held with the money and comes back when the bank declines or the request is reversed (CARD-4).
/// </summary>
public sealed class WithdrawalClassLimitTests : IAsyncLifetime
{
    private const string ClassOne = "class-one-since-opening";
    private ZhifuTestServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await ZhifuTestServer.StartAsync(null, "--Bank:TimeoutMs=2000",
        "--Funds:ResolveAfterSeconds=0", "--Funds:RecoveryIntervalSeconds=3600", "--Funds:ResendsMax=0");

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task ACC2_a_class_one_withdrawal_exactly_at_the_limit_passes_and_one_fen_over_is_refused_with_nothing_moved()
    {
        var wang = await WithdrawalKit.SignInAsync(_server, DemoCards.WangWu); // Class Ⅰ, ¥200 of demo funding
        var card = DemoCards.WangWu.Cards[0];
        var token = await wang.TokenAsync(card);
        Assert.Equal(HttpStatusCode.Created, (await wang.TopUpAsync(token, 150_000)).StatusCode); // money in: no limit
        Assert.Equal(100_000, await wang.RemainingAsync(ClassOne));
        var (balance, cardBalance, rows) = (await wang.BalanceAsync(), await wang.Bank.BalanceAsync(card.CardNumber, Ct),
            await wang.MovementsAsync());

        var over = await AssertProblemAsync(await wang.WithdrawAsync(token, 100_001), 403, "CLASS_ONE_LIMIT_EXCEEDED");
        Assert.Equal((ClassOne, 100_000L, 100_000L), (over.GetProperty("limit").GetString(), over.GetProperty("limitValue").GetInt64(),
            over.GetProperty("remaining").GetInt64()));
        Assert.Equal(JsonValueKind.Null, over.GetProperty("resetsAt").ValueKind); // since opening: it never resets
        Assert.Equal((balance, cardBalance, rows), (await wang.BalanceAsync(), await wang.Bank.BalanceAsync(card.CardNumber, Ct),
            await wang.MovementsAsync()));

        Assert.Equal(HttpStatusCode.Created, (await wang.WithdrawAsync(token, 100_000)).StatusCode);
        Assert.Equal((balance - 100_000, 0L), (await wang.BalanceAsync(), await wang.RemainingAsync(ClassOne)));
        Assert.Equal(cardBalance + 100_000, await wang.Bank.BalanceAsync(card.CardNumber, Ct));
        var spent = await AssertProblemAsync(await wang.WithdrawAsync(token, 1), 403, "CLASS_ONE_LIMIT_EXCEEDED");
        Assert.Equal(0, spent.GetProperty("remaining").GetInt64());
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task ACC2_concurrent_class_one_withdrawals_never_pass_the_limit_together()
    {
        var wang = await WithdrawalKit.SignInAsync(_server, DemoCards.WangWu);
        var token = await wang.TokenAsync(DemoCards.WangWu.Cards[0]);
        Assert.Equal(HttpStatusCode.Created, (await wang.TopUpAsync(token, 300_000)).StatusCode);
        var before = await wang.BalanceAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => wang.WithdrawAsync(token, 20_000)));
        Assert.Equal(5, answers.Count(a => a.StatusCode == HttpStatusCode.Created)); // ¥1,000 / ¥200: the ledger decides
        foreach (var refused in answers.Where(a => a.StatusCode != HttpStatusCode.Created))
        {
            await AssertProblemAsync(refused, 403, "CLASS_ONE_LIMIT_EXCEEDED");
        }
        Assert.Equal((before - 100_000, 0L), (await wang.BalanceAsync(), await wang.RemainingAsync(ClassOne)));
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task ACC2_a_withdrawal_tapped_several_times_at_once_answers_its_one_movement_every_time_not_the_limit_it_used()
    {
        // the production work factors of the payment password: each tap's check takes as long as a real one, so taps reach the
        // class limit's check while the first one's allowance is already held
        await using var server = await ZhifuTestServer.StartAsync(null, "--Funds:ResolveAfterSeconds=0",
            "--Funds:RecoveryIntervalSeconds=3600", "--Security:Argon2:MemoryKiB=7168", "--Security:Argon2:Iterations=5");
        var wang = await WithdrawalKit.SignInAsync(server, DemoCards.WangWu);
        var token = await wang.TokenAsync(DemoCards.WangWu.Cards[0]);
        Assert.Equal(HttpStatusCode.Created, (await wang.TopUpAsync(token, 150_000)).StatusCode);
        var before = await wang.BalanceAsync();

        // the whole ¥1,000 allowance, sent 8 times at once under one requestId (an impatient thumb, a flaky network): each tap
        // that saw the first one's allowance used must still answer that movement, as a tap a moment later does
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => wang.WithdrawAsync(token, 100_000, "double-tap-0001")));
        var bodies = await Task.WhenAll(answers.Select(a => a.Content.ReadAsStringAsync(Ct)));
        // 201 once the bank answered; a tap answered while the first is still with the bank sees it in progress (202)
        Assert.All(answers.Zip(bodies), a => Assert.True(a.First.StatusCode is HttpStatusCode.Created or HttpStatusCode.Accepted, a.Second));
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.Single(bodies.Select(b => JsonDocument.Parse(b).RootElement.GetProperty("id").GetGuid()).Distinct());
        Assert.Equal((before - 100_000, 0L), (await wang.BalanceAsync(), await wang.RemainingAsync(ClassOne)));
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task CARD4_a_declined_withdrawal_gives_the_class_one_allowance_back_with_the_money()
    {
        var wang = await WithdrawalKit.SignInAsync(_server, DemoCards.WangWu);
        var card = DemoCards.WangWu.Cards[1];
        var token = await wang.TokenAsync(card);
        var before = await wang.BalanceAsync();
        await wang.Bank.CloseCardAsync(card.CardNumber, Ct);

        await AssertProblemAsync(await wang.WithdrawAsync(token, 15_000), 422, "BANK_DECLINED");
        Assert.Equal((before, 100_000L), (await wang.BalanceAsync(), await wang.RemainingAsync(ClassOne)));
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task CARD4_an_unknown_withdrawal_holds_the_allowance_until_the_reversal_gives_it_back()
    {
        var wang = await WithdrawalKit.SignInAsync(_server, DemoCards.WangWu);
        var card = DemoCards.WangWu.Cards[0];
        var token = await wang.TokenAsync(card);
        var (before, cardBefore) = (await wang.BalanceAsync(), await wang.Bank.BalanceAsync(card.CardNumber, Ct));
        // Timeouts that never reach the bank: it has never heard of the request, so recovery reverses it (ResendsMax=0).
        await wang.Bank.SetFaultsAsync(new BankAdminClient.Faults(TimeoutRate: 1.0, TimeoutHoldMs: 2600, Seed: 5), Ct);
        var sent = await wang.WithdrawAsync(token, 12_000);
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        Assert.Equal((before - 12_000, 88_000L), (await wang.BalanceAsync(), await wang.RemainingAsync(ClassOne))); // both held

        await wang.Bank.SetFaultsAsync(new BankAdminClient.Faults(), Ct);
        await _server.Services.GetRequiredService<FundsRecoveryWorker>().RunOnceAsync(Ct);
        var id = (await sent.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var settled = await wang.Wallet.GetFromJsonAsync<JsonElement>($"/api/wallet/me/fund-movements/{id}", Ct);
        var moved = settled.GetProperty("status").GetString() == "succeeded" ? 12_000 : 0;
        Assert.Contains(settled.GetProperty("status").GetString(), new[] { "succeeded", "failed" });
        Assert.Equal((before - moved, 100_000L - moved), (await wang.BalanceAsync(), await wang.RemainingAsync(ClassOne)));
        Assert.Equal(cardBefore + moved, await wang.Bank.BalanceAsync(card.CardNumber, Ct));
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task CARD4_a_requestId_reused_for_another_movement_while_the_first_is_unknown_is_refused_and_the_first_left_to_recovery()
    {
        // A top-up and a withdrawal sent at once under one requestId both pass the early repeat check; the second must not take
        // over the first's record (it marked the unknown top-up failed and stranded its hold).
        var wang = await WithdrawalKit.SignInAsync(_server, DemoCards.WangWu);
        var card = DemoCards.WangWu.Cards[0];
        var token = await wang.TokenAsync(card);
        var bound = (await _server.Services.GetRequiredService<IBoundCards>().FindAsync(wang.UserId, token, Ct))!;
        var wallet = (await _server.Services.GetRequiredService<Zhifu.Server.Accounts.WalletAccounts>().FindAsync(wang.UserId, Ct))!.WalletAccountId;
        var movements = _server.Services.GetRequiredService<FundMovements>();
        var (before, cardBefore) = (await wang.BalanceAsync(), await wang.Bank.BalanceAsync(card.CardNumber, Ct));
        var id = Guid.CreateVersion7(); // the movement id both requests derive from the one requestId
        await wang.Bank.SetFaultsAsync(new BankAdminClient.Faults(UnknownRate: 1.0, Seed: 3), Ct);
        var (topUp, error, _) = await movements.StartAsync(id, wang.UserId, FundMovements.TopUp, bound, 5_000, wallet);
        Assert.Null(error);
        Assert.Equal(FundMovements.Unknown, topUp!.Status);

        var (withdrawn, refused, _, _) = await _server.Services.GetRequiredService<OwnCardWithdrawals>()
            .WithdrawAsync(id, wang.UserId, bound, 3_000, wallet, review: false, Ct);
        Assert.Null(withdrawn);
        Assert.Equal("REQUEST_ID_REUSED", refused?.Code);
        var (twin, reused, _) = await movements.StartAsync(id, wang.UserId, FundMovements.TopUp, bound, 6_000, wallet);
        Assert.Null(twin);
        Assert.Equal("REQUEST_ID_REUSED", reused?.Code);
        Assert.Equal(FundMovements.Unknown, (await movements.FindMovementAsync(id))!.Status); // untouched

        await wang.Bank.SetFaultsAsync(new BankAdminClient.Faults(), Ct);
        await _server.Services.GetRequiredService<FundsRecoveryWorker>().RunOnceAsync(Ct);
        var settled = (await movements.FindMovementAsync(id))!;
        Assert.Contains(settled.Status, new[] { FundMovements.Succeeded, FundMovements.Failed });
        var moved = settled.Status == FundMovements.Succeeded ? 5_000 : 0;
        Assert.Equal(before + moved, await wang.BalanceAsync());
        Assert.Equal(cardBefore - moved, await wang.Bank.BalanceAsync(card.CardNumber, Ct));
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task ACC2_class_two_withdrawals_to_the_own_card_do_not_consume_the_yearly_limit()
    {
        var li = await WithdrawalKit.SignInAsync(_server, DemoCards.LiSi); // Class Ⅱ, ¥300 of demo funding
        var token = await li.TokenAsync(DemoCards.LiSi.Cards[0]);
        var year = await li.RemainingAsync("class-two-year");
        Assert.Equal(HttpStatusCode.Created, (await li.WithdrawAsync(token, 25_000)).StatusCode);
        Assert.Equal(year, await li.RemainingAsync("class-two-year"));
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task CARD3_credit_card_money_never_counts_as_withdrawable_and_uses_no_allowance()
    {
        var wang = await WithdrawalKit.SignInAsync(_server, DemoCards.WangWu);
        var credit = await wang.TokenAsync(DemoCards.WangWu.Cards[2]);
        var debit = await wang.TokenAsync(DemoCards.WangWu.Cards[0]);
        Assert.Equal(HttpStatusCode.Created, (await wang.TopUpAsync(credit, 50_000)).StatusCode); // consumption-only funds
        var balance = await wang.BalanceAsync();

        await AssertProblemAsync(await wang.WithdrawAsync(credit, 100), 400, "CREDIT_CARD_NOT_ALLOWED");
        await AssertProblemAsync(await wang.WithdrawAsync(debit, balance + 1), 409, "INSUFFICIENT_BALANCE");
        Assert.Equal((balance, 100_000L), (await wang.BalanceAsync(), await wang.RemainingAsync(ClassOne)));
        Assert.True((await _server.VerifyAsync()).AllHold);
    }
}
