using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Data.Entities;
using Zhifu.Server.Cards;
using Zhifu.Tests.Bank;
using Zhifu.Tests.Hosting;
using Zhifu.Tests.Infrastructure;
using Zhifu.Tests.RealName;

namespace Zhifu.Tests.Cards;

/// <summary>Binding bank cards (CARD-1) after the bank confirms the verified holder; card types for CARD-3.</summary>
public sealed class CardBindingTests(RealNameServerFixture fixture) : IClassFixture<RealNameServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ZhifuTestServer Server => fixture.Server;

    [Fact]
    public async Task CARD1_a_verified_holder_binds_the_debit_and_credit_cards_the_bank_confirms_and_sees_them_masked()
    {
        var holder = TestHolder.New();
        var bank = RealNameKit.BankAddress(Server);
        var debit = await holder.OpenCardAsync(bank, "ICBC");
        var credit = await holder.OpenCardAsync(bank, "CMB", BankCardType.Credit);
        var (client, userId) = await RealNameKit.VerifiedWalletAsync(Server, holder);

        var spaced = string.Join(' ', debit.Chunk(4).Select(c => new string(c))); // as printed on the card
        var bound = await BindAsync(client, holder, "icbc", spaced);
        Assert.Equal(HttpStatusCode.Created, bound.StatusCode);
        var card = (await bound.Content.ReadFromJsonAsync<JsonElement>(Ct));
        Assert.StartsWith("card_", card.GetProperty("token").GetString(), StringComparison.Ordinal);
        Assert.Equal($"{debit[..4]} **** **** {debit[^4..]}", card.GetProperty("cardNumber").GetString());
        Assert.Equal(("ICBC", "debit", false, true), (card.GetProperty("bank").GetString(), card.GetProperty("cardType").GetString(),
            card.GetProperty("consumptionOnly").GetBoolean(), card.GetProperty("acceptsWithdrawals").GetBoolean()));
        Assert.Equal($"/api/wallet/me/cards/{card.GetProperty("token").GetString()}", bound.Headers.Location!.OriginalString);

        // CARD-3: the bank says it is a credit card, so its money is for consumption only and it takes no withdrawals.
        var creditCard = await (await BindAsync(client, holder, "CMB", credit)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(("credit", true, false), (creditCard.GetProperty("cardType").GetString(),
            creditCard.GetProperty("consumptionOnly").GetBoolean(), creditCard.GetProperty("acceptsWithdrawals").GetBoolean()));

        var list = await client.GetFromJsonAsync<JsonElement[]>("/api/wallet/me/cards", Ct);
        Assert.Equal(["ICBC", "CMB"], list!.Select(c => c.GetProperty("bank").GetString()));
        var one = await client.GetAsync($"/api/wallet/me/cards/{card.GetProperty("token").GetString()}", Ct);
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);

        // Top-up and withdrawal read the card by token: credit-card money lands in the consumption-only account.
        var cards = Server.Services.GetRequiredService<BankCards>();
        await using var db = Server.Database.Options.CreateContext();
        var user = await db.Set<UserRow>().AsNoTracking().SingleAsync(u => u.Id == userId, Ct);
        var boundCredit = await cards.FindAsync(userId, creditCard.GetProperty("token").GetString(), Ct);
        var boundDebit = await cards.FindAsync(userId, card.GetProperty("token").GetString(), Ct);
        Assert.Equal(user.ConsumptionAccountId, boundCredit!.TopUpAccountOf(user));
        Assert.Equal(user.WalletAccountId, boundDebit!.TopUpAccountOf(user));
        Assert.Equal(debit, await Server.Services.GetRequiredService<CardVault>().RevealAsync(boundDebit.Token, Ct));
    }

    [Fact]
    public async Task CARD1_the_bank_must_confirm_that_the_card_belongs_to_the_wallets_verified_holder()
    {
        var holder = TestHolder.New();
        var bankAddress = RealNameKit.BankAddress(Server);
        var own = await holder.OpenCardAsync(bankAddress, "CCB");
        var (client, userId) = await RealNameKit.VerifiedWalletAsync(Server, holder);
        var someoneElses = await TestHolder.New().OpenCardAsync(bankAddress, "CCB");
        var otherPhone = await (holder with { Phone = TestHolder.NewPhone() }).OpenCardAsync(bankAddress, "ABC"); // reserved phone differs
        var closed = await holder.OpenCardAsync(bankAddress, "BOC");
        var bank = new BankAdminClient(new HttpClient(), bankAddress);
        await bank.CloseCardAsync(closed, Ct);

        await OperatorApiTests.AssertProblemAsync(await BindAsync(client, holder, "CCB", someoneElses), 422, "CARD_HOLDER_MISMATCH");
        await OperatorApiTests.AssertProblemAsync(await BindAsync(client, holder, "ABC", otherPhone), 422, "CARD_HOLDER_MISMATCH");
        await OperatorApiTests.AssertProblemAsync(await BindAsync(client, holder, "CCB", TestHolder.NewCardNumber()), 422,
            "CARD_NOT_FOUND_AT_BANK");
        await OperatorApiTests.AssertProblemAsync(await BindAsync(client, holder, "ICBC", own), 422, "CARD_NOT_FOUND_AT_BANK");
        await OperatorApiTests.AssertProblemAsync(await BindAsync(client, holder, "BOC", closed), 422, "CARD_CLOSED_AT_BANK");
        try
        {
            await bank.SetFaultsAsync(new BankAdminClient.Faults(LatencyMs: 1_500), Ct);
            await OperatorApiTests.AssertProblemAsync(await BindAsync(client, holder, "CCB", own), 503, "BANK_UNAVAILABLE");
        }
        finally
        {
            await bank.SetFaultsAsync(new BankAdminClient.Faults(), Ct);
        }
        Assert.Empty((await client.GetFromJsonAsync<JsonElement[]>("/api/wallet/me/cards", Ct))!);
        Assert.Equal(0, await CardRowsAsync(userId));
        Assert.Equal(HttpStatusCode.Created, (await BindAsync(client, holder, "CCB", own)).StatusCode);
    }

    [Fact]
    public async Task CARD1_unverified_wallets_bad_numbers_wrong_codes_and_duplicates_are_refused_before_anything_is_bound()
    {
        var holder = TestHolder.New();
        var number = await holder.OpenCardAsync(RealNameKit.BankAddress(Server), "ABC");
        var (unverified, unverifiedId) = await RealNameKit.OpenWalletAsync(Server, TestHolder.New());
        await OperatorApiTests.AssertProblemAsync(await BindAsync(unverified, TestHolder.New(), "ABC", number, otp: "123456"), 403,
            "REAL_NAME_REQUIRED");
        Assert.Equal(0, await CardRowsAsync(unverifiedId));

        var (client, userId) = await RealNameKit.VerifiedWalletAsync(Server, holder);
        var otp = await RealNameKit.CodeAsync(Server, client, holder.Phone, "bind-card");
        var mistyped = number[..^1] + (char)('0' + (number[^1] - '0' + 1) % 10);
        await OperatorApiTests.AssertProblemAsync(await BindAsync(client, holder, "ABC", mistyped, otp), 400, "INVALID_CARD_NUMBER");
        await OperatorApiTests.AssertProblemAsync(await BindAsync(client, holder, "A1", number, otp), 400, "INVALID_BANK");
        await OperatorApiTests.AssertProblemAsync(await BindAsync(client, holder, "ABC", number, otp: "000000"), 400, "OTP_INVALID");
        Assert.Equal(0, await CardRowsAsync(userId));
        // The Luhn check came first: the code was not spent, and the bank was never asked about the mistyped number.
        Assert.Equal(HttpStatusCode.Created, (await BindAsync(client, holder, "ABC", number, otp)).StatusCode);
        await OperatorApiTests.AssertProblemAsync(await BindAsync(client, holder, "ABC", number), 409, "CARD_ALREADY_BOUND");
        Assert.Equal(1, await CardRowsAsync(userId));
    }

    [Fact]
    public async Task ACC6_a_frozen_wallet_binds_no_card()
    {
        var holder = TestHolder.New();
        var number = await holder.OpenCardAsync(RealNameKit.BankAddress(Server), "CCB");
        var (client, userId) = await RealNameKit.VerifiedWalletAsync(Server, holder);
        var restrictions = Server.Services.GetRequiredService<Zhifu.Server.Lifecycle.AccountRestrictions>();
        await restrictions.AddAsync(userId, Zhifu.Server.Lifecycle.RestrictionKinds.OperatorFreeze, "court order", "ops", Ct);

        await OperatorApiTests.AssertProblemAsync(await BindAsync(client, holder, "CCB", number), 403, "ACCOUNT_FROZEN_BY_OPERATOR");
        Assert.Equal(0, await CardRowsAsync(userId));
    }

    [Fact]
    public async Task CARD1_unbinding_takes_the_number_out_of_the_vault_and_another_users_token_is_not_found()
    {
        var holder = TestHolder.New();
        var number = await holder.OpenCardAsync(RealNameKit.BankAddress(Server), "BOC");
        var (client, _) = await RealNameKit.VerifiedWalletAsync(Server, holder);
        var token = (await (await BindAsync(client, holder, "BOC", number)).Content.ReadFromJsonAsync<JsonElement>(Ct))
            .GetProperty("token").GetString()!;
        var (stranger, _) = await RealNameKit.VerifiedWalletAsync(Server, TestHolder.New(), "ICBC");

        await OperatorApiTests.AssertProblemAsync(await stranger.DeleteAsync($"/api/wallet/me/cards/{token}", Ct), 404, "CARD_NOT_FOUND");
        await OperatorApiTests.AssertProblemAsync(await stranger.GetAsync($"/api/wallet/me/cards/{token}", Ct), 404, "CARD_NOT_FOUND");
        Assert.Single((await client.GetFromJsonAsync<JsonElement[]>("/api/wallet/me/cards", Ct))!);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/wallet/me/cards/{token}", Ct)).StatusCode);
        Assert.Empty((await client.GetFromJsonAsync<JsonElement[]>("/api/wallet/me/cards", Ct))!);
        await OperatorApiTests.AssertProblemAsync(await client.DeleteAsync($"/api/wallet/me/cards/{token}", Ct), 404, "CARD_NOT_FOUND");
        Assert.Null(await Server.Services.GetRequiredService<CardVault>().RevealAsync(token, Ct));
        await using (var db = Server.Database.Options.CreateContext())
        {
            Assert.NotNull((await db.Set<BankCardRow>().AsNoTracking().SingleAsync(c => c.Token == token, Ct)).UnboundAt); // history stays
        }
        Assert.Equal(HttpStatusCode.Created, (await BindAsync(client, holder, "BOC", number)).StatusCode); // and it can be bound again
    }

    [Fact]
    public async Task CARD1_the_demo_people_are_verified_with_their_cards_bound()
    {
        foreach (var (person, accountClass) in new[] { (DemoCards.ZhangSan, 3), (DemoCards.LiSi, 2), (DemoCards.WangWu, 1) })
        {
            using var client = await Accounts.WalletClient.SignInAsync(Server, person.Phone, "Demo@2026");
            Assert.Equal(accountClass, (await RealNameKit.StatusAsync(client)).GetProperty("accountClass").GetInt32());
            var cards = await client.GetFromJsonAsync<JsonElement[]>("/api/wallet/me/cards", Ct);
            Assert.Equal(person.Cards.Select(c => ((string?)c.Bank, (string?)c.CardType.ToString().ToLowerInvariant(), c.CardNumber[^4..])),
                cards!.Select(c => (c.GetProperty("bank").GetString(), c.GetProperty("cardType").GetString(),
                    c.GetProperty("cardNumber").GetString()![^4..])));
        }
    }

    [Fact]
    public async Task The_real_name_and_card_routes_are_in_the_OpenAPI_document()
    {
        using var client = Server.Client();
        var paths = (await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct)).GetProperty("paths");
        foreach (var path in new[]
        {
            "/api/wallet/me/real-name", "/api/wallet/me/real-name/class-three-choice", "/api/ops/accounts/{userId}/face-to-face",
            "/api/wallet/me/cards", "/api/wallet/me/cards/{token}",
        })
        {
            Assert.True(paths.TryGetProperty(path, out _), path);
        }
    }

    private async Task<HttpResponseMessage> BindAsync(HttpClient client, TestHolder holder, string bank, string cardNumber,
        string? otp = null)
    {
        otp ??= await RealNameKit.CodeAsync(Server, client, holder.Phone, "bind-card");
        return await client.PostAsJsonAsync("/api/wallet/me/cards", new { bank, cardNumber, otp }, Ct);
    }

    private async Task<int> CardRowsAsync(Guid userId)
    {
        await using var db = Server.Database.Options.CreateContext();
        return await db.Set<BankCardRow>().CountAsync(c => c.UserId == userId, Ct);
    }
}
