using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core.Banking;
using Zhifu.Data.Entities;
using Zhifu.Server.Risk;
using Zhifu.Tests.Lifecycle;
using Zhifu.Tests.Transfers;

namespace Zhifu.Tests.Risk;

/// <summary>Risk operators' side of the tests: rules, decisions, cases and lists through the real Operator API.</summary>
internal static class RiskKit
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A clocked server at a China daytime hour, so time-of-day habits are the test's own.</summary>
    public static async Task<ClockedServer> StartAsync()
    {
        var server = await TransferKit.StartAsync();
        TransferKit.ToBeforeChinaMidnight(server, TimeSpan.FromHours(10)); // 14:00 China time
        return server;
    }

    public static async Task<JsonElement> PutRuleAsync(ClockedServer server, string id, string type, object parameters, string action,
        string kinds = "*", int score = 10, string mode = "active")
    {
        using var risk = await LifecycleClient.OperatorAsync(server, "risk");
        var response = await risk.PutAsJsonAsync($"/api/ops/risk/rules/{id}", new
        {
            type, kinds, parameters, action, score, mode, description = $"test rule {id}",
        }, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> GetAsync(ClockedServer server, string url, string role = "risk")
    {
        using var client = await LifecycleClient.OperatorAsync(server, role);
        var response = await client.GetAsync(url, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> PostAsync(ClockedServer server, string url, object body, string role = "risk")
    {
        using var client = await LifecycleClient.OperatorAsync(server, role);
        var response = await client.PostAsJsonAsync(url, body, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The decisions on one user, newest first.</summary>
    public static async Task<JsonElement[]> DecisionsAsync(ClockedServer server, Guid userId) =>
        [.. (await GetAsync(server, $"/api/ops/risk/decisions?userId={userId}&limit=100")).EnumerateArray()];

    public static async Task<JsonElement[]> CasesAsync(ClockedServer server, Guid userId) =>
        [.. (await GetAsync(server, $"/api/ops/risk/cases?userId={userId}")).EnumerateArray()];

    /// <summary>Signs a demo person in on a named device, optionally reporting a region, as the wallet app does.</summary>
    public static async Task<Party> OnDeviceAsync(ClockedServer server, DemoPerson person, string device, string? region = null)
    {
        var client = server.Client();
        var response = await client.PostAsJsonAsync("/api/wallet/sessions", new { phone = person.Phone, password = "Demo@2026", deviceId = device },
            Ct);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        LifecycleClient.Authorize(client, body.GetProperty("token").GetString()!);
        if (region is not null)
        {
            client.DefaultRequestHeaders.Add(RiskOrigin.RegionHeader, region);
        }
        var me = await client.GetFromJsonAsync<JsonElement>("/api/wallet/me", Ct);
        return new Party(server, client, me.GetProperty("userId").GetGuid(), person);
    }

    /// <summary>A release of the case under way when its server stopped: written on the case, as it is before any money moves.</summary>
    public static async Task ReleaseStartedAsync(ClockedServer server, Guid caseId)
    {
        await using var db = server.Database.Options.CreateContext();
        var now = server.Clock.UtcNow;
        Assert.Equal(1, await db.Set<RiskCaseRow>().Where(c => c.Id == caseId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.DecidingAs, RiskCases.Release).SetProperty(c => c.DecidingSince, now), Ct));
    }

    /// <summary>Writes the learnt profiles now instead of at the worker's next round.</summary>
    public static Task FlushProfilesAsync(ClockedServer server) => server.Services.GetRequiredService<RiskProfiles>().FlushAsync(Ct);

    /// <summary>
    /// The ledger's database refuses every transfer of <paramref name="amountFen"/> (full, failing over — a real failure through
    /// the real engine) until the answer is disposed; every other amount moves.
    /// </summary>
    public static async Task<IAsyncDisposable> LedgerOutageAsync(ClockedServer server, long amountFen)
    {
        var sqlite = server.Database.Options.Provider == Zhifu.Data.DatabaseProvider.Sqlite;
        await SqlAsync(server, sqlite
            ? $"CREATE TRIGGER ledger_outage BEFORE INSERT ON ledger_transfers WHEN NEW.amount = {amountFen} BEGIN SELECT RAISE(ABORT, 'outage'); END;"
            : $"""
               CREATE FUNCTION ledger_outage() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN IF NEW.amount = {amountFen} THEN RAISE EXCEPTION 'outage'; END IF; RETURN NEW; END $$;
               CREATE TRIGGER ledger_outage BEFORE INSERT ON ledger_transfers FOR EACH ROW EXECUTE FUNCTION ledger_outage();
               """);
        return new Ended(() => SqlAsync(server, sqlite ? "DROP TRIGGER ledger_outage"
            : "DROP TRIGGER ledger_outage ON ledger_transfers; DROP FUNCTION ledger_outage();"));
    }

    /// <summary>
    /// The ledger's database takes a while over every transfer of <paramref name="minFen"/> … <paramref name="maxFen"/> until the
    /// answer is disposed (PostgreSQL sleeps 0.3 s in a trigger; SQLite, which has no sleep, counts a million-row join), so a
    /// request that reached the ledger is still under way while others are decided.
    /// </summary>
    public static async Task<IAsyncDisposable> SlowLedgerAsync(ClockedServer server, long minFen, long maxFen)
    {
        var sqlite = server.Database.Options.Provider == Zhifu.Data.DatabaseProvider.Sqlite;
        if (sqlite)
        {
            await SqlAsync(server, "CREATE TABLE slow_rows (x INTEGER)");
            await SqlAsync(server, "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 1000) INSERT INTO slow_rows SELECT x FROM n");
        }
        await SqlAsync(server, sqlite
            ? $"CREATE TRIGGER ledger_slow BEFORE INSERT ON ledger_transfers WHEN NEW.amount BETWEEN {minFen} AND {maxFen} BEGIN SELECT count(*) FROM slow_rows a, slow_rows b; END;"
            : $"""
               CREATE FUNCTION ledger_slow() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN IF NEW.amount BETWEEN {minFen} AND {maxFen} THEN PERFORM pg_sleep(0.3); END IF; RETURN NEW; END $$;
               CREATE TRIGGER ledger_slow BEFORE INSERT ON ledger_transfers FOR EACH ROW EXECUTE FUNCTION ledger_slow();
               """);
        return new Ended(() => SqlAsync(server, sqlite ? "DROP TRIGGER ledger_slow; DROP TABLE slow_rows"
            : "DROP TRIGGER ledger_slow ON ledger_transfers; DROP FUNCTION ledger_slow();"));
    }

    private static async Task SqlAsync(ClockedServer server, string sql)
    {
        await using var db = server.Database.Options.CreateContext();
        await db.Database.ExecuteSqlRawAsync(sql, Ct);
    }

    private sealed class Ended(Func<Task> end) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await end();
    }

    /// <summary>The audit log's actions, oldest first (SEC-1).</summary>
    public static async Task<List<string>> AuditActionsAsync(ClockedServer server)
    {
        await using var db = server.Database.Options.CreateContext();
        return await db.Set<AuditRow>().AsNoTracking().OrderBy(a => a.Sequence).Select(a => a.Action).ToListAsync(Ct);
    }

    public static async Task<JsonElement> RefusedPutAsync(this HttpClient client, string url, object body, int status, string code) =>
        await Hosting.OperatorApiTests.AssertProblemAsync(await client.PutAsJsonAsync(url, body, Ct), status, code);

    public static async Task<string> ErrorCodeAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("code").GetString()!;
}
