using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Zhifu.Server.Face;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.E2E;

/// <summary>
/// What the consoles' face-pay tests arrange through the real APIs: a terminal of the demo café registered by its admin,
/// certified by risk with the café whitelisted by operations; a demo person enrolled with a synthetic face (FACE-1 … FACE-4)
/// and paying by face at that terminal — every terminal call signed with its key and every template sealed to the platform's
/// transport key, as a certified device does; and the payer's claim on the payment (FACE-6).
/// </summary>
internal static class FaceKit
{
    public const string Cafe = "1230000109";
    public const string Passcode = "135790";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static DateOnly ChinaToday => DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).DateTime);

    public static string Expiry(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A terminal of the demo café registered by its admin through the merchant console API, with <paramref name="key"/>
    /// (a fresh RSA-2048 key when none is given); its terminal id.</summary>
    public static async Task<string> RegisterAsync(ZhifuTestServer server, string store, string certNumber, RSA? key = null)
    {
        using var admin = await MerchantKit.StaffApiAsync(server, "cafe-admin");
        using var fresh = key is null ? RSA.Create(2048) : null;
        var registered = await admin.PostAsJsonAsync("/api/merchant/face-terminals", new
        {
            storeName = store, model = "ZF-FP1", publicKeyPem = (key ?? fresh)!.ExportSubjectPublicKeyInfoPem(), certLab = "银行卡检测中心",
            certNumber,
            certExpiresOn = Expiry(ChinaToday.AddDays(365)),
        }, Ct);
        var body = await registered.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(registered.IsSuccessStatusCode, body.ToString());
        return body.GetProperty("terminalId").GetString()!;
    }

    /// <summary>A terminal registered, certified by risk, and the café put on the face-pay whitelist by operations.</summary>
    public static async Task<string> CertifiedTerminalAsync(ZhifuTestServer server, RSA key)
    {
        var terminalId = await RegisterAsync(server, "国贸店", "BCTC-2026-0601", key);
        using (var risk = await OpsKit.OperatorAsync(server, "risk"))
        {
            var certified = await risk.PostAsJsonAsync($"/api/ops/face-terminals/{terminalId}/certify", new { note = "型号认证有效" }, Ct);
            Assert.True(certified.IsSuccessStatusCode, await certified.Content.ReadAsStringAsync(Ct));
        }
        using var operations = await OpsKit.OperatorAsync(server, "operations");
        var terms = await operations.PutAsJsonAsync($"/api/ops/merchants/{Cafe}/terms", new { facePayEligible = true }, Ct);
        Assert.True(terms.IsSuccessStatusCode, await terms.Content.ReadAsStringAsync(Ct));
        return terminalId;
    }

    /// <summary>Consent (with the payment password), the sealed template, and the passcode set with the texted code.</summary>
    public static async Task EnrolAsync(ZhifuTestServer server, string phone, float[] face, string passcode = Passcode)
    {
        using var wallet = await OpsKit.WalletAsync(server, phone);
        await OkAsync(await wallet.PostAsJsonAsync("/api/wallet/face/consent",
            new { accept = true, paymentPassword = OpsKit.PaymentPassword }, Ct));
        await OkAsync(await wallet.PostAsJsonAsync("/api/wallet/face/enrol", await SealAsync(wallet, face), Ct));
        await OkAsync(await wallet.PostAsJsonAsync("/api/wallet/me/otp", new { purpose = "face-passcode" }, Ct));
        var code = await WalletKit.LatestCodeAsync(server, phone);
        await OkAsync(await wallet.PutAsJsonAsync("/api/wallet/face/passcode",
            new { paymentPassword = OpsKit.PaymentPassword, passcode, code }, Ct));
    }

    /// <summary>The terminal identifies <paramref name="capture"/> and takes the payment with the passcode; the transaction id.</summary>
    public static async Task<string> PayAsync(ZhifuTestServer server, string terminalId, RSA key, float[] capture, string outTradeNo,
        long amountFen, string passcode = Passcode)
    {
        using var terminal = server.Client();
        var identified = await SignedAsync(terminal, terminalId, key, "/api/face/terminal/identify",
            new { probe = await SealAsync(terminal, capture), livenessPassed = true });
        var paid = await SignedAsync(terminal, terminalId, key, "/api/face/terminal/pay", new
        {
            faceToken = identified.GetProperty("faceToken").GetString(), passcode, appId = "wxd678efh567hg6787", outTradeNo,
            description = "知付演示咖啡馆-刷脸", amountFen,
        });
        return paid.GetProperty("transaction_id").GetString()!;
    }

    /// <summary>The payer claims the payment through the wallet API (<c>stolen</c> or <c>mistaken</c>); the claim's id.</summary>
    public static async Task<Guid> ClaimAsync(ZhifuTestServer server, string phone, string transactionId, string kind, string description)
    {
        using var wallet = await OpsKit.WalletAsync(server, phone);
        var opened = await wallet.PostAsJsonAsync("/api/wallet/face/claims", new { transactionId, kind, description }, Ct);
        var body = await opened.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(opened.IsSuccessStatusCode, body.ToString());
        return body.GetProperty("id").GetGuid();
    }

    /// <summary>What a certified device does: fetch the platform's face transport key and seal the template to it.</summary>
    private static async Task<FaceEnvelope> SealAsync(HttpClient client, float[] template)
    {
        var key = await client.GetFromJsonAsync<JsonElement>("/api/face/transport-key", Ct);
        using var rsa = RSA.Create();
        rsa.ImportFromPem(key.GetProperty("publicKey").GetString());
        return FaceEnvelope.Seal(template, key.GetProperty("keyId").GetString()!, rsa);
    }

    /// <summary>A terminal's POST, signed over method, path, timestamp, nonce and body; the answer, which must be a success.</summary>
    private static async Task<JsonElement> SignedAsync(HttpClient client, string terminalId, RSA key, string path, object request)
    {
        var body = JsonSerializer.Serialize(request, JsonSerializerOptions.Web);
        using var message = FaceTerminalClient.Post(terminalId, key, path, body, DateTimeOffset.UtcNow);
        using var answer = await client.SendAsync(message, Ct);
        var text = await answer.Content.ReadAsStringAsync(Ct);
        Assert.True(answer.IsSuccessStatusCode, $"{path}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task OkAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        response.Dispose();
    }
}
