using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core;
using Zhifu.Core.Banking;
using Zhifu.Data.Entities;
using Zhifu.Server.Notifications;
using Zhifu.Tests.Lifecycle;
using static Zhifu.Tests.Lifecycle.LifecycleClient;

namespace Zhifu.Tests.Transfers;

/// <summary>A demo person signed in on a clocked server, as the wallet app drives the transfer routes.</summary>
internal sealed record Party(ClockedServer Server, HttpClient Wallet, Guid UserId, DemoPerson Person)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public const string PaymentPassword = "147258";

    public static async Task<Party> SignInAsync(ClockedServer server, DemoPerson person)
    {
        var wallet = await LifecycleClient.SignInAsync(server, person.Phone, "Demo@2026");
        var me = await wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me", Ct);
        return new Party(server, wallet, me.GetProperty("userId").GetGuid(), person);
    }

    /// <summary>Signed in afresh: sessions expire when a test moves the clock by hours.</summary>
    public async Task<Party> AgainAsync() => await SignInAsync(Server, Person);

    public Task<HttpResponseMessage> SendAsync(Party payee, long fen, string arrival = "realtime", string? requestId = null,
        string? code = null, string? token = null, string password = PaymentPassword) =>
        Wallet.PostAsJsonAsync("/api/wallet/me/transfers", new
        {
            requestId = requestId ?? NewRequestId(), payeePhone = payee.Person.Phone, amountFen = fen, arrival, paymentPassword = password,
            verificationCode = code, confirmationToken = token,
        }, Ct);

    public async Task<JsonElement> SentAsync(Party payee, long fen, string arrival = "realtime", string? requestId = null,
        string? code = null)
    {
        var response = await SendAsync(payee, fen, arrival, requestId, code);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public Task<HttpResponseMessage> ToCardAsync(string cardToken, long fen, string? requestId = null, string? code = null,
        string? token = null) =>
        Wallet.PostAsJsonAsync("/api/wallet/me/card-transfers", new
        {
            requestId = requestId ?? NewRequestId(), cardToken, amountFen = fen, paymentPassword = PaymentPassword,
            verificationCode = code, confirmationToken = token,
        }, Ct);

    public Task<HttpResponseMessage> RevokeAsync(Guid transferId) =>
        Wallet.PostAsync($"/api/wallet/me/transfers/{transferId}/revocation", null, Ct);

    public async Task<(long Balance, long ConsumptionOnly)> BalanceAsync()
    {
        var me = await Wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me", Ct);
        return (me.GetProperty("balanceFen").GetInt64(), me.GetProperty("consumptionOnlyFen").GetInt64());
    }

    /// <summary>Funds the wallet to exactly <paramref name="fen"/> on top of what it has (a posted adjustment).</summary>
    public Task FundAsync(long fen) => LifecycleClient.FundAsync(Server, UserId, fen);

    /// <summary>The remaining value of one limit (<c>daily-amount</c>, <c>daily-count</c>, <c>class-…</c> …).</summary>
    public async Task<long> RemainingAsync(string limit)
    {
        var limits = await Wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me/transfer-limits", Ct);
        return limits.GetProperty("limits").EnumerateArray()
            .First(l => l.GetProperty("limit").GetString()!.StartsWith(limit, StringComparison.Ordinal))
            .GetProperty("remaining").GetInt64();
    }

    /// <summary>An operator (role risk) sets this wallet's agreed limits; null leaves a limit automatic.</summary>
    public async Task AgreeLimitsAsync(long? single = null, long? daily = null, int? count = null, long? yearly = null)
    {
        using var risk = await OperatorAsync(Server, "risk");
        var response = await risk.PutAsJsonAsync($"/api/ops/accounts/{UserId}/transfer-limits", new
        {
            singleAmountFen = single, dailyAmountFen = daily, dailyCount = count, yearlyAmountFen = yearly, reason = "test agreement",
        }, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>The bound cards' tokens of a type.</summary>
    public async Task<string> CardTokenAsync(string type)
    {
        var cards = await Wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me/cards", Ct);
        return cards.EnumerateArray().First(c => c.GetProperty("cardType").GetString() == type).GetProperty("token").GetString()!;
    }

    public async Task<IReadOnlyList<string>> TextsAsync(int count = 5) =>
        [.. (await Server.Services.GetRequiredService<SmsOutbox>().ReadAsync(Person.Phone, count, Ct)).Select(t => t.Body)];

    public async Task<string> TransferCodeAsync()
    {
        Server.Clock.Advance(TimeSpan.FromSeconds(61)); // past the resend interval
        var response = await Wallet.PostAsync("/api/wallet/me/transfers/verification-code", null, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        return await LatestCodeAsync(Server, Person.Phone);
    }

    public static string NewRequestId() => "req-" + Guid.NewGuid().ToString("N");
}

internal static class TransferKit
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A clocked server whose release worker waits a minute between rounds: tests release by calling it.</summary>
    public static Task<ClockedServer> StartAsync(params string[] extra) =>
        ClockedServer.StartAsync(["--Transfers:ReleaseIntervalMs=60000", .. extra]);

    public static async Task<int> TransferRowsAsync(ClockedServer server)
    {
        await using var db = server.Database.Options.CreateContext();
        return await db.Set<WalletTransferRow>().CountAsync(Ct);
    }

    /// <summary>Moves the clock to <paramref name="before"/> ahead of the next 00:00 in Asia/Shanghai.</summary>
    public static void ToBeforeChinaMidnight(ClockedServer server, TimeSpan before)
    {
        var china = ChinaTime.ToChina(server.Clock.UtcNow);
        var midnight = new DateTimeOffset(china.Year, china.Month, china.Day, 0, 0, 0, china.Offset).AddDays(1);
        var target = midnight - before;
        if (target > server.Clock.UtcNow)
        {
            server.Clock.Advance(target - server.Clock.UtcNow);
        }
        else
        {
            server.Clock.Advance(target.AddDays(1) - server.Clock.UtcNow);
        }
    }

    public static async Task AssertVerifiedAsync(ClockedServer server)
    {
        var report = await server.VerifyAsync();
        Assert.True(report.AllHold, string.Join("; ", report.Checks.Where(c => !c.Holds).Select(c => c.Name + ": " + c.Detail)));
    }
}
