using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Data.Entities;
using Zhifu.Server.Notifications;
using Zhifu.Tests.Infrastructure;
using Zhifu.Tests.Lifecycle;
using Zhifu.Tests.RealName;

namespace Zhifu.Tests.Accounts;

/// <summary>
/// ACC-7 找回登录密码: a forgotten login password is reset without a session by a code to the bound phone (and the holder's ID
/// number for a real-name wallet); ACC-6: not while the holder's loss freeze stands.
/// </summary>
public sealed class LoginPasswordResetTests(RealNameServerFixture fixture) : IClassFixture<RealNameServerFixture>
{
    private const string Reset = "/api/wallet/login-password/reset";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ZhifuTestServer Server => fixture.Server;

    [Fact]
    public async Task ACC7_a_forgotten_login_password_is_reset_with_a_code_to_the_phone_which_ends_every_session_and_the_lockout()
    {
        var phone = TestHolder.NewPhone();
        using var wallet = await WalletClient.OpenAsync(Server, phone, "Old1password");
        using var anonymous = Server.Client();
        for (var i = 0; i < 5; i++)
        {
            await WalletClient.LoginAsync(anonymous, phone, "Wrong1password");
        }
        await Hosting.OperatorApiTests.AssertProblemAsync(await WalletClient.LoginAsync(anonymous, phone, "Old1password"), 423, "LOGIN_LOCKED");

        var userId = (await wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me", Ct)).GetProperty("userId").GetGuid();
        await using (var db = Server.Database.Options.CreateContext())
        {
            // as a wallet opened at a counter or by SMS command, with an initial password to change
            await db.Set<UserRow>().Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.MustChangeLoginPassword, true), Ct);
        }

        var code = await ResetCodeAsync(anonymous, phone);
        var wrong = code == "000000" ? "111111" : "000000";
        await anonymous.RefusedAsync(Reset, new { phone, otp = code, newPassword = "short" }, 400, "WEAK_LOGIN_PASSWORD");
        await anonymous.RefusedAsync(Reset, new { phone, otp = wrong, newPassword = "New1password" }, 400, "OTP_INVALID");
        await anonymous.RefusedAsync(Reset, new { phone = "1380013800", otp = code, newPassword = "New1password" }, 400, "INVALID_PHONE");
        Assert.Equal(HttpStatusCode.NoContent,
            (await anonymous.PostAsJsonAsync(Reset, new { phone, otp = code, newPassword = "New1password" }, Ct)).StatusCode);
        await anonymous.RefusedAsync(Reset, new { phone, otp = code, newPassword = "Other1password" }, 400, "OTP_INVALID"); // single use

