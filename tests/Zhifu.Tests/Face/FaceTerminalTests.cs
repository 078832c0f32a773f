using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Zhifu.Server.Face;
using Zhifu.Tests.Infrastructure;
using Zhifu.Tests.Lifecycle;
using Zhifu.Tests.Risk;
using Zhifu.Tests.Transfers;

namespace Zhifu.Tests.Face;

/// <summary>
/// FACE-5 terminals through real HTTP: registered by the merchant's admin, certified by risk (audited), accepted only while
/// certified, enabled, unexpired and whitelisted, with every request signed by the terminal's own key — a new key needs a new
/// certification.
/// </summary>
public sealed class FaceTerminalTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Only_a_certified_enabled_unexpired_terminal_of_a_whitelisted_merchant_signing_with_its_key_is_accepted()
    {
        await using var server = await TransferKit.StartAsync();
        using var admin = await StaffAsync(server, "cafe-admin");
        using var cashier = await StaffAsync(server, "cafe-cashier");
        using var key = RSA.Create(2048);
        var expires = DateOnly.FromDateTime(server.Clock.UtcNow.UtcDateTime).AddDays(30);
        object Registration(string pem, DateOnly until) => new
        {
            storeName = "国贸店", model = "ZF-FP1", publicKeyPem = pem, certLab = "银行卡检测中心", certNumber = "BCTC-2026-0001",
            certExpiresOn = until.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        };
        Assert.Equal(403, (int)(await cashier.PostAsJsonAsync("/api/merchant/face-terminals", Registration(key.ExportSubjectPublicKeyInfoPem(), expires), Ct)).StatusCode);
        Assert.Equal("publicKeyPem", await FieldAsync(await admin.PostAsJsonAsync("/api/merchant/face-terminals", Registration("not a key", expires), Ct)));
        // the terminal's private key pasted by mistake is refused, not stored
        Assert.Equal("publicKeyPem", await FieldAsync(await admin.PostAsJsonAsync("/api/merchant/face-terminals",
            Registration(key.ExportPkcs8PrivateKeyPem(), expires), Ct)));
        Assert.Equal("certExpiresOn", await FieldAsync(await admin.PostAsJsonAsync("/api/merchant/face-terminals",
            Registration(key.ExportSubjectPublicKeyInfoPem(), expires.AddDays(-60)), Ct)));
        var registered = await admin.PostAsJsonAsync("/api/merchant/face-terminals", Registration(key.ExportSubjectPublicKeyInfoPem(), expires), Ct);
        Assert.Equal(201, (int)registered.StatusCode);
        var terminalId = (await registered.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("terminalId").GetString()!;

        var terminal = server.Client();
        Assert.Equal("TERMINAL_NOT_CERTIFIED", await HelloAsync(server, terminal, terminalId, key));
        using (var risk = await LifecycleClient.OperatorAsync(server, "risk"))
        {
            // a review says why, 2–200 characters; without one nothing changes
            var certify = $"/api/ops/face-terminals/{terminalId}/certify";
            Assert.Equal("note", await FieldAsync(await risk.PostAsJsonAsync(certify, new { note = " " }, Ct)));
            Assert.Equal("note", await FieldAsync(await risk.PostAsJsonAsync(certify, new { }, Ct)));
            Assert.Equal("TERMINAL_NOT_CERTIFIED", await HelloAsync(server, terminal, terminalId, key));
            Assert.Equal(204, (int)(await risk.PostAsJsonAsync($"/api/ops/face-terminals/{terminalId}/certify", new { note = "型号认证有效" }, Ct)).StatusCode);
            Assert.Equal(409, (int)(await risk.PostAsJsonAsync($"/api/ops/face-terminals/{terminalId}/certify", new { note = "again" }, Ct)).StatusCode);
        }
        Assert.Contains("face-terminal.certify", await RiskKit.AuditActionsAsync(server));
        Assert.Equal("MERCHANT_NOT_FACE_PAY_ELIGIBLE", await HelloAsync(server, terminal, terminalId, key)); // not on the whitelist yet
        using (var operations = await LifecycleClient.OperatorAsync(server, "operations"))
        {
            (await operations.PutAsJsonAsync("/api/ops/merchants/1230000109/terms", new { facePayEligible = true }, Ct)).EnsureSuccessStatusCode();
        }
        Assert.Null(await HelloAsync(server, terminal, terminalId, key));

        // the signature: another key, an old time, a nonce used before are all refused
        using var stranger = RSA.Create(2048);
        Assert.Equal("TERMINAL_SIGNATURE_INVALID", await HelloAsync(server, terminal, terminalId, stranger));
        Assert.Equal("TERMINAL_TIMESTAMP_EXPIRED", await HelloAsync(server, terminal, terminalId, key, skew: TimeSpan.FromMinutes(-6)));
        Assert.Null(await HelloAsync(server, terminal, terminalId, key, nonce: "nonce-0000001"));
        Assert.Equal("TERMINAL_NONCE_REUSED", await HelloAsync(server, terminal, terminalId, key, nonce: "nonce-0000001"));

        // moved to another store and given a new key: the old key stops working at once, and the new one is not trusted until
        // risk certifies the terminal again (the certification vouches for the device holding the key); the change is audited
        using var rotated = RSA.Create(2048);
        Assert.Equal("publicKeyPem", await FieldAsync(await admin.PatchAsJsonAsync($"/api/merchant/face-terminals/{terminalId}",
            new { publicKeyPem = rotated.ExportRSAPrivateKeyPem() }, Ct)));
        Assert.Null(await HelloAsync(server, terminal, terminalId, key)); // nothing changed by the refused key
        Assert.Equal(204, (int)(await admin.PatchAsJsonAsync($"/api/merchant/face-terminals/{terminalId}",
            new { storeName = "望京店", publicKeyPem = rotated.ExportSubjectPublicKeyInfoPem() }, Ct)).StatusCode);
        Assert.Equal("TERMINAL_SIGNATURE_INVALID", await HelloAsync(server, terminal, terminalId, key));
        Assert.Equal("TERMINAL_NOT_CERTIFIED", await HelloAsync(server, terminal, terminalId, rotated));
        Assert.Contains("face-terminal.change", await RiskKit.AuditActionsAsync(server));
        using (var risk = await LifecycleClient.OperatorAsync(server, "risk"))
        {
            Assert.Equal(204, (int)(await risk.PostAsJsonAsync($"/api/ops/face-terminals/{terminalId}/certify", new { note = "新密钥在认证设备内" }, Ct)).StatusCode);
        }
        Assert.Equal("TERMINAL_SIGNATURE_INVALID", await HelloAsync(server, terminal, terminalId, key));
        Assert.Null(await HelloAsync(server, terminal, terminalId, rotated));

        // an expired certification, then a disabled terminal, are refused
        server.Clock.Advance(TimeSpan.FromDays(32));
        Assert.Equal("TERMINAL_CERTIFICATE_EXPIRED", await HelloAsync(server, terminal, terminalId, rotated));
        Assert.Equal(204, (int)(await admin.PatchAsJsonAsync($"/api/merchant/face-terminals/{terminalId}", new { disable = true }, Ct)).StatusCode);
        Assert.Equal("TERMINAL_DISABLED", await HelloAsync(server, terminal, terminalId, rotated));

        // enabled again (FACE-5): back to pending, certified again before it takes anything; only a disabled one can be
        var enable = $"/api/merchant/face-terminals/{terminalId}";
        Assert.Equal(204, (int)(await admin.PatchAsJsonAsync(enable, new { enable = true }, Ct)).StatusCode);
        Assert.Equal("TERMINAL_NOT_CERTIFIED", await HelloAsync(server, terminal, terminalId, rotated));
        var again = await admin.PatchAsJsonAsync(enable, new { enable = true }, Ct);
        Assert.Equal(409, (int)again.StatusCode);
        Assert.Equal("FACE_TERMINAL_NOT_DISABLED", JsonDocument.Parse(await again.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("code").GetString());
        Assert.Contains("face-terminal.enable", await RiskKit.AuditActionsAsync(server));
    }

    /// <summary>What a terminal sends: POST /api/face/terminal/hello signed with its key; null when accepted, else the code.</summary>
    private static async Task<string?> HelloAsync(ClockedServer server, HttpClient client, string terminalId, RSA key, TimeSpan? skew = null,
        string? nonce = null)
    {
        var (status, text) = await SendAsync(server, client, terminalId, key, "/api/face/terminal/hello", "{}", skew, nonce);
        return status < 300 ? null : JsonDocument.Parse(text).RootElement.GetProperty("code").GetString();
    }

    /// <summary>A terminal's signed POST; the status and the answer's text.</summary>
    internal static async Task<(int Status, string Text)> SendAsync(ClockedServer server, HttpClient client, string terminalId, RSA key,
        string path, string body, TimeSpan? skew = null, string? nonce = null)
    {
        using var request = FaceTerminalClient.Post(terminalId, key, path, body, server.Clock.UtcNow + (skew ?? TimeSpan.Zero), nonce);
        using var answer = await client.SendAsync(request, Ct);
        return ((int)answer.StatusCode, await answer.Content.ReadAsStringAsync(Ct));
    }

    internal static async Task<HttpClient> StaffAsync(ClockedServer server, string username)
    {
        var client = server.Client();
        (await MerchantStaffSignIn.LoginAsync(client, username, "Shop@2026", Ct)).EnsureSuccessStatusCode();
        return client;
    }

    private static async Task<string?> FieldAsync(HttpResponseMessage response)
    {
        Assert.Equal(400, (int)response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("field").GetString();
    }
}
