using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Ledger;
using Zhifu.Data.Entities;
using Zhifu.Server.Ledger;
using Zhifu.Tests.Hosting;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.Tests.Statements;

/// <summary>Drives the balance and statement routes as the wallet app and the operator console would.</summary>
internal static class StatementKit
{
    public const string PaymentPassword = "147258";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The token of the holder's bound card of that bank and type (the demo people are seeded with theirs).</summary>
    public static async Task<string> CardAsync(HttpClient wallet, string bank, string cardType = "debit")
    {
        var cards = await wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me/cards", Ct);
        return cards.EnumerateArray()
            .First(c => c.GetProperty("bank").GetString() == bank && c.GetProperty("cardType").GetString() == cardType)
            .GetProperty("token").GetString()!;
    }

    public static async Task<JsonElement> MoveAsync(HttpClient wallet, string route, string card, long fen)
    {
        var response = await wallet.PostAsJsonAsync($"/api/wallet/me/{route}",
            new { requestId = Guid.NewGuid().ToString("N"), cardToken = card, amountFen = fen, paymentPassword = PaymentPassword }, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> GetOkAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> RefusedAsync(HttpClient client, string url, int status, string code) =>
        await OperatorApiTests.AssertProblemAsync(await client.GetAsync(url, Ct), status, code);

    /// <summary>Every line of the statement, walking the pages of the given size.</summary>
    public static async Task<List<JsonElement>> AllAsync(HttpClient client, string url, int limit, string? cursor = null)
    {
        var lines = new List<JsonElement>();
        for (var pages = 0; ; pages++)
        {
            Assert.True(pages < 1_000, "the cursor never ended");
            var separator = url.Contains('?', StringComparison.Ordinal) ? "&" : "?";
            var page = await GetOkAsync(client, $"{url}{separator}limit={limit}" + (cursor is null ? "" : "&cursor=" + cursor));
            var entries = page.GetProperty("entries").EnumerateArray().ToList();
            Assert.True(entries.Count <= limit);
            lines.AddRange(entries);
            cursor = page.GetProperty("nextCursor").GetString();
            if (cursor is null)
            {
                return lines;
            }
            Assert.Equal(limit, entries.Count); // only the last page may be short
        }
    }

    public static Guid Id(JsonElement line) => line.GetProperty("recordId").GetGuid();

    /// <summary>An adjustment into (positive) or out of (negative) the user's balance, as the ledger feature posts it.</summary>
    public static async Task<Guid> AdjustAsync(IServiceProvider services, Guid walletAccountId, long fen)
    {
        var chart = services.GetRequiredService<InstitutionChart>();
        var custody = chart[InstitutionChart.Custody("ICBC")];
        var id = Guid.CreateVersion7();
        var result = await services.GetRequiredService<Adjustments>().PostAsync(id, "test", "statement test",
            fen > 0 ? custody : walletAccountId, fen > 0 ? walletAccountId : custody, Math.Abs(fen), "test", Ct);
        Assert.Equal(TransferResult.Ok, result);
        return id;
    }

    public static async Task<UserRow> UserAsync(Zhifu.Data.DatabaseOptions database, Guid userId)
    {
        await using var db = database.CreateContext();
        return await db.Set<UserRow>().AsNoTracking().FirstAsync(u => u.Id == userId, Ct);
    }

    public static async Task<Guid> UserIdAsync(HttpClient wallet) =>
        (await wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me", Ct)).GetProperty("userId").GetGuid();
}

/// <summary>One server for a test class whose tests only read (each checks that it wrote nothing).</summary>
public sealed class StatementServerFixture : IAsyncLifetime
{
    internal ZhifuTestServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await ZhifuTestServer.StartAsync();

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
