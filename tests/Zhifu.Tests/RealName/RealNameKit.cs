using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Server.Banking;
using Zhifu.Tests.Accounts;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.Tests.RealName;

/// <summary>Drives the real-name and card routes as the wallet app and the operator console would.</summary>
internal static class RealNameKit
{
    public const string PaymentPassword = "258369";

    /// <summary>Server arguments for tests that ask for many one-time codes and want a short bank timeout.</summary>
    public static readonly string[] ServerArgs =
        ["--Accounts:OneTimeCodeResendSeconds=0", "--Accounts:OneTimeCodesPerHourMax=1000", "--Bank:TimeoutMs=400"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static Uri BankAddress(ZhifuTestServer server) => server.Services.GetRequiredService<BankChannelAddress>().BaseAddress!;

    /// <summary>Opens a wallet for the holder's phone; the signed-in client and the user id.</summary>
    public static async Task<(HttpClient Client, Guid UserId)> OpenWalletAsync(ZhifuTestServer server, TestHolder holder)
    {
        // A device id of its own: the opening flow keeps the device id as given, and a phone there would be plaintext at rest.
        var client = await WalletClient.OpenAsync(server, holder.Phone, device: "device-" + Guid.NewGuid().ToString("N"));
        var me = await client.GetFromJsonAsync<JsonElement>("/api/wallet/me", Ct);
        return (client, me.GetProperty("userId").GetGuid());
    }

    /// <summary>A wallet for the holder, verified by the banks given (the holder is opened at each first).</summary>
    public static async Task<(HttpClient Client, Guid UserId)> VerifiedWalletAsync(ZhifuTestServer server, TestHolder holder,
        params string[] banks)
    {
        await holder.KnownAtAsync(BankAddress(server), banks);
        var wallet = await OpenWalletAsync(server, holder);
        var response = await VerifyAsync(wallet.Client, holder);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        return wallet;
    }

    public static Task<HttpResponseMessage> VerifyAsync(HttpClient client, TestHolder holder) =>
        client.PostAsJsonAsync("/api/wallet/me/real-name", new { name = holder.Name, idNumber = holder.IdNumber }, Ct);

    public static async Task<JsonElement> StatusAsync(HttpClient client) =>
        await client.GetFromJsonAsync<JsonElement>("/api/wallet/me/real-name", Ct);

    public static async Task SetPaymentPasswordAsync(ZhifuTestServer server, HttpClient client, string phone)
    {
        (await client.PostAsJsonAsync("/api/wallet/me/otp", new { purpose = "payment-password" }, Ct)).EnsureSuccessStatusCode();
        var otp = await WalletClient.LatestCodeAsync(server, phone);
        (await client.PostAsJsonAsync("/api/wallet/me/payment-password", new { otp, paymentPassword = PaymentPassword }, Ct))
            .EnsureSuccessStatusCode();
    }

    /// <summary>A fresh one-time code for a purpose, sent to the wallet's bound phone.</summary>
    public static async Task<string> CodeAsync(ZhifuTestServer server, HttpClient client, string phone, string purpose)
    {
        (await client.PostAsJsonAsync("/api/wallet/me/otp", new { purpose }, Ct)).EnsureSuccessStatusCode();
        return await WalletClient.LatestCodeAsync(server, phone);
    }

    public static async Task<HttpClient> OperatorAsync(ZhifuTestServer server, string username)
    {
        var client = server.Client();
        var response = await client.PostAsJsonAsync("/api/ops/auth/login", new { username, password = "Zhifu@2026" }, Ct);
        response.EnsureSuccessStatusCode();
        return client;
    }

    /// <summary>A raw JSON body, for requests a typed client could not even send (wrong types, broken JSON).</summary>
    public static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");

    /// <summary>An operator verifies the holder at the counter from the ID document shown (<paramref name="document"/>).</summary>
    public static Task<HttpResponseMessage> FaceToFaceAsync(HttpClient operatorClient, Guid userId, TestHolder document,
        string? ticket = "GT-2026-0001") =>
        operatorClient.PostAsJsonAsync($"/api/ops/accounts/{userId}/face-to-face",
            new { ticket, name = document.Name, idNumber = document.IdNumber }, Ct);
}

/// <summary>One server for a test class (each test uses its own holders).</summary>
public sealed class RealNameServerFixture : IAsyncLifetime
{
    internal ZhifuTestServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await ZhifuTestServer.StartAsync(null, RealNameKit.ServerArgs);

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
