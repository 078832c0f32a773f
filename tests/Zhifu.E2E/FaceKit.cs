using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Zhifu.Server.Face;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.E2E;

/// <summary>
/// Face payment arranged over HTTP as the real parties do it (Zhifu.Tests' face helpers run on its clocked server, so not
/// shared): the demo café's certified, whitelisted terminal; a user enrolled through the Wallet API with a demo face sealed as a
/// device seals it; a payment identified and paid at the terminal, every call signed by the terminal's key.
/// </summary>
internal static class FaceKit
{
    private const string Cafe = "1230000109";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A terminal of the demo café registered by its admin, certified by risk; the café whitelisted by operations.</summary>
    public static async Task<(string TerminalId, RSA Key)> CertifiedTerminalAsync(ZhifuTestServer server)
    {
        using var admin = await MerchantKit.StaffApiAsync(server, "cafe-admin");
        var key = RSA.Create(2048);
        var registered = await admin.PostAsJsonAsync("/api/merchant/face-terminals", new
        {
            storeName = "国贸店", model = "ZF-FP1", publicKeyPem = key.ExportSubjectPublicKeyInfoPem(), certLab = "银行卡检测中心",
            certNumber = "BCTC-2026-0601", certExpiresOn = "2099-12-31",
        }, Ct);
        var body = await registered.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(registered.IsSuccessStatusCode, body.ToString());
        var terminalId = body.GetProperty("terminalId").GetString()!;
        using (var risk = await OpsKit.OperatorAsync(server, "risk"))
        {
            var certified = await risk.PostAsJsonAsync($"/api/ops/face-terminals/{terminalId}/certify", new { note = "型号认证有效" }, Ct);
            Assert.True(certified.IsSuccessStatusCode, await certified.Content.ReadAsStringAsync(Ct));
        }
        using (var operations = await OpsKit.OperatorAsync(server, "operations"))
        {
            var terms = await operations.PutAsJsonAsync($"/api/ops/merchants/{Cafe}/terms", new { facePayEligible = true }, Ct);
            Assert.True(terms.IsSuccessStatusCode, await terms.Content.ReadAsStringAsync(Ct));
        }
        return (terminalId, key);
    }

    /// <summary>Consent, demo face <paramref name="face"/> and a passcode through the Wallet API.</summary>
    public static async Task EnrolAsync(ZhifuTestServer server, string phone, int face, string passcode)
    {
        using var wallet = await OpsKit.WalletAsync(server, phone);
        await OkAsync(await wallet.PostAsJsonAsync("/api/wallet/face/consent", new { accept = true, paymentPassword = OpsKit.PaymentPassword }, Ct));
        await OkAsync(await wallet.PostAsJsonAsync("/api/wallet/face/enrol", await SealAsync(wallet, SyntheticFaces.Demo(face)), Ct));
        await OkAsync(await wallet.PostAsJsonAsync("/api/wallet/me/otp", new { purpose = "face-passcode" }, Ct));
        var code = await WalletKit.LatestCodeAsync(server, phone);
        await OkAsync(await wallet.PutAsJsonAsync("/api/wallet/face/passcode", new { paymentPassword = OpsKit.PaymentPassword, code, passcode }, Ct));
    }

    /// <summary>A capture of demo face <paramref name="face"/> identified at the terminal and paid with the passcode; the transaction id.</summary>
    public static async Task<string> PayAsync(ZhifuTestServer server, string terminalId, RSA key, int face, string passcode, string outTradeNo,
        long amountFen)
    {
        using var client = server.Client();
        var identified = await SendAsync(client, terminalId, key, "/api/face/terminal/identify",
            JsonSerializer.Serialize(new { probe = await SealAsync(client, SyntheticFaces.Capture(face)), livenessPassed = true }, JsonSerializerOptions.Web));
        var token = JsonDocument.Parse(identified).RootElement.GetProperty("faceToken").GetString();
        var paid = await SendAsync(client, terminalId, key, "/api/face/terminal/pay", JsonSerializer.Serialize(new
        {
            faceToken = token, passcode, appId = "wxd678efh567hg6787", outTradeNo, description = "知付演示咖啡馆-刷脸", amountFen,
        }, JsonSerializerOptions.Web));
        return JsonDocument.Parse(paid).RootElement.GetProperty("transaction_id").GetString()!;
    }

    /// <summary>What a certified device does: fetch the platform's face transport key and seal the template to it.</summary>
    private static async Task<FaceEnvelope> SealAsync(HttpClient client, float[] template)
    {
        var key = await client.GetFromJsonAsync<JsonElement>("/api/face/transport-key", Ct);
        using var rsa = RSA.Create();
        rsa.ImportFromPem(key.GetProperty("publicKey").GetString());
        return FaceEnvelope.Seal(template, key.GetProperty("keyId").GetString()!, rsa);
    }

    /// <summary>A terminal's signed POST (docs/face-payment.md, Terminals); the answer's text, which must be a success.</summary>
    private static async Task<string> SendAsync(HttpClient client, string terminalId, RSA key, string path, string body)
    {
        using var request = FaceTerminalClient.Post(terminalId, key, path, body, DateTimeOffset.UtcNow);
        using var answer = await client.SendAsync(request, Ct);
        var text = await answer.Content.ReadAsStringAsync(Ct);
        Assert.True(answer.IsSuccessStatusCode, $"{path}: {text}");
        return text;
    }

    private static async Task OkAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        response.Dispose();
    }
}
