using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.Tests.Hosting;

/// <summary>Operator sign-in with roles (SEC-1, SEC-2) and the native API's error shape for bad input.</summary>
public sealed class OperatorApiTests : IAsyncLifetime
{
    private ZhifuTestServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await ZhifuTestServer.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Each_role_sees_only_its_part_of_the_ledger()
    {
        using var anonymous = _server.Client();
        await AssertProblemAsync(await anonymous.GetAsync("/api/ops/ledger/verify", Ct), 401, "OPS_SIGN_IN_REQUIRED");

        using var risk = await SignedInAsync("risk");
        await AssertProblemAsync(await risk.GetAsync("/api/ops/ledger/verify", Ct), 403, "OPS_ROLE_FORBIDDEN");

        foreach (var role in new[] { "finance", "audit" })
        {
            using var allowed = await SignedInAsync(role);
            var report = await allowed.GetFromJsonAsync<JsonElement>("/api/ops/ledger/verify", Ct);
            Assert.True(report.GetProperty("allHold").GetBoolean());
        }
    }

    [Fact]
    public async Task Wrong_passwords_lock_the_operator_out_even_for_the_right_password()
    {
        using var client = _server.Client();
        for (var i = 0; i < 5; i++)
        {
            await AssertProblemAsync(await LoginAsync(client, "audit", "wrong-password"), 401, "OPS_BAD_CREDENTIALS");
        }
        await AssertProblemAsync(await LoginAsync(client, "audit", "Zhifu@2026"), 423, "OPS_LOCKED");
        await AssertProblemAsync(await LoginAsync(client, "nobody", "Zhifu@2026"), 401, "OPS_BAD_CREDENTIALS");
    }

    [Fact]
    public async Task ACC7_wrong_passwords_sent_at_once_get_no_more_tries_than_the_lockout_allows()
    {
        using var client = _server.Client();
        var answers = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => LoginAsync(client, "service", $"wrong-password-{i}")));
        var codes = new List<string>();
        foreach (var answer in answers)
        {
            codes.Add((await answer.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString()!);
        }
        Assert.Equal(5, codes.Count(c => c == "OPS_BAD_CREDENTIALS")); // checked: the count allows five, the fifth locks
        Assert.Equal(19, codes.Count(c => c == "OPS_LOCKED")); // refused unchecked
        await AssertProblemAsync(await LoginAsync(client, "service", "Zhifu@2026"), 423, "OPS_LOCKED");
    }

    [Fact]
    public async Task Bad_input_gets_a_stable_code_in_both_languages_and_writes_nothing()
    {
        await using var db = _server.Database.Options.CreateContext();
        var operatorsBefore = await db.Operators.AsNoTracking().Select(o => new { o.Username, o.FailedSignIns }).ToListAsync(Ct);
        using var client = _server.Client();
        using var english = _server.Client("en-US");

        var malformed = await client.PostAsync("/api/ops/auth/login", new StringContent("{\"username\": ", Encoding.UTF8, "application/json"), Ct);
        await AssertProblemAsync(malformed, 400, "INVALID_REQUEST");
        var wrongType = await client.PostAsync("/api/ops/auth/login",
            new StringContent("{\"username\": 5, \"password\": []}", Encoding.UTF8, "application/json"), Ct);
        await AssertProblemAsync(wrongType, 400, "INVALID_REQUEST");
        var missing = await english.PostAsJsonAsync("/api/ops/auth/login", new { username = "finance" }, Ct);
        var body = await AssertProblemAsync(missing, 400, "INVALID_REQUEST");
        Assert.Equal("Username and password are required", body.GetProperty("detail").GetString());
        Assert.Equal("请输入用户名和密码", body.GetProperty("message_zh").GetString());
        var huge = await client.PostAsync("/api/ops/auth/login",
            new StringContent("{\"username\":\"" + new string('a', 200_000) + "\"}", Encoding.UTF8, "application/json"), Ct);
        await AssertProblemAsync(huge, 413, "PAYLOAD_TOO_LARGE");
        await AssertProblemAsync(await client.GetAsync("/api/ops/no-such-thing", Ct), 404, "NOT_FOUND");

        var operatorsAfter = await db.Operators.AsNoTracking().Select(o => new { o.Username, o.FailedSignIns }).ToListAsync(Ct);
        Assert.Equal(operatorsBefore, operatorsAfter);
    }

    private async Task<HttpClient> SignedInAsync(string username)
    {
        var client = _server.Client();
        var response = await LoginAsync(client, username, "Zhifu@2026");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return client;
    }

    private static Task<HttpResponseMessage> LoginAsync(HttpClient client, string username, string password) =>
        client.PostAsJsonAsync("/api/ops/auth/login", new { username, password }, Ct);

    internal static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, int status, string code)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True((int)response.StatusCode == status, $"expected {status} {code}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("message_en").GetString()));
        return body;
    }
}
