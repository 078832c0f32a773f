using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core.Banking;
using Zhifu.Data.Entities;
using Zhifu.Tests.Accounts;
using Zhifu.Tests.Hosting;
using Zhifu.Tests.Infrastructure;
using static Zhifu.Tests.Statements.StatementKit;

namespace Zhifu.Tests.Statements;

/// <summary>
/// Issue 4 item 8 for the balance and statement routes: every malformed, oversized or foreign input gets a stable code in
/// Chinese and English, never a 500, never a clamp, and nothing is written.
/// </summary>
public sealed class StatementBadInputTests(StatementServerFixture fixture) : IClassFixture<StatementServerFixture>
{
    private readonly ZhifuTestServer _server = fixture.Server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> BadQueries => new()
    {
        { "from=yesterday", "INVALID_STATEMENT_TIME" },
        { "from=2026-13-01", "INVALID_STATEMENT_TIME" },
        { "from=2026-02-30", "INVALID_STATEMENT_TIME" },
        { "to=2026-12-01T25:00:00", "INVALID_STATEMENT_TIME" },
        { "from=12345", "INVALID_STATEMENT_TIME" },
        { "from=", "INVALID_STATEMENT_TIME" },
        { "from=0001-01-01", "INVALID_STATEMENT_TIME" },
        { "to=2026-12-01T08:00:00%2B08:00" + new string('0', 40), "INVALID_STATEMENT_TIME" },
        { "from=2026-12-01&from=2026-12-02", "INVALID_STATEMENT_TIME" },
        { "from=2026-12-02&to=2026-12-01", "INVALID_STATEMENT_RANGE" },
        { "from=2026-12-01T10:00:00%2B08:00&to=2026-12-01T09:59:59%2B08:00", "INVALID_STATEMENT_RANGE" },
        { "kind=bogus", "INVALID_STATEMENT_KIND" },
        { "kind=TOP-UP", "INVALID_STATEMENT_KIND" },
        { "kind=", "INVALID_STATEMENT_KIND" },
        { "kind=top-up,,bogus", "INVALID_STATEMENT_KIND" },
        { "kind=" + string.Join(',', Enumerable.Repeat("top-up", 17)), "INVALID_STATEMENT_KIND" },
        { "cursor=abc", "INVALID_STATEMENT_CURSOR" },
        { "cursor=" + new string('A', 34), "INVALID_STATEMENT_CURSOR" },
        { "cursor=" + new string('Q', 2_000), "INVALID_STATEMENT_CURSOR" },
        { "cursor=AQjfUBL3q4QQAaI0WTcReDKSBZ7%2B%2Fhblq", "INVALID_STATEMENT_CURSOR" },
        { "cursor=", "INVALID_STATEMENT_CURSOR" },
        { "limit=0", "INVALID_STATEMENT_LIMIT" },
        { "limit=101", "INVALID_STATEMENT_LIMIT" },
        { "limit=-1", "INVALID_STATEMENT_LIMIT" },
        { "limit=abc", "INVALID_STATEMENT_LIMIT" },
        { "limit=1.5", "INVALID_STATEMENT_LIMIT" },
        { "limit=%2B5", "INVALID_STATEMENT_LIMIT" },
        { "limit=99999999999999999999", "INVALID_STATEMENT_LIMIT" },
        { "limit=", "INVALID_STATEMENT_LIMIT" },
        { "limit=20&limit=30", "INVALID_STATEMENT_LIMIT" },
        { "page=2", "INVALID_STATEMENT_PARAMETER" },
        { "userId=00000000-0000-0000-0000-000000000001", "INVALID_STATEMENT_PARAMETER" },
    };

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task A_bad_statement_query_gets_its_stable_code_in_both_languages_and_writes_nothing(string query, string code)
    {
        using var wallet = await WalletClient.SignInAsync(_server, DemoCards.ZhangSan.Phone, "Demo@2026");
        using var english = _server.Client("en-US");
        english.DefaultRequestHeaders.Authorization = wallet.DefaultRequestHeaders.Authorization;
        var before = await WrittenAsync();
        await RefusedAsync(wallet, "/api/wallet/me/statement?" + query, 400, code);
        var body = await RefusedAsync(english, "/api/wallet/me/statement?" + query, 400, code);
        Assert.Equal(body.GetProperty("message_en").GetString(), body.GetProperty("detail").GetString());
        Assert.Equal(before, await WrittenAsync());
    }

    [Fact]
    public async Task A_bad_or_foreign_record_id_is_refused_with_a_stable_code()
    {
        using var wallet = await WalletClient.SignInAsync(_server, DemoCards.LiSi.Phone, "Demo@2026");
        await RefusedAsync(wallet, "/api/wallet/me/statement/not-a-guid", 400, "INVALID_STATEMENT_RECORD_ID");
        await RefusedAsync(wallet, "/api/wallet/me/statement/" + new string('1', 200), 400, "INVALID_STATEMENT_RECORD_ID");
        await RefusedAsync(wallet, "/api/wallet/me/statement/12345", 400, "INVALID_STATEMENT_RECORD_ID");
        await RefusedAsync(wallet, $"/api/wallet/me/statement/{Guid.CreateVersion7()}", 404, "STATEMENT_ENTRY_NOT_FOUND");
        await RefusedAsync(wallet, $"/api/wallet/me/statement/{Guid.Empty}", 404, "STATEMENT_ENTRY_NOT_FOUND");
        // Another user's id as the record: a user id explains no statement line.
        await RefusedAsync(wallet, $"/api/wallet/me/statement/{await UserIdAsync(wallet)}", 404, "STATEMENT_ENTRY_NOT_FOUND");
    }

    [Fact]
    public async Task Without_a_session_the_routes_answer_401_and_other_methods_405()
    {
        using var anonymous = _server.Client();
        string[] urls = ["/api/wallet/me/balance", "/api/wallet/me/statement", $"/api/wallet/me/statement/{Guid.CreateVersion7()}"];
        foreach (var url in urls)
        {
            await RefusedAsync(anonymous, url, 401, "SIGN_IN_REQUIRED");
        }
        using var wallet = await WalletClient.SignInAsync(_server, DemoCards.WangWu.Phone, "Demo@2026");
        await OperatorApiTests.AssertProblemAsync(await wallet.PostAsync("/api/wallet/me/statement", null, Ct), 405, "METHOD_NOT_ALLOWED");
        await OperatorApiTests.AssertProblemAsync(await wallet.DeleteAsync("/api/wallet/me/balance", Ct), 405, "METHOD_NOT_ALLOWED");
    }

    [Fact]
    public async Task The_balance_and_statement_routes_are_in_the_OpenAPI_document()
    {
        using var client = _server.Client();
        var paths = (await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct)).GetProperty("paths");
        string[] wanted = ["/api/wallet/me/balance", "/api/wallet/me/statement", "/api/wallet/me/statement/{recordId}",
            "/api/ops/users/{userId}/statement", "/api/ops/users/{userId}/statement/{recordId}"];
        Assert.All(wanted, path => Assert.True(paths.TryGetProperty(path, out _), path));
    }

    /// <summary>What a read must never write: audit entries, money records, ledger transfers.</summary>
    private async Task<(int, int, int, int)> WrittenAsync()
    {
        await using var db = _server.Database.Options.CreateContext();
        return (await db.Set<AuditRow>().CountAsync(Ct), await db.Set<FundMovementRow>().CountAsync(Ct),
            await db.Adjustments.CountAsync(Ct), await db.LedgerTransfers.CountAsync(Ct));
    }
}
