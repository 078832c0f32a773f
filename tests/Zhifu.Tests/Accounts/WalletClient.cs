using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Server.Notifications;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.Tests.Accounts;

/// <summary>Drives the Wallet API as the wallet app would, and reads the phone's texts from the SMS outbox.</summary>
internal static partial class WalletClient
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The newest one-time code texted to a phone.</summary>
    public static async Task<string> LatestCodeAsync(ZhifuTestServer server, string phone)
    {
        var texts = await server.Services.GetRequiredService<SmsOutbox>().ReadAsync(phone, 5, Ct);
        var text = texts.First(t => t.Kind == "otp").Body;
        return CodePattern().Match(text).Value;
    }

    /// <summary>Opens a wallet through the self-service flow and returns a signed-in client.</summary>
    public static async Task<HttpClient> OpenAsync(ZhifuTestServer server, string phone, string password = "Passw0rd!x", string? device = null)
    {
        var client = server.Client();
        (await client.PostAsJsonAsync("/api/wallet/otp", new { phone, purpose = "open-account" }, Ct)).EnsureSuccessStatusCode();
        var code = await LatestCodeAsync(server, phone);
        var response = await client.PostAsJsonAsync("/api/wallet/accounts", new
        {
            phone, otp = code, loginPassword = password, agreementVersion = "2026-11", acceptAgreement = true, deviceId = device ?? phone,
        }, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, body);
        Authorize(client, JsonDocument.Parse(body).RootElement.GetProperty("token").GetString()!);
        return client;
    }

    public static async Task<HttpResponseMessage> LoginAsync(HttpClient client, string phone, string password) =>
        await client.PostAsJsonAsync("/api/wallet/sessions", new { phone, password }, Ct);

    public static async Task<HttpClient> SignInAsync(ZhifuTestServer server, string phone, string password)
    {
        var client = server.Client();
        var response = await LoginAsync(client, phone, password);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, body);
        Authorize(client, JsonDocument.Parse(body).RootElement.GetProperty("token").GetString()!);
        return client;
    }

    public static void Authorize(HttpClient client, string token) =>
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

    [GeneratedRegex("[0-9]{6}")]
    private static partial Regex CodePattern();
}
