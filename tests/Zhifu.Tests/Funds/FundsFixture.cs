using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core;
using Zhifu.Core.Banking;
using Zhifu.Data.Entities;
using Zhifu.Server.Banking;
using Zhifu.Server.Funds;
using Zhifu.Server.Security;
using Zhifu.Tests.Accounts;
using Zhifu.Tests.Bank;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.Tests.Funds;

/// <summary>A demo holder signed in, with cards in the vault, and the bank simulator's admin API.</summary>
internal sealed class FundsFixture
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private FundsFixture(ZhifuTestServer server, HttpClient wallet, BankAdminClient bank, Guid userId)
    {
        Server = server;
        Wallet = wallet;
        Bank = bank;
        UserId = userId;
    }

    public ZhifuTestServer Server { get; }
    public HttpClient Wallet { get; }
    public BankAdminClient Bank { get; }
    public Guid UserId { get; }

    public static async Task<FundsFixture> CreateAsync(ZhifuTestServer server, DemoPerson person)
    {
        var wallet = await WalletClient.SignInAsync(server, person.Phone, "Demo@2026");
        var me = await wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me", Ct);
        var userId = me.GetProperty("userId").GetGuid();
        await using (var db = server.Database.Options.CreateContext())
        {
            // Real-name verification is its own feature; these tests start from a verified holder.
            await db.Set<UserRow>().Where(u => u.Id == userId && u.AccountClass == 0)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.AccountClass, 1), Ct);
        }
        var address = server.Services.GetRequiredService<BankChannelAddress>().BaseAddress!;
        return new FundsFixture(server, wallet, new BankAdminClient(new HttpClient(), address), userId);
    }

    /// <summary>Puts a card into the vault for this holder (what card binding does after the bank's confirmation).</summary>
    public async Task<string> VaultCardAsync(DemoCard card)
    {
        var personalData = Server.Services.GetRequiredService<PersonalData>();
        var token = "ct_" + Guid.NewGuid().ToString("N");
        await using var db = Server.Database.Options.CreateContext();
        db.Add(new BankCardRow
        {
            Token = token, UserId = UserId, Bank = card.Bank, CardType = (int)card.CardType,
            MaskedNumber = PersonalDataMask.CardNumber(card.CardNumber), BoundAt = DateTimeOffset.UtcNow,
        });
        db.Add(new CardVaultRow
        {
            Token = token,
            NumberCipher = personalData.Protect(card.CardNumber, VaultBoundCards.CardNumberPurpose),
            NumberIndex = personalData.BlindIndex(card.CardNumber + ":" + UserId, VaultBoundCards.CardNumberPurpose),
            CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync(Ct);
        return token;
    }

    public Task<HttpResponseMessage> TopUpAsync(string token, long fen, string password = "147258") =>
        Wallet.PostAsJsonAsync("/api/wallet/me/top-ups", new { requestId = Guid.NewGuid().ToString("N"), cardToken = token, amountFen = fen, paymentPassword = password }, Ct);

    public Task<HttpResponseMessage> WithdrawAsync(string token, long fen, string password = "147258") =>
        Wallet.PostAsJsonAsync("/api/wallet/me/withdrawals", new { requestId = Guid.NewGuid().ToString("N"), cardToken = token, amountFen = fen, paymentPassword = password }, Ct);

    public async Task<(long Balance, long ConsumptionOnly)> BalanceAsync()
    {
        var me = await Wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me", Ct);
        return (me.GetProperty("balanceFen").GetInt64(), me.GetProperty("consumptionOnlyFen").GetInt64());
    }
}
