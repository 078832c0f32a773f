using System.Net.Http.Json;

namespace Zhifu.Tests.Infrastructure;

/// <summary>
/// Signs a client in to the merchant console API as a staff member would (MER-2): a captcha from
/// <c>GET /api/merchant/auth/captcha</c>, then username, password and the captcha. Test servers draw the same code every time
/// (<see cref="Captcha"/>, <c>MerchantConsole:CaptchaFixed</c> in <see cref="ZhifuTestServer.Arguments"/>).
/// </summary>
public static class MerchantStaffSignIn
{
    public const string Captcha = "E2E42";

    public static async Task<HttpResponseMessage> LoginAsync(HttpClient client, string username, string password,
        CancellationToken cancellationToken, string captcha = Captcha)
    {
        ArgumentNullException.ThrowIfNull(client);
        (await client.GetAsync(new Uri("/api/merchant/auth/captcha", UriKind.Relative), cancellationToken)).EnsureSuccessStatusCode();
        return await client.PostAsJsonAsync("/api/merchant/auth/login", new { username, password, captcha }, cancellationToken);
    }
}
