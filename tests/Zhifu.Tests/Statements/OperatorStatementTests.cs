using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core.Banking;
using Zhifu.Data.Entities;
using Zhifu.Server.Hosting;
using Zhifu.Tests.Accounts;
using Zhifu.Tests.Infrastructure;
using static Zhifu.Tests.Statements.StatementKit;

namespace Zhifu.Tests.Statements;

/// <summary>
/// Customer service reads a holder's statement (SEC-1): the roles that answer holders may, finance may not, and every
/// reading of someone's financial history leaves an audit entry — refusals leave none.
/// </summary>
public sealed class OperatorStatementTests : IAsyncLifetime
{
    private ZhifuTestServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await ZhifuTestServer.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Service_operations_risk_and_audit_see_the_holders_statement_and_each_reading_is_audited()
    {
        using var wallet = await WalletClient.SignInAsync(_server, DemoCards.ZhangSan.Phone, "Demo@2026");
        await MoveAsync(wallet, "top-ups", await CardAsync(wallet, "CCB"), 4_321);
        var userId = await UserIdAsync(wallet);
        var holders = await GetOkAsync(wallet, "/api/wallet/me/statement");

        foreach (var role in new[] { "service", "operations", "risk", "audit" })
        {
            using var ops = await OperatorAsync(role);
            var before = await AuditAsync();
            var page = await GetOkAsync(ops, $"/api/ops/users/{userId}/statement?kind=top-up,adjustment&limit=10");
            Assert.Equal(holders.GetProperty("entries").GetRawText(), page.GetProperty("entries").GetRawText());
            var entry = await AuditAsync();
            var read = Assert.Single(entry.Skip(before.Count));
            Assert.Equal(("user.statement", role, userId.ToString()), (read.Action, read.Role, read.Target));
            Assert.Contains("2 lines", read.Details, StringComparison.Ordinal);

            var recordId = Id(page.GetProperty("entries")[0]);
            var detail = await GetOkAsync(ops, $"/api/ops/users/{userId}/statement/{recordId}");
            Assert.Equal(4_321, detail.GetProperty("postedFen").GetInt64());
            var shown = Assert.Single((await AuditAsync()).Skip(entry.Count));
            Assert.Equal("user.statement-entry", shown.Action);
            Assert.Contains(recordId.ToString(), shown.Details, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Other_roles_strangers_and_bad_ids_are_refused_and_nothing_is_audited()
    {
        using var wallet = await WalletClient.SignInAsync(_server, DemoCards.LiSi.Phone, "Demo@2026");
        var userId = await UserIdAsync(wallet);
        var before = (await AuditAsync()).Count;
        using var anonymous = _server.Client();
        await RefusedAsync(anonymous, $"/api/ops/users/{userId}/statement", 401, "OPS_SIGN_IN_REQUIRED");
        await RefusedAsync(wallet, $"/api/ops/users/{userId}/statement", 401, "OPS_SIGN_IN_REQUIRED"); // a holder's token is no operator
        using var finance = await OperatorAsync("finance");
        await RefusedAsync(finance, $"/api/ops/users/{userId}/statement", 403, "OPS_ROLE_FORBIDDEN");
        await RefusedAsync(finance, $"/api/ops/users/{userId}/statement/{Guid.CreateVersion7()}", 403, "OPS_ROLE_FORBIDDEN");

        using var service = await OperatorAsync("service");
        await RefusedAsync(service, "/api/ops/users/not-a-user/statement", 400, "INVALID_USER_ID");
        await RefusedAsync(service, $"/api/ops/users/{Guid.CreateVersion7()}/statement", 404, "USER_NOT_FOUND");
        await RefusedAsync(service, $"/api/ops/users/{userId}/statement?limit=500", 400, "INVALID_STATEMENT_LIMIT");
        await RefusedAsync(service, $"/api/ops/users/{userId}/statement?kind=bogus", 400, "INVALID_STATEMENT_KIND");
        await RefusedAsync(service, $"/api/ops/users/{userId}/statement/nope", 400, "INVALID_STATEMENT_RECORD_ID");
        // 张三's record under 李四's id: not found, exactly as for the holder.
        using var zhang = await WalletClient.SignInAsync(_server, DemoCards.ZhangSan.Phone, "Demo@2026");
        var zhangsLine = Id((await GetOkAsync(zhang, "/api/wallet/me/statement")).GetProperty("entries")[0]);
        await RefusedAsync(service, $"/api/ops/users/{userId}/statement/{zhangsLine}", 404, "STATEMENT_ENTRY_NOT_FOUND");
        Assert.Equal(before, (await AuditAsync()).Count);
    }

    private async Task<HttpClient> OperatorAsync(string role)
    {
        var client = _server.Client();
        var username = DemoWorld.Operators.Single(o => o.Role == role).Username;
        var response = await client.PostAsJsonAsync("/api/ops/auth/login", new { username, password = DemoWorld.OperatorPassword }, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        return client;
    }

    private async Task<List<AuditRow>> AuditAsync()
    {
        await using var db = _server.Database.Options.CreateContext();
        return await db.Set<AuditRow>().AsNoTracking().Where(a => a.Action.StartsWith("user.statement")).OrderBy(a => a.Sequence)
            .ToListAsync(Ct);
    }
}
