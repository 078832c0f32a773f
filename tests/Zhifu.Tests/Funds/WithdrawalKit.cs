using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Data.Entities;
using Zhifu.Server.Banking;
using Zhifu.Tests.Accounts;
using Zhifu.Tests.Bank;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.Tests.Funds;

/// <summary>A demo holder as the wallet app drives top-ups and withdrawals with the cards the demo world bound for them.</summary>
internal sealed record WithdrawalKit(ZhifuTestServer Server, HttpClient Wallet, Guid UserId, DemoPerson Person)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<WithdrawalKit> SignInAsync(ZhifuTestServer server, DemoPerson person)
    {
        var wallet = await WalletClient.SignInAsync(server, person.Phone, "Demo@2026");
        var me = await wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me", Ct);
        return new WithdrawalKit(server, wallet, me.GetProperty("userId").GetGuid(), person);
    }

    public BankAdminClient Bank => new(new HttpClient(), Server.Services.GetRequiredService<BankChannelAddress>().BaseAddress!);

    /// <summary>The token of the bound card (the demo world binds every card of the demo people).</summary>
    public async Task<string> TokenAsync(DemoCard card)
    {
        var cards = await Wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me/cards", Ct);
        return cards.EnumerateArray()
            .First(c => c.GetProperty("cardNumber").GetString()!.EndsWith(card.CardNumber[^4..], StringComparison.Ordinal))
            .GetProperty("token").GetString()!;
    }

    public Task<HttpResponseMessage> TopUpAsync(string token, long fen) =>
        Wallet.PostAsJsonAsync("/api/wallet/me/top-ups", new { requestId = Guid.NewGuid().ToString("N"), cardToken = token, amountFen = fen, paymentPassword = "147258" }, Ct);

    /// <param name="requestId">The idempotency key; a new one when not given.</param>
    public Task<HttpResponseMessage> WithdrawAsync(string token, long fen, string? requestId = null) =>
        Wallet.PostAsJsonAsync("/api/wallet/me/withdrawals", new { requestId = requestId ?? Guid.NewGuid().ToString("N"), cardToken = token, amountFen = fen, paymentPassword = "147258" }, Ct);

    public async Task<long> BalanceAsync() =>
        (await Wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me/balance", Ct)).GetProperty("balanceFen").GetInt64();

    /// <summary>What is left of an ACC-2 limit (<c>class-one-since-opening</c>, <c>class-two-year</c> …) on the real-name screen.</summary>
    public async Task<long> RemainingAsync(string limit)
    {
        var status = await Wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me/real-name", Ct);
        return status.GetProperty("limits").EnumerateArray().Single(l => l.GetProperty("limit").GetString() == limit)
            .GetProperty("remainingFen").GetInt64();
    }

    public async Task<int> MovementsAsync()
    {
        await using var db = Server.Database.Options.CreateContext();
        return await db.Set<FundMovementRow>().CountAsync(m => m.UserId == UserId, Ct);
    }

    /// <summary>A demo operator of a role, signed in on the operator console.</summary>
    public static Task<HttpClient> OperatorAsync(ZhifuTestServer server, string role) => OperatorSignIn.AsAsync(server.Client(), role);
}
