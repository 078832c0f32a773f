using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Data.Entities;
using Zhifu.Server.Security;
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
    public async Task ACC7_wrong_payment_passwords_sent_at_once_get_no_more_tries_than_one_after_another()
    {
        var wallet = await LifecycleClient.SignInAsync(_server, DemoCards.LiSi.Phone, "Demo@2026");
        var card = await CardAsync(wallet);
        var answers = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => TopUpAsync(wallet, card, $"{100000 + i}")));
        var codes = new List<string>();
        foreach (var answer in answers)
        {
            codes.Add((await answer.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString()!);
        }
        // five guesses are checked (the count allows no more), the fifth locks; every other guess is answered locked unchecked
        Assert.Equal(4, codes.Count(c => c == "BAD_PAYMENT_PASSWORD"));
        Assert.Equal(20, codes.Count(c => c == "PAYMENT_PASSWORD_LOCKED"));
        await OperatorApiTests.AssertProblemAsync(await TopUpAsync(wallet, card, "147258"), 423, "PAYMENT_PASSWORD_LOCKED");
        Assert.Equal(0, await MovementsAsync());
    }

    [Fact]
    public async Task ACC7_right_payment_passwords_sent_at_once_are_all_checked_and_none_is_answered_locked()
    {
        // The holder's own requests at once (more than the count allows in flight): each waits for the others to give their
        // count back instead of being refused as locked (on PostgreSQL the count-first rule answered 10 of 16 "locked").
        var wallet = await LifecycleClient.SignInAsync(_server, DemoCards.LiSi.Phone, "Demo@2026");
        var card = await CardAsync(wallet);
        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => TopUpAsync(wallet, card, "147258")));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.StatusCode));
        Assert.Equal(16, await MovementsAsync());
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

    [Fact]
    public async Task ACC7_hashes_made_with_earlier_work_factors_still_verify_and_move_to_the_current_ones_once_known_right()
    {
        var current = _server.Services.GetRequiredService<Argon2Options>();
        var earlier = new PasswordHasher(_server.Services.GetRequiredService<SecretKeys>(),
            new Argon2Options { MemoryKiB = current.MemoryKiB * 2, Iterations = current.Iterations + 1 });
        var (oldLogin, oldPayment) = (earlier.Hash("Demo@2026"), earlier.Hash("147258"));
        await HashesAsync(oldLogin, oldPayment);

        var wallet = await LifecycleClient.SignInAsync(_server, DemoCards.LiSi.Phone, "Demo@2026");
        var card = await CardAsync(wallet);
        await OperatorApiTests.AssertProblemAsync(await TopUpAsync(wallet, card, "000000"), 401, "BAD_PAYMENT_PASSWORD");
        var (login, payment) = await HashesAsync();
        Assert.NotEqual(oldLogin, login); // signed in: the login password's hash moved
        Assert.Equal(oldPayment, payment); // a wrong payment password moves nothing

        Assert.Equal(HttpStatusCode.Created, (await TopUpAsync(wallet, card, "147258")).StatusCode);
        (login, payment) = await HashesAsync();
        var prefix = $"$argon2id$v=19$m={current.MemoryKiB},t={current.Iterations},p={current.Parallelism}$";
        Assert.StartsWith(prefix, login, StringComparison.Ordinal);
        Assert.StartsWith(prefix, payment, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await TopUpAsync(wallet, card, "147258")).StatusCode); // and still verifies
        Assert.Equal(payment, (await HashesAsync()).Payment); // once: a current hash is not made again
        Assert.Equal(2, await MovementsAsync());
    }

    /// <summary>李四's login and payment-password hashes, after setting them when given.</summary>
    private async Task<(string Login, string Payment)> HashesAsync(string? login = null, string? payment = null)
    {
        var id = (await _server.Services.GetRequiredService<Zhifu.Server.Accounts.WalletAccounts>().FindByPhoneAsync(DemoCards.LiSi.Phone, Ct))!.Id;
        await using var db = _server.Database.Options.CreateContext();
        var user = await db.Set<UserRow>().SingleAsync(u => u.Id == id, Ct);
        if (login is not null)
        {
            (user.LoginPasswordHash, user.PaymentPasswordHash) = (login, payment);
            await db.SaveChangesAsync(Ct);
        }
        return (user.LoginPasswordHash!, user.PaymentPasswordHash!);
    }

    private static async Task<string> CardAsync(HttpClient wallet) =>
        (await wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me/cards", Ct)).EnumerateArray()
        .First(c => c.GetProperty("cardType").GetString() == "debit").GetProperty("token").GetString()!;

    private static Task<HttpResponseMessage> TopUpAsync(HttpClient wallet, string card, string paymentPassword) =>
        wallet.PostAsJsonAsync("/api/wallet/me/top-ups", new { requestId = Guid.NewGuid().ToString("N"), cardToken = card, amountFen = 1_000, paymentPassword }, Ct);

    private async Task<int> MovementsAsync()
    {
        await using var db = _server.Database.Options.CreateContext();
        return await db.Set<FundMovementRow>().CountAsync(Ct);
    }
}
