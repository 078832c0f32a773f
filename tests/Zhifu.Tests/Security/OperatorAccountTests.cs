using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Data.Entities;
using Zhifu.Tests.Hosting;
using Zhifu.Tests.Infrastructure;
using static Zhifu.Tests.Security.StaffSessionTests;

namespace Zhifu.Tests.Security;

/// <summary>
/// SEC-1, ACC-7: the institution's operators are kept with the server's <c>operator</c> verb — created with one role and an
/// initial password that opens nothing but its own change; reset, disabled and enabled, each audited and each ending the
/// operator's sessions.
/// </summary>
public sealed class OperatorAccountTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ACC7_an_added_operators_initial_password_opens_only_its_change_until_it_is_changed()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        using var raw = Raw(server);
        var initial = await AddAsync(server, "alice.risk", "risk");

        var login = await raw.PostAsJsonAsync("/api/ops/auth/login", new { username = "alice.risk", password = initial }, Ct);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.True((await login.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("mustChangePassword").GetBoolean());
        Assert.True(CookieOf(login, "zhifu.ops") is null or "zhifu.ops=", "no full session, at most the removal of one");
        var pending = CookieOf(login, "zhifu.ops.pw")!;
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(raw, "/api/ops/risk/cases", pending)).StatusCode);
        var me = await GetAsync(raw, "/api/ops/auth/me", pending);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.True((await me.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("mustChangePassword").GetBoolean());

        // refused changes change nothing: a weak new password, the initial one again, a wrong current one
        Assert.Equal("WEAK_PASSWORD", await RefusedAsync(raw, pending, initial, "short1", HttpStatusCode.BadRequest));
        Assert.Equal("WEAK_PASSWORD", await RefusedAsync(raw, pending, initial, initial, HttpStatusCode.BadRequest));
        Assert.Equal("OPS_BAD_CREDENTIALS", await RefusedAsync(raw, pending, "Wrong2026x", "Alice2026risk", HttpStatusCode.Unauthorized));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(raw, "/api/ops/auth/me", pending)).StatusCode);

        using var change = Request(HttpMethod.Post, "/api/ops/auth/password", pending);
        change.Content = JsonContent.Create(new { currentPassword = initial, newPassword = "Alice2026risk" });
        var changed = await raw.SendAsync(change, Ct);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.False((await changed.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("mustChangePassword").GetBoolean());
        var full = CookieOf(changed, "zhifu.ops")!;
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(raw, "/api/ops/risk/cases", full)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(raw, "/api/ops/auth/me", pending)).StatusCode); // the pending one ended

        Assert.Equal(HttpStatusCode.Unauthorized,
            (await raw.PostAsJsonAsync("/api/ops/auth/login", new { username = "alice.risk", password = initial }, Ct)).StatusCode);
        var again = await raw.PostAsJsonAsync("/api/ops/auth/login", new { username = "alice.risk", password = "Alice2026risk" }, Ct);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.NotNull(CookieOf(again, "zhifu.ops"));

        await using var db = server.Database.Options.CreateContext();
        var audit = await db.Set<AuditRow>().AsNoTracking().Where(a => a.Target == "alice.risk").OrderBy(a => a.Sequence)
            .Select(a => a.Action).ToListAsync(Ct);
        Assert.Equal(["operator.create", "operator.password"], audit);
    }

    [Fact]
    public async Task SEC1_reset_disable_and_enable_end_the_operators_sessions_and_are_audited()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        using var raw = Raw(server);
        var initial = await AddAsync(server, "bob", "finance");
        var pending = await SignInAsync(raw, "/api/ops/auth/login", new { username = "bob", password = initial }, "zhifu.ops.pw");
        using (var change = Request(HttpMethod.Post, "/api/ops/auth/password", pending))
        {
            change.Content = JsonContent.Create(new { currentPassword = initial, newPassword = "Bob2026finance" });
            Assert.Equal(HttpStatusCode.OK, (await raw.SendAsync(change, Ct)).StatusCode);
        }
        var session = await SignInAsync(raw, "/api/ops/auth/login", new { username = "bob", password = "Bob2026finance" }, "zhifu.ops");

        // forgotten password: a new initial one; the old password and the session end, the new one opens only its change
        var (exit, output) = await VerifyVerbTests.RunAsync(server.Database, Words("reset-password", "bob"));
        Assert.True(exit == 0, output);
        var reset = InitialOf(output);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(raw, "/api/ops/auth/me", session)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await raw.PostAsJsonAsync("/api/ops/auth/login", new { username = "bob", password = "Bob2026finance" }, Ct)).StatusCode);
        pending = await SignInAsync(raw, "/api/ops/auth/login", new { username = "bob", password = reset }, "zhifu.ops.pw");

        // a leaver: disabled, their session ends at once and sign-in is refused as a wrong password would be
        (exit, output) = await VerifyVerbTests.RunAsync(server.Database, Words("disable", "bob"));
        Assert.True(exit == 0, output);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(raw, "/api/ops/auth/me", pending)).StatusCode);
        var refused = await raw.PostAsJsonAsync("/api/ops/auth/login", new { username = "bob", password = reset }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("OPS_BAD_CREDENTIALS", (await refused.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
        (exit, output) = await VerifyVerbTests.RunAsync(server.Database, Words("list"));
        Assert.True(exit == 0, output);
        Assert.Matches(new Regex(@"^bob\s+finance\s+disabled\s", RegexOptions.Multiline), output);
        Assert.Matches(new Regex(@"^risk\s+risk\s+active\s", RegexOptions.Multiline), output);

        (exit, output) = await VerifyVerbTests.RunAsync(server.Database, Words("enable", "bob"));
        Assert.True(exit == 0, output);
        await SignInAsync(raw, "/api/ops/auth/login", new { username = "bob", password = reset }, "zhifu.ops.pw");

        await using var db = server.Database.Options.CreateContext();
        var audit = await db.Set<AuditRow>().AsNoTracking().Where(a => a.Target == "bob").OrderBy(a => a.Sequence)
            .Select(a => a.Action).ToListAsync(Ct);
        Assert.Equal(["operator.create", "operator.password", "operator.password-reset", "operator.disable", "operator.enable"], audit);
        Assert.Null((await server.Services.GetRequiredService<Zhifu.Server.Security.AuditLog>().VerifyAsync(Ct)).BrokenAt);
    }

    [Fact]
    public async Task SEC1_the_verb_refuses_bad_names_roles_and_duplicates_and_writes_nothing()
    {
        await using var database = await TestDatabase.CreateAsync();
        Assert.Equal(1, (await VerifyVerbTests.RunAsync(database, Words("add", "carol", "admin"))).Exit); // no such role
        Assert.Equal(1, (await VerifyVerbTests.RunAsync(database, Words("add", "Carol Smith", "risk"))).Exit);
        Assert.Equal(1, (await VerifyVerbTests.RunAsync(database, Words("reset-password", "nobody"))).Exit);
        Assert.Equal(1, (await VerifyVerbTests.RunAsync(database, Words("disable", "nobody"))).Exit);
        var (exit, output) = await VerifyVerbTests.RunAsync(database, Words("remove", "carol"));
        Assert.Equal(2, exit);
        Assert.Contains("usage: operator add <username> <role>", output, StringComparison.Ordinal);
        await using (var db = database.Options.CreateContext())
        {
            Assert.False(await db.Operators.AnyAsync(o => o.Username.StartsWith("carol") || o.Username.StartsWith("Carol"), Ct));
            Assert.Equal(0, await db.Set<AuditRow>().CountAsync(Ct));
        }

        Assert.Equal(0, (await VerifyVerbTests.RunAsync(database, Words("add", "carol", "audit"))).Exit);
        (exit, output) = await VerifyVerbTests.RunAsync(database, Words("add", "carol", "risk"));
        Assert.Equal(1, exit);
        Assert.Contains("operator carol exists", output, StringComparison.Ordinal);
        await using (var db = database.Options.CreateContext())
        {
            Assert.Equal("audit", await db.Operators.Where(o => o.Username == "carol").Select(o => o.Role).SingleAsync(Ct));
        }
    }

    private static string[] Words(params string[] words) => ["operator", .. words];

    /// <summary>Adds an operator with the verb, as whoever runs the server does; their initial password.</summary>
    private static async Task<string> AddAsync(ZhifuTestServer server, string username, string role)
    {
        var (exit, output) = await VerifyVerbTests.RunAsync(server.Database, Words("add", username, role));
        Assert.True(exit == 0, output);
        Assert.Contains($"operator {username} ({role}) created", output, StringComparison.Ordinal);
        return InitialOf(output);
    }

    private static string InitialOf(string output) =>
        Regex.Match(output, @"initial password \(shown once; to be changed at the first sign-in\): ([a-z0-9]{12})").Groups[1].Value is
            { Length: 12 } password ? password : throw new Xunit.Sdk.XunitException("no initial password in: " + output);

    private static async Task<string?> RefusedAsync(HttpClient raw, string cookie, string current, string next, HttpStatusCode status)
    {
        using var change = Request(HttpMethod.Post, "/api/ops/auth/password", cookie);
        change.Content = JsonContent.Create(new { currentPassword = current, newPassword = next });
        var response = await raw.SendAsync(change, Ct);
        Assert.Equal(status, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString();
    }
}
