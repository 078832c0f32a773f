using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core.Banking;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.Tests.Hosting;

/// <summary>The server host: demo world, health, metrics, OpenAPI, restarts, two servers side by side (issue 3).</summary>
public sealed class ServerHostTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Fresh_server_seeds_the_demo_world_once_and_the_books_balance_across_restarts()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var before = await InstitutionBalancesAsync(server);
        Assert.Equal(10_100_000, before["custody:ICBC"]); // ¥100,000 risk fund + ¥1,000 of demo wallets (SET-1)
        Assert.Equal(10_000_000, before["risk-compensation-fund"]);
        Assert.True((await server.VerifyAsync()).AllHold);

        await server.RestartAsync();

        Assert.Equal(before, await InstitutionBalancesAsync(server));
        await using var db = server.Database.Options.CreateContext();
        Assert.Equal(DemoCards.People.Count, await db.Users.CountAsync(Ct));
        Assert.Equal(5, await db.Operators.CountAsync(Ct));
        Assert.Equal(1, await db.Merchants.CountAsync(Ct));
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task Secrets_and_demo_keys_the_server_writes_are_readable_by_its_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Unix file modes");
        }
        await using var server = await ZhifuTestServer.StartAsync();
        var directory = server.Database.Directory;
        // generated development keys, the platform's signing keys, the face store's keys, the demo merchant's private key and
        // APIv3 key (each file and merchant.json), the demo terminal's private key
        var files = Directory.GetFiles(Path.Combine(directory, "secrets"))
            .Concat(Directory.GetFiles(Path.Combine(directory, "demo", "merchant"))).ToList();
        Assert.Contains(files, f => f.EndsWith("apiclient_key.pem", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("merchant.json", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("keys.json", StringComparison.Ordinal));
        foreach (var file in files)
        {
            if (!OperatingSystem.IsWindows())
            {
                Assert.True(File.GetUnixFileMode(file) == (UnixFileMode.UserRead | UnixFileMode.UserWrite), $"{file}: {File.GetUnixFileMode(file)}");
            }
        }
        // a key file an earlier version left readable by others is made owner-only when the server reads it
        var keys = Path.Combine(directory, "secrets", "keys.json");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keys, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            await server.RestartAsync();
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keys));
        }
    }

    [Fact]
    public async Task Health_metrics_and_the_OpenAPI_document_are_served()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        using var client = server.Client();
        Assert.Equal("Healthy", await client.GetStringAsync("/healthz", Ct));
        var metrics = await client.GetStringAsync("/metrics", Ct);
        Assert.Contains("zhifu_ledger", metrics, StringComparison.Ordinal);
        Assert.Contains("http_requests_received_total", metrics, StringComparison.Ordinal);
        using var openApi = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json", Ct));
        var paths = openApi.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/ops/auth/login", out _));
        Assert.True(paths.TryGetProperty("/api/ops/ledger/verify", out _));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/docs/", Ct)).StatusCode);
    }

    [Fact]
    public async Task Two_servers_on_different_data_and_ports_run_side_by_side()
    {
        await using var first = await ZhifuTestServer.StartAsync();
        await using var second = await ZhifuTestServer.StartAsync();
        Assert.NotEqual(first.BaseAddress.Port, second.BaseAddress.Port);
        using var a = first.Client();
        using var b = second.Client();
        Assert.Equal("Healthy", await a.GetStringAsync("/healthz", Ct));
        Assert.Equal("Healthy", await b.GetStringAsync("/healthz", Ct));
    }

    [Fact]
    public async Task Personal_data_of_the_demo_users_is_not_stored_or_logged_in_plaintext()
    {
        Assert.SkipWhen(TestDatabase.PostgresServer is not null, "scans the SQLite file; the PostgreSQL run covers the rest");
        await using var server = await ZhifuTestServer.StartAsync();
        using (var client = server.Client())
        {
            await client.GetStringAsync("/healthz", Ct);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        // ACC-8: names, ID numbers and phone numbers only ever at rest as ciphertext.
        var files = Directory.EnumerateFiles(server.Database.Directory, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains("bank", StringComparison.Ordinal)); // the bank simulator plays the banks, which do know their customers
        var haystack = string.Join("\n", files.Select(f => System.Text.Encoding.UTF8.GetString(ReadShared(f))));
        foreach (var person in DemoCards.People)
        {
            Assert.DoesNotContain(person.Phone, haystack, StringComparison.Ordinal);
            Assert.DoesNotContain(person.IdNumber, haystack, StringComparison.Ordinal);
            Assert.DoesNotContain(person.Name, haystack, StringComparison.Ordinal);
        }
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    internal static async Task<Dictionary<string, long>> InstitutionBalancesAsync(ZhifuTestServer server)
    {
        using var client = server.Client();
        var login = await client.PostAsJsonAsync("/api/ops/auth/login", new { username = "finance", password = "Zhifu@2026" }, Ct);
        login.EnsureSuccessStatusCode();
        var accounts = await client.GetFromJsonAsync<JsonElement[]>("/api/ops/ledger/institution-accounts", Ct);
        return accounts!.ToDictionary(a => a.GetProperty("key").GetString()!, a => a.GetProperty("balanceFen").GetInt64());
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_sessions_are_secure_over_https_and_anyone_elses_forwarded_headers_are_ignored()
    {
        static async Task<string> OpsCookieAsync(ZhifuTestServer server)
        {
            using var client = server.Client();
            using var login = new HttpRequestMessage(HttpMethod.Post, "/api/ops/auth/login")
            {
                Content = JsonContent.Create(new { username = "risk", password = "Zhifu@2026" }),
            };
            login.Headers.Add("X-Forwarded-Proto", "https");
            login.Headers.Add("X-Forwarded-Host", "pay.example.cn");
            login.Headers.Add("X-Forwarded-For", "203.0.113.7");
            var answer = await client.SendAsync(login, Ct);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            return answer.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("zhifu.ops=", StringComparison.Ordinal));
        }

        await using (var direct = await ZhifuTestServer.StartAsync())
        {
            Assert.DoesNotContain("secure", await OpsCookieAsync(direct), StringComparison.OrdinalIgnoreCase); // nobody is trusted
        }
        await using var proxied = await ZhifuTestServer.StartAsync(null, "--Hosting:TrustedProxies:0=127.0.0.1", "--Hosting:TrustedProxies:1=10.0.0.0/8");
        Assert.Contains("secure", await OpsCookieAsync(proxied), StringComparison.OrdinalIgnoreCase);
    }
}
