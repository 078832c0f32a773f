using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core.Banking;
using Zhifu.Data.Entities;
using Zhifu.Tests.Hosting;
using Zhifu.Tests.Lifecycle;

namespace Zhifu.Tests.Accounts;

/// <summary>
/// ACC-7 for the payment password, through a money route (top-up): wrong passwords lock payments — not sign-in — for
/// <c>Accounts:LockMinutes</c>, even for the right password, and nothing moves meanwhile; on a clock the test moves.
/// </summary>
public sealed class PaymentPasswordLockoutTests : IAsyncLifetime
{
    private ClockedServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await ClockedServer.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task ACC7_five_wrong_payment_passwords_lock_payments_for_30_minutes_even_for_the_right_one()
    {
        var wallet = await LifecycleClient.SignInAsync(_server, DemoCards.LiSi.Phone, "Demo@2026");
        var card = await CardAsync(wallet);
        for (var i = 0; i < 4; i++)
        {
            await OperatorApiTests.AssertProblemAsync(await TopUpAsync(wallet, card, "000000"), 401, "BAD_PAYMENT_PASSWORD");
        }
        await OperatorApiTests.AssertProblemAsync(await TopUpAsync(wallet, card, "000000"), 423, "PAYMENT_PASSWORD_LOCKED");
        await OperatorApiTests.AssertProblemAsync(await TopUpAsync(wallet, card, "147258"), 423, "PAYMENT_PASSWORD_LOCKED");
        Assert.Equal(0, await MovementsAsync());

        // Signing in is a separate secret: it still works while payments are locked.
        _server.Clock.Advance(TimeSpan.FromMinutes(29));
        wallet = await LifecycleClient.SignInAsync(_server, DemoCards.LiSi.Phone, "Demo@2026");
        await OperatorApiTests.AssertProblemAsync(await TopUpAsync(wallet, card, "147258"), 423, "PAYMENT_PASSWORD_LOCKED");

        _server.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.Created, (await TopUpAsync(wallet, card, "147258")).StatusCode);
        Assert.Equal(1, await MovementsAsync());
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task ACC7_the_right_payment_password_clears_the_count_of_wrong_ones()
    {
        var wallet = await LifecycleClient.SignInAsync(_server, DemoCards.LiSi.Phone, "Demo@2026");
        var card = await CardAsync(wallet);
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 4; i++)
            {
                await OperatorApiTests.AssertProblemAsync(await TopUpAsync(wallet, card, "000000"), 401, "BAD_PAYMENT_PASSWORD");
            }
            Assert.Equal(HttpStatusCode.Created, (await TopUpAsync(wallet, card, "147258")).StatusCode);
        }
        Assert.Equal(2, await MovementsAsync());
    }

    private static async Task<string> CardAsync(HttpClient wallet) =>
        (await wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me/cards", Ct)).EnumerateArray()
        .First(c => c.GetProperty("cardType").GetString() == "debit").GetProperty("token").GetString()!;

    private static Task<HttpResponseMessage> TopUpAsync(HttpClient wallet, string card, string paymentPassword) =>
        wallet.PostAsJsonAsync("/api/wallet/me/top-ups", new { cardToken = card, amountFen = 1_000, paymentPassword }, Ct);

    private async Task<int> MovementsAsync()
    {
        await using var db = _server.Database.Options.CreateContext();
        return await db.Set<FundMovementRow>().CountAsync(Ct);
    }
}
