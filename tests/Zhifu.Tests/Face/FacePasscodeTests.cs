using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Server.Accounts;
using Zhifu.Tests.Lifecycle;
using Zhifu.Tests.Transfers;

namespace Zhifu.Tests.Face;

/// <summary>FACE-4's passcode (支付口令): set apart from the payment password, checked with its own lockout after the configured tries.</summary>
public sealed class FacePasscodeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_passcode_differs_from_the_payment_password_needs_a_code_and_locks_after_the_configured_tries()
    {
        await using var server = await TransferKit.StartAsync("--Accounts:FacePasscodeFailuresMax=3");
        var zhang = await Party.SignInAsync(server, DemoCards.ZhangSan);
        var status = await zhang.Wallet.GetFromJsonAsync<JsonElement>("/api/wallet/face", Ct);
        Assert.False(status.GetProperty("passcodeSet").GetBoolean());
        var credentials = server.Services.GetRequiredService<WalletCredentials>();
        Assert.Equal("FACE_PASSCODE_NOT_SET", (await credentials.VerifyFacePasscodeAsync(zhang.UserId, "135790", Ct))?.Code);

        Assert.Equal("WEAK_FACE_PASSCODE", await SetAsync(zhang, Party.PaymentPassword, "123456", "000000")); // a run
        Assert.Equal("FACE_PASSCODE_SAME_AS_PAYMENT_PASSWORD", await SetAsync(zhang, Party.PaymentPassword, Party.PaymentPassword, "000000"));
        Assert.Equal("BAD_PAYMENT_PASSWORD", await SetAsync(zhang, "000000", "135790", "000000"));
        Assert.Equal("OTP_INVALID", await SetAsync(zhang, Party.PaymentPassword, "135790", "000000"));
        (await zhang.Wallet.PostAsJsonAsync("/api/wallet/me/otp", new { purpose = "face-passcode" }, Ct)).EnsureSuccessStatusCode();
        var code = await LifecycleClient.LatestCodeAsync(server, DemoCards.ZhangSan.Phone);
        Assert.Null(await SetAsync(zhang, Party.PaymentPassword, "135790", code));
        Assert.True((await zhang.Wallet.GetFromJsonAsync<JsonElement>("/api/wallet/face", Ct)).GetProperty("passcodeSet").GetBoolean());

        Assert.Null(await credentials.VerifyFacePasscodeAsync(zhang.UserId, "135790", Ct));
        Assert.Equal("BAD_FACE_PASSCODE", (await credentials.VerifyFacePasscodeAsync(zhang.UserId, "111111", Ct))?.Code);
        Assert.Equal("BAD_FACE_PASSCODE", (await credentials.VerifyFacePasscodeAsync(zhang.UserId, "111112", Ct))?.Code);
        Assert.Equal("FACE_PASSCODE_LOCKED", (await credentials.VerifyFacePasscodeAsync(zhang.UserId, "111113", Ct))?.Code); // the 3rd
        Assert.Equal("FACE_PASSCODE_LOCKED", (await credentials.VerifyFacePasscodeAsync(zhang.UserId, "135790", Ct))?.Code); // even right
        Assert.Null(await credentials.VerifyPaymentPasswordAsync(zhang.UserId, Party.PaymentPassword, Ct)); // its own lock only
        server.Clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Null(await credentials.VerifyFacePasscodeAsync(zhang.UserId, "135790", Ct));
    }

    private static async Task<string?> SetAsync(Party party, string paymentPassword, string passcode, string code)
    {
        var answer = await party.Wallet.PutAsJsonAsync("/api/wallet/face/passcode", new { paymentPassword, passcode, code }, Ct);
        return answer.IsSuccessStatusCode ? null
            : JsonDocument.Parse(await answer.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("code").GetString();
    }
}
