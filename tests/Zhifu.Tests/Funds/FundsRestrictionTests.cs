using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Server.Lifecycle;
using Zhifu.Tests.Infrastructure;
using static Zhifu.Tests.Hosting.OperatorApiTests;

namespace Zhifu.Tests.Funds;

/// <summary>
/// ACC-4 … ACC-6 on top-ups and withdrawals: the Lifecycle guard decides, with the penalties' own rules — an involved account
/// moves nothing, an involved person's non-counter business (the app) is suspended, frozen and dormant wallets move nothing —
/// and the refusal names the restriction. Nothing reaches the ledger or the bank.
/// </summary>
public sealed class FundsRestrictionTests : IAsyncLifetime
{
    private ZhifuTestServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await ZhifuTestServer.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task<JsonElement> ListAsync(object listing)
    {
        using var risk = await WithdrawalKit.OperatorAsync(_server, "risk");
        var response = await risk.PostAsJsonAsync("/api/ops/involved-accounts", listing, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Both directions refused with <paramref name="code"/>, and nothing moved: balance, card, movement rows.</summary>
    private static async Task AssertNoMoneyMovesAsync(WithdrawalKit holder, DemoCard card, string code)
    {
        var token = await holder.TokenAsync(card);
        var before = (await holder.BalanceAsync(), await holder.Bank.BalanceAsync(card.CardNumber, Ct), await holder.MovementsAsync());
        await AssertProblemAsync(await holder.WithdrawAsync(token, 1_000), 403, code);
        await AssertProblemAsync(await holder.TopUpAsync(token, 1_000), 403, code);
        var after = (await holder.BalanceAsync(), await holder.Bank.BalanceAsync(card.CardNumber, Ct), await holder.MovementsAsync());
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task ACC5_an_involved_account_can_neither_withdraw_nor_top_up_until_it_is_removed()
    {
        var wang = await WithdrawalKit.SignInAsync(_server, DemoCards.WangWu);
        var entry = await ListAsync(new { category = "involved", userId = wang.UserId, reason = "电信诈骗涉案 case 2026-1201",
            source = "police-notice" });
        await AssertNoMoneyMovesAsync(wang, DemoCards.WangWu.Cards[0], "ACCOUNT_INVOLVED_LISTED");

        using var risk = await WithdrawalKit.OperatorAsync(_server, "risk");
        var removal = new HttpRequestMessage(HttpMethod.Delete, $"/api/ops/involved-accounts/{entry.GetProperty("id").GetGuid()}")
        {
            Content = JsonContent.Create(new { reason = "公安解除 case closed" }),
        };
        Assert.True((await risk.SendAsync(removal, Ct)).IsSuccessStatusCode);
        var token = await wang.TokenAsync(DemoCards.WangWu.Cards[0]);
        Assert.Equal(HttpStatusCode.Created, (await wang.WithdrawAsync(token, 1_000)).StatusCode); // removed: money moves again
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task ACC5_an_involved_person_has_the_apps_top_ups_and_withdrawals_suspended()
    {
        var li = await WithdrawalKit.SignInAsync(_server, DemoCards.LiSi);
        await ListAsync(new { category = "rented-out", userId = li.UserId, reason = "出租账户 rented the wallet out",
            source = "risk-review" });
        await AssertNoMoneyMovesAsync(li, DemoCards.LiSi.Cards[0], "ACCOUNT_NON_COUNTER_SUSPENDED");
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task ACC6_frozen_wallets_move_no_money_and_the_refusal_names_the_freeze()
    {
        var zhang = await WithdrawalKit.SignInAsync(_server, DemoCards.ZhangSan);
        Assert.True((await zhang.Wallet.PostAsync("/api/wallet/me/freeze", null, Ct)).IsSuccessStatusCode);
        await AssertNoMoneyMovesAsync(zhang, DemoCards.ZhangSan.Cards[0], "ACCOUNT_FROZEN_BY_HOLDER");

        var li = await WithdrawalKit.SignInAsync(_server, DemoCards.LiSi);
        await _server.Services.GetRequiredService<AccountRestrictions>().AddAsync(li.UserId, RestrictionKinds.OperatorFreeze,
            "司法冻结 court order", "ops:risk", Ct);
        await AssertNoMoneyMovesAsync(li, DemoCards.LiSi.Cards[0], "ACCOUNT_FROZEN_BY_OPERATOR");
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task ACC4_a_dormant_wallet_moves_no_money()
    {
        var wang = await WithdrawalKit.SignInAsync(_server, DemoCards.WangWu);
        // What the dormancy scan records for a wallet without a transaction in the period (its own tests move the clock).
        await _server.Services.GetRequiredService<AccountRestrictions>().AddAsync(wang.UserId, RestrictionKinds.Dormant,
            "no transaction within the dormancy period", "dormancy-scan", Ct);
        await AssertNoMoneyMovesAsync(wang, DemoCards.WangWu.Cards[0], "ACCOUNT_DORMANT");
        Assert.True((await _server.VerifyAsync()).AllHold);
    }
}
