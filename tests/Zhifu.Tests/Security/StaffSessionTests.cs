using System.Net;
using System.Net.Http.Json;
using Zhifu.Server.Hosting;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.Tests.Security;

/// <summary>
/// SEC-2, ACC-7: an operator's or merchant staff member's session cookie is a session only while its account says so — signing
/// out or changing the password ends it everywhere, so a copied cookie does not live on.
/// </summary>
public sealed class StaffSessionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SEC2_an_operators_cookie_replayed_after_sign_out_is_refused_and_so_is_their_other_session()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        using var raw = Raw(server);
        var first = await SignInAsync(raw, "/api/ops/auth/login", new { username = "risk", password = DemoWorld.OperatorPassword }, "zhifu.ops");
        var second = await SignInAsync(raw, "/api/ops/auth/login", new { username = "risk", password = DemoWorld.OperatorPassword }, "zhifu.ops");
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(raw, "/api/ops/auth/me", first)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(raw, HttpMethod.Post, "/api/ops/auth/logout", first)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(raw, "/api/ops/auth/me", first)).StatusCode); // the copy is dead
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(raw, "/api/ops/auth/me", second)).StatusCode);
        var again = await SignInAsync(raw, "/api/ops/auth/login", new { username = "risk", password = DemoWorld.OperatorPassword }, "zhifu.ops");
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(raw, "/api/ops/auth/me", again)).StatusCode);
    }

    [Fact]
    public async Task ACC7_a_staff_password_change_ends_every_other_session_and_keeps_the_one_that_changed_it()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        using var raw = Raw(server);
        var phone = await StaffAsync(raw, "cafe-finance");
        var laptop = await StaffAsync(raw, "cafe-finance");
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(raw, "/api/merchant/auth/me", phone)).StatusCode);

        using var change = Request(HttpMethod.Post, "/api/merchant/auth/password", laptop);
        change.Content = JsonContent.Create(new { currentPassword = "Shop@2026", newPassword = "Finance2026x" });
        var changed = await raw.SendAsync(change, Ct);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var renewed = CookieOf(changed, "zhifu.merchant")!;

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(raw, "/api/merchant/auth/me", phone)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(raw, "/api/merchant/auth/me", laptop)).StatusCode); // its old cookie too
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(raw, "/api/merchant/auth/me", renewed)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(raw, HttpMethod.Post, "/api/merchant/auth/logout", renewed)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(raw, "/api/merchant/auth/me", renewed)).StatusCode);
    }

    /// <summary>A client that keeps no cookies: each request carries exactly the cookie the test gives it.</summary>
    internal static HttpClient Raw(ZhifuTestServer server) =>
        new(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = server.BaseAddress };

    internal static async Task<string> SignInAsync(HttpClient raw, string path, object body, string cookie)
    {
        var response = await raw.PostAsJsonAsync(path, body, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return CookieOf(response, cookie)!;
    }

    private static async Task<string> StaffAsync(HttpClient raw, string username)
    {
        var captcha = CookieOf(await raw.GetAsync("/api/merchant/auth/captcha", Ct), "zhifu.merchant.captcha")!;
        using var login = Request(HttpMethod.Post, "/api/merchant/auth/login", captcha);
        login.Content = JsonContent.Create(new { username, password = "Shop@2026", captcha = MerchantStaffSignIn.Captcha });
        var response = await raw.SendAsync(login, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return CookieOf(response, "zhifu.merchant")!;
    }

    internal static string? CookieOf(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Select(v => v.Split(';')[0]).FirstOrDefault(v => v.StartsWith(name + "=", StringComparison.Ordinal))
            : null;

    internal static HttpRequestMessage Request(HttpMethod method, string path, string cookie)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Cookie", cookie);
        return request;
    }

    internal static async Task<HttpResponseMessage> SendAsync(HttpClient raw, HttpMethod method, string path, string cookie)
    {
        using var request = Request(method, path, cookie);
        return await raw.SendAsync(request, Ct);
    }

    internal static Task<HttpResponseMessage> GetAsync(HttpClient raw, string path, string cookie) => SendAsync(raw, HttpMethod.Get, path, cookie);
}
