using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Zhifu.Core.Banking;
using Zhifu.Tests.Hosting;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.Tests.Funds;

/// <summary>CARD-2 top-up and withdrawal, CARD-3 credit-card funds for consumption only, through real HTTP and the real bank simulator.</summary>
public sealed class TopUpWithdrawalTests : IAsyncLifetime
{
    private ZhifuTestServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await ZhifuTestServer.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Top_up_and_withdrawal_move_money_between_card_and_wallet_exactly_once()
    {
        var f = await FundsFixture.CreateAsync(_server, DemoCards.LiSi);
        var debit = DemoCards.LiSi.Cards[0];
        var token = await f.VaultCardAsync(debit);
        var cardBefore = await f.Bank.BalanceAsync(debit.CardNumber, Ct);
        var (walletBefore, _) = await f.BalanceAsync();

        var topUp = await f.TopUpAsync(token, 12_345);
        Assert.Equal(HttpStatusCode.Created, topUp.StatusCode);
        var movement = await topUp.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("succeeded", movement.GetProperty("status").GetString());
        Assert.Equal("6222 **** **** 7814", movement.GetProperty("card").GetString());
        Assert.Equal(walletBefore + 12_345, (await f.BalanceAsync()).Balance);
        Assert.Equal(cardBefore - 12_345, await f.Bank.BalanceAsync(debit.CardNumber, Ct));

        Assert.Equal(HttpStatusCode.Created, (await f.WithdrawAsync(token, 2_345)).StatusCode);
        Assert.Equal(walletBefore + 10_000, (await f.BalanceAsync()).Balance);
        Assert.Equal(cardBefore - 10_000, await f.Bank.BalanceAsync(debit.CardNumber, Ct));

        var id = movement.GetProperty("id").GetGuid();
        var again = await f.Wallet.GetFromJsonAsync<JsonElement>($"/api/wallet/me/fund-movements/{id}", Ct);
        Assert.Equal("succeeded", again.GetProperty("status").GetString());
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task A_repeated_requestId_answers_the_first_movement_and_moves_money_once()
    {
        var f = await FundsFixture.CreateAsync(_server, DemoCards.LiSi);
        var debit = DemoCards.LiSi.Cards[0];
        var token = await f.VaultCardAsync(debit);
        var cardBefore = await f.Bank.BalanceAsync(debit.CardNumber, Ct);
        var (walletBefore, _) = await f.BalanceAsync();
        Task<HttpResponseMessage> Send(string path, long fen, string requestId) =>
            f.Wallet.PostAsJsonAsync(path, new { cardToken = token, amountFen = fen, paymentPassword = "147258", requestId }, Ct);

        // a retry after a lost answer, and a second tap at the same moment: one movement, one debit of the card
        var first = await Send("/api/wallet/me/top-ups", 5_000, "topup-0001-abcd");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var id = (await first.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var again = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Send("/api/wallet/me/top-ups", 5_000, "topup-0001-abcd")));
        foreach (var answer in again)
        {
            Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync(Ct));
            Assert.Equal(id, (await answer.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid());
        }
        var withdrawals = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Send("/api/wallet/me/withdrawals", 1_000, "withdraw-0001-abcd")));
        var withdrawalIds = new HashSet<Guid>();
        foreach (var answer in withdrawals)
        {
            Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync(Ct));
            withdrawalIds.Add((await answer.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid());
        }
        Assert.Single(withdrawalIds);
        Assert.Equal(walletBefore + 4_000, (await f.BalanceAsync()).Balance);
        Assert.Equal(cardBefore - 4_000, await f.Bank.BalanceAsync(debit.CardNumber, Ct));

        // the same key for something else is refused; a malformed key too; nothing moves
        await OperatorApiTests.AssertProblemAsync(await Send("/api/wallet/me/top-ups", 5_001, "topup-0001-abcd"), 409, "REQUEST_ID_REUSED");
        await OperatorApiTests.AssertProblemAsync(await Send("/api/wallet/me/top-ups", 5_000, "short"), 400, "INVALID_REQUEST_ID");
        Assert.Equal(walletBefore + 4_000, (await f.BalanceAsync()).Balance);
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task Credit_card_money_is_for_consumption_only_and_never_withdrawn()
    {
        var f = await FundsFixture.CreateAsync(_server, DemoCards.ZhangSan);
        var credit = await f.VaultCardAsync(DemoCards.ZhangSan.Cards[4]);
        var debit = await f.VaultCardAsync(DemoCards.ZhangSan.Cards[0]);
        var (balance, consumption) = await f.BalanceAsync();

        Assert.Equal(HttpStatusCode.Created, (await f.TopUpAsync(credit, 100_000)).StatusCode);
        var after = await f.BalanceAsync();
        Assert.Equal((balance + 100_000, consumption + 100_000), after); // CARD-3: lands in the consumption-only funds

        await OperatorApiTests.AssertProblemAsync(await f.WithdrawAsync(credit, 100), 400, "CREDIT_CARD_NOT_ALLOWED");
        // The withdrawable balance excludes the credit-card money: withdrawing all of it is refused, the rest is fine.
        await OperatorApiTests.AssertProblemAsync(await f.WithdrawAsync(debit, balance + 1), 409, "INSUFFICIENT_BALANCE");
        Assert.Equal(HttpStatusCode.Created, (await f.WithdrawAsync(debit, balance)).StatusCode);
        Assert.Equal((100_000L, 100_000L), await f.BalanceAsync());
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task A_declined_bank_debit_releases_the_hold_and_changes_nothing()
    {
        var f = await FundsFixture.CreateAsync(_server, DemoCards.WangWu);
        var card = await f.Bank.OpenCardAsync("ICBC", 500, Ct);
        var token = await f.VaultCardAsync(new DemoCard("ICBC", card.CardNumber, BankCardType.Debit, 500));
        var before = await f.BalanceAsync();
        await OperatorApiTests.AssertProblemAsync(await f.TopUpAsync(token, 501), 422, "BANK_DECLINED");
        Assert.Equal(before, await f.BalanceAsync());
        Assert.Equal(500, await f.Bank.BalanceAsync(card.CardNumber, Ct));
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task Bad_input_and_other_peoples_cards_are_refused_with_nothing_moved()
    {
        var li = await FundsFixture.CreateAsync(_server, DemoCards.LiSi);
        var wang = await FundsFixture.CreateAsync(_server, DemoCards.WangWu);
        var lisCard = await li.VaultCardAsync(DemoCards.LiSi.Cards[1]);
        var before = await wang.BalanceAsync();

        await OperatorApiTests.AssertProblemAsync(await wang.TopUpAsync(lisCard, 100), 404, "CARD_NOT_FOUND");
        await OperatorApiTests.AssertProblemAsync(await li.TopUpAsync(lisCard, 0), 400, "INVALID_AMOUNT");
        await OperatorApiTests.AssertProblemAsync(await li.TopUpAsync(lisCard, -5), 400, "INVALID_AMOUNT");
        await OperatorApiTests.AssertProblemAsync(await li.TopUpAsync(lisCard, 5_000_001), 400, "INVALID_AMOUNT");
        await OperatorApiTests.AssertProblemAsync(await li.TopUpAsync(lisCard, 100, "000000"), 401, "BAD_PAYMENT_PASSWORD");
        await OperatorApiTests.AssertProblemAsync(await li.Wallet.PostAsync("/api/wallet/me/top-ups",
            new StringContent("{\"cardToken\":\"x\",\"amountFen\":\"lots\"}", System.Text.Encoding.UTF8, "application/json"), Ct), 400, "INVALID_REQUEST");
        // Every money move is idempotent: a top-up or withdrawal without a requestId (or Idempotency-Key) is refused.
        foreach (var path in new[] { "/api/wallet/me/top-ups", "/api/wallet/me/withdrawals" })
        {
            await OperatorApiTests.AssertProblemAsync(await li.Wallet.PostAsJsonAsync(path,
                new { cardToken = lisCard, amountFen = 100, paymentPassword = "147258" }, Ct), 400, "INVALID_REQUEST_ID");
        }
        var mine = await (await li.TopUpAsync(lisCard, 100)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        await OperatorApiTests.AssertProblemAsync(
            await wang.Wallet.GetAsync($"/api/wallet/me/fund-movements/{mine.GetProperty("id").GetGuid()}", Ct), 404, "FUND_MOVEMENT_NOT_FOUND");
        Assert.Equal(before, await wang.BalanceAsync());
        Assert.True((await _server.VerifyAsync()).AllHold);
    }
}
