using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Server.Banking;
using Zhifu.Server.Funds;
using Zhifu.Server.Transfers;
using Zhifu.Tests.Bank;
using Zhifu.Tests.Lifecycle;
using static Zhifu.Tests.Hosting.OperatorApiTests;

namespace Zhifu.Tests.Transfers;

/// <summary>
/// TRF-1 with CARD-4: a transfer to the holder's card rides Funds' bank path, so a declined or unknown bank answer neither loses
/// nor duplicates money, and the held limit legs follow the bank's truth.
/// </summary>
public sealed class CardTransferBankTests : IAsyncLifetime
{
    private ClockedServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await TransferKit.StartAsync("--Bank:TimeoutMs=400",
        "--Funds:ResolveAfterSeconds=0", "--Funds:RecoveryIntervalSeconds=3600");

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private BankAdminClient Bank => new(new HttpClient(), _server.Services.GetRequiredService<BankChannelAddress>().BaseAddress!);

    private static async Task<string> TokenOfAsync(Party party, DemoCard card)
    {
        var cards = await party.Wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me/cards", Ct);
        return cards.EnumerateArray()
            .First(c => c.GetProperty("cardNumber").GetString()!.EndsWith(card.CardNumber[^4..], StringComparison.Ordinal))
            .GetProperty("token").GetString()!;
    }

    [Fact]
    public async Task CARD4_a_declined_card_transfer_gives_back_the_money_and_the_allowance()
    {
        var zhang = await Party.SignInAsync(_server, DemoCards.ZhangSan);
        var card = DemoCards.ZhangSan.Cards.First(c => c.CardType == BankCardType.Debit);
        var token = await TokenOfAsync(zhang, card);
        var (before, daily) = ((await zhang.BalanceAsync()).Balance, await zhang.RemainingAsync("daily-amount"));
        await Bank.CloseCardAsync(card.CardNumber, Ct);
        await AssertProblemAsync(await zhang.ToCardAsync(token, 3_000), 422, "BANK_DECLINED");
        Assert.Equal((before, daily), ((await zhang.BalanceAsync()).Balance, await zhang.RemainingAsync("daily-amount")));
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task CARD4_an_unknown_bank_answer_stays_held_until_recovery_settles_it_exactly_once()
    {
        var zhang = await Party.SignInAsync(_server, DemoCards.ZhangSan);
        var card = DemoCards.ZhangSan.Cards.First(c => c.CardType == BankCardType.Debit);
        var token = await TokenOfAsync(zhang, card);
        var (before, daily) = ((await zhang.BalanceAsync()).Balance, await zhang.RemainingAsync("daily-amount"));
        var cardBefore = await Bank.BalanceAsync(card.CardNumber, Ct);
        await Bank.SetFaultsAsync(new BankAdminClient.Faults(UnknownRate: 1.0, Seed: 3), Ct);
        var sent = await zhang.ToCardAsync(token, 4_000);
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var id = (await sent.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var held = ((await zhang.BalanceAsync()).Balance, await zhang.RemainingAsync("daily-amount"));
        Assert.Equal((before - 4_000, daily - 4_000), held);
        // the money held for it is on the statement meanwhile, as a withdrawal in the same state would be
        var statement = await zhang.Wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me/statement?kind=transfer-to-card", Ct);
        var line = Assert.Single(statement.GetProperty("entries").EnumerateArray());
        Assert.Equal((id.ToString(), -4_000L, "processing"), (line.GetProperty("recordId").GetString(), line.GetProperty("amountFen").GetInt64(),
            line.GetProperty("status").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await zhang.Wallet.GetAsync($"/api/wallet/me/statement/{id}", Ct)).StatusCode);

        await Bank.SetFaultsAsync(new BankAdminClient.Faults(), Ct);
        await _server.Services.GetRequiredService<FundsRecoveryWorker>().RunOnceAsync(Ct);
        var release = _server.Services.GetRequiredService<DelayedTransferRelease>();
        await release.RunOnceAsync(Ct);
        await release.RunOnceAsync(Ct);
        var row = (await _server.Services.GetRequiredService<WalletTransfers>().FindAsync(id))!;
        Assert.Contains(row.Status, new[] { "succeeded", "failed" });
        var moved = row.Status == "succeeded" ? 4_000 : 0;
        var after = ((await zhang.BalanceAsync()).Balance, await zhang.RemainingAsync("daily-amount"));
        Assert.Equal((before - moved, daily - moved), after);
        Assert.Equal(cardBefore + moved, await Bank.BalanceAsync(card.CardNumber, Ct));
        Assert.True((await Bank.TotalsAsync(Ct)).Balanced);
        await TransferKit.AssertVerifiedAsync(_server);
    }
}
