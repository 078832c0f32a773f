using System.Net;
using System.Net.Http.Json;
using Zhifu.Server.Hosting;
using Zhifu.Tests.Hosting;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.Tests.Security;

/// <summary>
/// ACC-7, MER-2, SEC-1: one client address may knock on the sign-in doors (console sign-ins, the merchant captcha, the
/// wallet's anonymous codes and reset) only so often a minute; per-account lockouts cannot stop guesses spread over accounts.
/// </summary>
public sealed class SignInRateLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task One_address_is_answered_429_after_its_sign_in_requests_of_the_minute_and_other_routes_go_on()
    {
        await using var server = await ZhifuTestServer.StartAsync(null,
            "--Security:SignInRateLimit:StaffPermitsPerMinute=3", "--Security:SignInRateLimit:WalletPermitsPerMinute=4");
        using var client = server.Client();
        for (var i = 0; i < 3; i++)
        {
            await OperatorApiTests.AssertProblemAsync(await client.PostAsJsonAsync("/api/ops/auth/login",
                new { username = "ops", password = $"Wrong{i}password" }, Ct), 401, "OPS_BAD_CREDENTIALS");
        }
        var refused = await client.PostAsJsonAsync("/api/ops/auth/login", new { username = "ops", password = "Zhifu@2026" }, Ct);
        Assert.Equal("60", refused.Headers.RetryAfter?.ToString());
        await OperatorApiTests.AssertProblemAsync(refused, 429, "TOO_MANY_REQUESTS"); // even the right password: not checked at all
        // the merchant console's captcha and sign-in are the same door
        await OperatorApiTests.AssertProblemAsync(await client.GetAsync("/api/merchant/auth/captcha", Ct), 429, "TOO_MANY_REQUESTS");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/merchant/login", Ct)).StatusCode);

        // the wallet has a budget of its own (many holders share an address behind a carrier's NAT)
        for (var i = 0; i < 4; i++)
        {
            await OperatorApiTests.AssertProblemAsync(await client.PostAsJsonAsync("/api/wallet/sessions",
                new { phone = "13800138001", password = $"Wrong{i}password" }, Ct), 401, "BAD_CREDENTIALS");
        }
        await OperatorApiTests.AssertProblemAsync(await client.PostAsJsonAsync("/api/wallet/otp",
            new { phone = "13800138001", purpose = "reset-login-password" }, Ct), 429, "TOO_MANY_REQUESTS");
        // a person at a console's page is told in words, in the page's language, with the way back — not an API's JSON
        var page = await client.GetAsync("/wallet/login", Ct);
        Assert.Equal((HttpStatusCode.TooManyRequests, "text/html"), (page.StatusCode, page.Content.Headers.ContentType?.MediaType));
        var html = await page.Content.ReadAsStringAsync(Ct);
        Assert.Contains("请等待一分钟后", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/wallet/login\"", html, StringComparison.Ordinal);
        using var plain = new HttpClient { BaseAddress = server.BaseAddress }; // same address, no cookie jar: the language cookie as sent
        using var english = new HttpRequestMessage(HttpMethod.Get, "/wallet/login");
        english.Headers.Add("Cookie", "zhifu.lang=en");
        Assert.Contains("Please wait a minute", await (await plain.SendAsync(english, Ct)).Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz", Ct)).StatusCode); // nothing else is limited
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/wallet/agreement", Ct)).StatusCode);
    }

    [Fact]
    public void An_IPv6_client_is_budgeted_by_its_64_prefix_and_a_mapped_IPv4_one_by_its_address()
    {
        // one subscriber's /64 is one budget: picking another address in it gets no new one
        Assert.Equal(SignInRateLimit.ClientKey(IPAddress.Parse("2001:db8:1:2::1")), SignInRateLimit.ClientKey(IPAddress.Parse("2001:db8:1:2:ffff::9")));
        Assert.NotEqual(SignInRateLimit.ClientKey(IPAddress.Parse("2001:db8:1:2::1")), SignInRateLimit.ClientKey(IPAddress.Parse("2001:db8:1:3::1")));
        Assert.Equal("203.0.113.7", SignInRateLimit.ClientKey(IPAddress.Parse("::ffff:203.0.113.7")));
        Assert.Equal("unknown", SignInRateLimit.ClientKey(null));
    }
}