        await using (var db = Server.Database.Options.CreateContext())
        {
            var stored = await db.Set<UserRow>().AsNoTracking().SingleAsync(u => u.Id == userId, Ct);
            Assert.StartsWith("$argon2id$", stored.LoginPasswordHash, StringComparison.Ordinal);
            Assert.Equal((0, null, false), (stored.FailedLogins, stored.LoginLockedUntil, stored.MustChangeLoginPassword)); // lockout over
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await wallet.GetAsync("/api/wallet/me", Ct)).StatusCode); // the old session ended
        await Hosting.OperatorApiTests.AssertProblemAsync(await WalletClient.LoginAsync(anonymous, phone, "Old1password"), 401, "BAD_CREDENTIALS");
        using var signedIn = await WalletClient.SignInAsync(Server, phone, "New1password");
        Assert.False((await signedIn.GetFromJsonAsync<JsonElement>("/api/wallet/me", Ct)).GetProperty("mustChangeLoginPassword").GetBoolean());

        var texts = await Server.Services.GetRequiredService<SmsOutbox>().ReadAsync(phone, 1, Ct);
        Assert.Equal("account", texts[0].Kind);
        Assert.Contains("登录密码已通过短信验证码重置", texts[0].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACC7_a_phone_without_a_wallet_is_told_so_and_the_purpose_is_not_for_sessions()
    {
        var phone = TestHolder.NewPhone();
        using var anonymous = Server.Client();
        await anonymous.RefusedAsync("/api/wallet/otp", new { phone, purpose = "reset-login-password" }, 404, "PHONE_HAS_NO_WALLET");
        Assert.Empty(await Server.Services.GetRequiredService<SmsOutbox>().ReadAsync(phone, 5, Ct));
        await anonymous.RefusedAsync(Reset, new { phone, otp = "305917", newPassword = "New1password" }, 404, "PHONE_HAS_NO_WALLET");
        await anonymous.RefusedAsync("/api/wallet/otp", new { phone = "123", purpose = "reset-login-password" }, 400, "INVALID_PHONE");

        var holderPhone = TestHolder.NewPhone();
        using var wallet = await WalletClient.OpenAsync(Server, holderPhone);
        await wallet.RefusedAsync("/api/wallet/me/otp", new { purpose = "reset-login-password" }, 400, "INVALID_PURPOSE");
    }

    [Fact]
    public async Task ACC7_a_real_name_wallet_also_needs_the_holders_own_ID_number_and_each_try_spends_the_code()
    {
        var holder = TestHolder.New();
        using var _ = (await RealNameKit.VerifiedWalletAsync(Server, holder, "ICBC")).Client;
        using var anonymous = Server.Client();
        var phone = holder.Phone;

        var code = await ResetCodeAsync(anonymous, phone);
        await anonymous.RefusedAsync(Reset, new { phone, otp = code, idNumber = "12345", newPassword = "New1password" }, 400, "INVALID_ID_NUMBER");
        await anonymous.RefusedAsync(Reset, new { phone, otp = code, newPassword = "New1password" }, 400, "ID_NUMBER_REQUIRED");
        await anonymous.RefusedAsync(Reset, new { phone, otp = code, idNumber = holder.IdNumber, newPassword = "New1password" },
            400, "OTP_INVALID"); // the code went with the try

        code = await ResetCodeAsync(anonymous, phone);
        await anonymous.RefusedAsync(Reset, new { phone, otp = code, idNumber = TestHolder.New().IdNumber, newPassword = "New1password" },
            403, "ID_NUMBER_MISMATCH");
        using var stillOld = await WalletClient.SignInAsync(Server, phone, "Passw0rd!x"); // nothing changed

        code = await ResetCodeAsync(anonymous, phone);
        Assert.Equal(HttpStatusCode.NoContent, (await anonymous.PostAsJsonAsync(Reset,
            new { phone, otp = code, idNumber = " " + holder.IdNumber.ToLowerInvariant() + " ", newPassword = "New1password" }, Ct)).StatusCode);
        using var signedIn = await WalletClient.SignInAsync(Server, phone, "New1password");

        // three reset codes a day, so three guesses at the ID number; the holder's own codes have a budget of their own
        await anonymous.RefusedAsync("/api/wallet/otp", new { phone, purpose = "reset-login-password" }, 429, "OTP_RATE_LIMITED");
        Assert.Equal(HttpStatusCode.Accepted,
            (await signedIn.PostAsJsonAsync("/api/wallet/me/otp", new { purpose = "payment-password" }, Ct)).StatusCode);
    }

    [Fact]
    public async Task ACC7_ACC6_a_wallet_without_real_name_but_with_a_payment_password_also_needs_that_password()
    {
        // A recycled number's new holder gets the codes but not the payment password of the wallet the number used to open.
        var phone = TestHolder.NewPhone();
        using var wallet = await WalletClient.OpenAsync(Server, phone, "Old1password");
        await RealNameKit.SetPaymentPasswordAsync(Server, wallet, phone);
        using var anonymous = Server.Client();

        var code = await ResetCodeAsync(anonymous, phone);
        await anonymous.RefusedAsync(Reset, new { phone, otp = code, newPassword = "New1password" }, 400, "PAYMENT_PASSWORD_REQUIRED");
        code = await ResetCodeAsync(anonymous, phone);
        await anonymous.RefusedAsync(Reset, new { phone, otp = code, paymentPassword = "000000", newPassword = "New1password" },
            401, "BAD_PAYMENT_PASSWORD");
        await Hosting.OperatorApiTests.AssertProblemAsync(await WalletClient.LoginAsync(anonymous, phone, "New1password"), 401, "BAD_CREDENTIALS");
        code = await ResetCodeAsync(anonymous, phone);
        Assert.Equal(HttpStatusCode.NoContent, (await anonymous.PostAsJsonAsync(Reset,
            new { phone, otp = code, paymentPassword = RealNameKit.PaymentPassword, newPassword = "New1password" }, Ct)).StatusCode);
        using var signedIn = await WalletClient.SignInAsync(Server, phone, "New1password");
    }

    [Fact]
    public async Task ACC6_no_reset_by_a_code_to_the_phone_while_the_holders_loss_freeze_stands()
    {
        var phone = TestHolder.NewPhone();
        using var wallet = await WalletClient.OpenAsync(Server, phone, "Old1password");
        Assert.Equal(HttpStatusCode.OK, (await wallet.PostAsync("/api/wallet/me/freeze", null, Ct)).StatusCode);
        using var anonymous = Server.Client();
        var code = await ResetCodeAsync(anonymous, phone);
        var wrong = code == "000000" ? "111111" : "000000";
        // a stranger with a wrong code learns nothing of the freeze: the code is checked first
        await anonymous.RefusedAsync(Reset, new { phone, otp = wrong, newPassword = "New1password" }, 400, "OTP_INVALID");
        await anonymous.RefusedAsync(Reset, new { phone, otp = code, newPassword = "New1password" }, 409, "CREDENTIALS_FROZEN");
        await Hosting.OperatorApiTests.AssertProblemAsync(await WalletClient.LoginAsync(anonymous, phone, "New1password"), 401, "BAD_CREDENTIALS");
        using var holder = await WalletClient.SignInAsync(Server, phone, "Old1password"); // the holder signs in to unfreeze
    }

    private async Task<string> ResetCodeAsync(HttpClient client, string phone)
    {
        Assert.Equal(HttpStatusCode.Accepted,
            (await client.PostAsJsonAsync("/api/wallet/otp", new { phone, purpose = "reset-login-password" }, Ct)).StatusCode);
        return await WalletClient.LatestCodeAsync(Server, phone);
    }
}
