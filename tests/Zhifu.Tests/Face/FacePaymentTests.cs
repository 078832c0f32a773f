using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Zhifu.Core.Banking;
using Zhifu.Server.Face;
using Zhifu.Tests.Lifecycle;
using Zhifu.Tests.Transfers;

namespace Zhifu.Tests.Face;

/// <summary>
/// FACE-4 end to end through real HTTP: a certified terminal of a whitelisted merchant sends a sealed probe with liveness; the
/// face finds the payer (a lookalike under the margin needs the phone's last four digits); the merchant gets only a token;
/// the passcode authorizes and the payment takes the normal path with `verify` holding; a withdrawn face no longer pays.
/// </summary>
public sealed class FacePaymentTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_face_finds_the_payer_the_passcode_authorizes_and_a_lookalike_needs_the_phone_digits()
    {
        await using var server = await TransferKit.StartAsync();
        var (terminalId, key) = await CertifiedTerminalAsync(server);
        var random = new Random(11);
        var zhangFace = FaceVectors.Unit(random);
        var liFace = FaceVectors.Toward(zhangFace, FaceVectors.Unit(random), 0.97f); // 李四 looks very like 张三
        var zhang = await EnrolAsync(server, DemoCards.ZhangSan, zhangFace, "135790");
        var li = await EnrolAsync(server, DemoCards.LiSi, liFace, "246802");
        await zhang.FundAsync(10_000);
        var client = server.Client();

        async Task<(int Status, string Text)> Identify(float[] probe, bool liveness, string? last4 = null) => await FaceTerminalTests.SendAsync(
            server, client, terminalId, key, "/api/face/terminal/identify", JsonSerializer.Serialize(new
            {
                probe = await FaceVectors.SealAsync(client, probe),
                livenessPassed = liveness, phoneLast4 = last4,
            }, JsonSerializerOptions.Web));

        var capture = FaceVectors.Toward(zhangFace, FaceVectors.Unit(random), 0.9f);
        Assert.Equal("FACE_LIVENESS_REQUIRED", Code(await Identify(capture, liveness: false)));
        Assert.Equal("FACE_NOT_FOUND", Code(await Identify(FaceVectors.Unit(random), liveness: true))); // a stranger
        Assert.Equal("FACE_PHONE_DIGITS_REQUIRED", Code(await Identify(capture, liveness: true))); // the lookalike is too close
        Assert.Equal("FACE_NOT_FOUND", Code(await Identify(capture, liveness: true, last4: "0000")));
        var identified = await Identify(capture, liveness: true, last4: DemoCards.ZhangSan.Phone[^4..]);
        Assert.Equal(200, identified.Status);
        var answer = JsonDocument.Parse(identified.Text).RootElement;
        Assert.Single(answer.EnumerateObject()); // the merchant learns a token, nothing about the person
        var token = answer.GetProperty("faceToken").GetString();

        Task<(int Status, string Text)> Pay(string passcode, string outTradeNo) => FaceTerminalTests.SendAsync(server, client, terminalId, key,
            "/api/face/terminal/pay", JsonSerializer.Serialize(new
            {
                faceToken = token, passcode, appId = "wxd678efh567hg6787", outTradeNo, description = "知付演示咖啡馆-刷脸", amountFen = 1_250,
            }, JsonSerializerOptions.Web));
        var before = (await zhang.BalanceAsync()).Balance;
        Assert.Equal("BAD_FACE_PASSCODE", Code(await Pay("246802", "FACE-0001"))); // 李四's passcode is not 张三's
        Assert.Equal(before, (await zhang.BalanceAsync()).Balance);
        var paid = await Pay("135790", "FACE-0001");
        Assert.Equal(200, paid.Status);
        var transaction = JsonDocument.Parse(paid.Text).RootElement;
        Assert.Equal("SUCCESS", transaction.GetProperty("trade_state").GetString());
        Assert.Equal("FACEPAY", transaction.GetProperty("trade_type").GetString());
        Assert.Equal(before - 1_250, (await zhang.BalanceAsync()).Balance);
        Assert.Equal("FACE_TOKEN_INVALID", Code(await Pay("135790", "FACE-0002"))); // single use
        // PAY-6: the terminal sends the same payment again (its answer was lost): the first payment's answer, no second charge
        var again = await Pay("135790", "FACE-0001");
        Assert.Equal(200, again.Status);
        Assert.Equal(transaction.GetProperty("transaction_id").GetString(),
            JsonDocument.Parse(again.Text).RootElement.GetProperty("transaction_id").GetString());
        Assert.Equal(before - 1_250, (await zhang.BalanceAsync()).Balance);

        // guessing a lookalike's digits is bounded per terminal: after 5 wrong sets in 10 minutes even the right ones wait
        for (var i = 1; i <= 4; i++)
        {
            Assert.Equal("FACE_NOT_FOUND", Code(await Identify(capture, liveness: true, last4: $"000{i}")));
        }
        Assert.Equal("FACE_TOO_MANY_ATTEMPTS", Code(await Identify(capture, liveness: true, last4: DemoCards.ZhangSan.Phone[^4..])));
        server.Clock.Advance(TimeSpan.FromMinutes(11));
        var found = await Identify(capture, liveness: true, last4: DemoCards.ZhangSan.Phone[^4..]);
        Assert.Equal(200, found.Status);

        // withdrawn faces no longer pay: after both withdraw, the same capture finds nobody, and a token issued just before
        // the withdrawal pays nothing (FACE-1: consent withdrawn is withdrawn at once)
        (await zhang.Wallet.DeleteAsync("/api/wallet/face", Ct)).EnsureSuccessStatusCode();
        (await li.Wallet.DeleteAsync("/api/wallet/face", Ct)).EnsureSuccessStatusCode();
        Assert.Equal("FACE_NOT_FOUND", Code(await Identify(capture, liveness: true, last4: DemoCards.ZhangSan.Phone[^4..])));
        token = JsonDocument.Parse(found.Text).RootElement.GetProperty("faceToken").GetString();
        var balance = (await zhang.BalanceAsync()).Balance;
        Assert.Equal("FACE_NOT_FOUND", Code(await Pay("135790", "FACE-0003")));
        Assert.Equal(balance, (await zhang.BalanceAsync()).Balance);
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task FACE5_a_terminal_disabled_while_its_payment_is_checked_takes_nothing()
    {
        await using var server = await TransferKit.StartAsync();
        var (terminalId, key) = await CertifiedTerminalAsync(server);
        var face = FaceVectors.Unit(new Random(31));
        var zhang = await EnrolAsync(server, DemoCards.ZhangSan, face, "135790");
        await zhang.FundAsync(10_000);
        var client = server.Client();
        var identified = await FaceTerminalTests.SendAsync(server, client, terminalId, key, "/api/face/terminal/identify",
            JsonSerializer.Serialize(new { probe = await FaceVectors.SealAsync(client, face), livenessPassed = true }, JsonSerializerOptions.Web));
        Assert.True(identified.Status == 200, identified.Text);
        var token = JsonDocument.Parse(identified.Text).RootElement.GetProperty("faceToken").GetString();
        Zhifu.Data.Entities.FaceTerminalRow seen; // the terminal as the payment's request authenticated it
        await using (var db = server.Database.Options.CreateContext())
        {
            seen = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
                Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AsNoTracking(db.Set<Zhifu.Data.Entities.FaceTerminalRow>()),
                t => t.TerminalId == terminalId, Ct);
        }
        using (var admin = await FaceTerminalTests.StaffAsync(server, "cafe-admin")) // lost: the merchant disables it meanwhile
        {
            Assert.Equal(204, (int)(await admin.PatchAsJsonAsync($"/api/merchant/face-terminals/{terminalId}", new { disable = true }, Ct)).StatusCode);
        }
        var before = (await zhang.BalanceAsync()).Balance;

        var (paid, refusal) = await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<FacePayments>(
            server.Services).PayAsync(seen, new FacePayRequest(token, "135790", "wxd678efh567hg6787", "FACE-STALE-01", "刷脸", 1_000), Ct);

        Assert.Null(paid);
        Assert.Equal("FACE_PAY_UNAVAILABLE", refusal?.Code);
        Assert.Equal(before, (await zhang.BalanceAsync()).Balance);
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    internal static string? Code((int Status, string Text) answer) =>
        answer.Status < 300 ? null : JsonDocument.Parse(answer.Text).RootElement.GetProperty("code").GetString();

    /// <summary>Identifies <paramref name="capture"/> at the terminal and pays with the passcode; the transaction id.</summary>
    internal static async Task<string> PayAsync(ClockedServer server, string terminalId, RSA key, float[] capture, string passcode,
        string outTradeNo, long amountFen)
    {
        var client = server.Client();
        var identified = await FaceTerminalTests.SendAsync(server, client, terminalId, key, "/api/face/terminal/identify",
            JsonSerializer.Serialize(new { probe = await FaceVectors.SealAsync(client, capture), livenessPassed = true }, JsonSerializerOptions.Web));
        Assert.True(identified.Status == 200, identified.Text);
        var token = JsonDocument.Parse(identified.Text).RootElement.GetProperty("faceToken").GetString();
        var paid = await FaceTerminalTests.SendAsync(server, client, terminalId, key, "/api/face/terminal/pay", JsonSerializer.Serialize(new
        {
            faceToken = token, passcode, appId = "wxd678efh567hg6787", outTradeNo, description = "知付演示咖啡馆-刷脸", amountFen,
        }, JsonSerializerOptions.Web));
        Assert.True(paid.Status == 200, paid.Text);
        return JsonDocument.Parse(paid.Text).RootElement.GetProperty("transaction_id").GetString()!;
    }

    internal static async Task<(string TerminalId, RSA Key)> CertifiedTerminalAsync(ClockedServer server)
    {
        using var admin = await FaceTerminalTests.StaffAsync(server, "cafe-admin");
        var key = RSA.Create(2048);
        var registered = await admin.PostAsJsonAsync("/api/merchant/face-terminals", new
        {
            storeName = "国贸店", model = "ZF-FP1", publicKeyPem = key.ExportSubjectPublicKeyInfoPem(), certLab = "银行卡检测中心",
            certNumber = "BCTC-2026-0002", certExpiresOn = "2099-12-31",
        }, Ct);
        var terminalId = (await registered.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("terminalId").GetString()!;
        using (var risk = await LifecycleClient.OperatorAsync(server, "risk"))
        {
            (await risk.PostAsJsonAsync($"/api/ops/face-terminals/{terminalId}/certify", new { note = "ok" }, Ct)).EnsureSuccessStatusCode();
        }
        using (var operations = await LifecycleClient.OperatorAsync(server, "operations"))
        {
            (await operations.PutAsJsonAsync("/api/ops/merchants/1230000109/terms", new { facePayEligible = true }, Ct)).EnsureSuccessStatusCode();
        }
        return (terminalId, key);
    }

    /// <summary>Consent, a sealed template and a passcode for one demo person.</summary>
    internal static async Task<Party> EnrolAsync(ClockedServer server, DemoPerson person, float[] face, string passcode)
    {
        var party = await Party.SignInAsync(server, person);
        (await party.Wallet.PostAsJsonAsync("/api/wallet/face/consent", new { accept = true, paymentPassword = Party.PaymentPassword }, Ct))
            .EnsureSuccessStatusCode();
        (await party.Wallet.PostAsJsonAsync("/api/wallet/face/enrol", await FaceVectors.SealAsync(server.Client(), face), Ct))
            .EnsureSuccessStatusCode();
        server.Clock.Advance(TimeSpan.FromSeconds(61)); // one SMS code a minute per purpose
        (await party.Wallet.PostAsJsonAsync("/api/wallet/me/otp", new { purpose = "face-passcode" }, Ct)).EnsureSuccessStatusCode();
        var code = await LifecycleClient.LatestCodeAsync(server, person.Phone);
        (await party.Wallet.PutAsJsonAsync("/api/wallet/face/passcode", new { paymentPassword = Party.PaymentPassword, passcode, code }, Ct))
            .EnsureSuccessStatusCode();
        return party;
    }
}
