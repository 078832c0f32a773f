using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Zhifu.Data.Entities;
using Zhifu.Tests.Hosting;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.Tests.Accounts;

/// <summary>ACC-7: passwords, lockout, one-time codes; ACC-6: change of phone; ACC-8: stored only as hashes and ciphertext.</summary>
public sealed class WalletCredentialTests : IAsyncLifetime
{
    private ZhifuTestServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await ZhifuTestServer.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Wrong_login_passwords_lock_sign_in_even_for_the_right_password()
    {
        using var _ = await WalletClient.OpenAsync(_server, "13600000001", "Right1password");
        using var client = _server.Client();
        for (var i = 0; i < 4; i++)
        {
            await OperatorApiTests.AssertProblemAsync(await WalletClient.LoginAsync(client, "13600000001", "Wrong1password"), 401, "BAD_CREDENTIALS");
        }
        await OperatorApiTests.AssertProblemAsync(await WalletClient.LoginAsync(client, "13600000001", "Wrong1password"), 423, "LOGIN_LOCKED");
        await OperatorApiTests.AssertProblemAsync(await WalletClient.LoginAsync(client, "13600000001", "Right1password"), 423, "LOGIN_LOCKED");
        // An unknown phone answers like a wrong password: no probing for who has a wallet.
        await OperatorApiTests.AssertProblemAsync(await WalletClient.LoginAsync(client, "13600000999", "Right1password"), 401, "BAD_CREDENTIALS");
    }

    [Fact]
    public async Task Payment_password_is_set_with_a_one_time_code_that_works_once()
    {
        using var wallet = await WalletClient.OpenAsync(_server, "13600000002");
        (await wallet.PostAsJsonAsync("/api/wallet/me/otp", new { purpose = "payment-password" }, Ct)).EnsureSuccessStatusCode();
        var code = await WalletClient.LatestCodeAsync(_server, "13600000002");

        await OperatorApiTests.AssertProblemAsync(await wallet.PostAsJsonAsync("/api/wallet/me/payment-password",
            new { otp = code, paymentPassword = "123456" }, Ct), 400, "WEAK_PAYMENT_PASSWORD");
        await OperatorApiTests.AssertProblemAsync(await wallet.PostAsJsonAsync("/api/wallet/me/payment-password",
            new { otp = code, paymentPassword = "88888" }, Ct), 400, "WEAK_PAYMENT_PASSWORD");
        Assert.Equal(HttpStatusCode.NoContent, (await wallet.PostAsJsonAsync("/api/wallet/me/payment-password",
            new { otp = code, paymentPassword = "305917" }, Ct)).StatusCode);
        await OperatorApiTests.AssertProblemAsync(await wallet.PostAsJsonAsync("/api/wallet/me/payment-password",
            new { otp = code, paymentPassword = "305918" }, Ct), 400, "OTP_INVALID"); // single use

        var me = await wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me", Ct);
        Assert.True(me.GetProperty("paymentPasswordSet").GetBoolean());
        await using var db = _server.Database.Options.CreateContext();
        var stored = await db.Set<UserRow>().AsNoTracking().SingleAsync(u => u.Id == me.GetProperty("userId").GetGuid(), Ct);
        Assert.StartsWith("$argon2id$", stored.PaymentPasswordHash, StringComparison.Ordinal);
        Assert.DoesNotContain("305917", stored.PaymentPasswordHash, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_time_codes_are_rate_limited_and_die_after_too_many_wrong_tries()
    {
        using var client = _server.Client();
        const string phone = "13600000003";
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/api/wallet/otp", new { phone, purpose = "open-account" }, Ct)).StatusCode);
        await OperatorApiTests.AssertProblemAsync(
            await client.PostAsJsonAsync("/api/wallet/otp", new { phone, purpose = "open-account" }, Ct), 429, "OTP_RATE_LIMITED");
        await OperatorApiTests.AssertProblemAsync(
            await client.PostAsJsonAsync("/api/wallet/otp", new { phone, purpose = "login-password" }, Ct), 400, "INVALID_PURPOSE");
        var code = await WalletClient.LatestCodeAsync(_server, phone);
        var wrong = code == "000000" ? "111111" : "000000";
        var body = new { phone, otp = wrong, loginPassword = "Passw0rd!x", agreementVersion = "2026-11", acceptAgreement = true };
        for (var i = 0; i < 5; i++)
        {
            await OperatorApiTests.AssertProblemAsync(await client.PostAsJsonAsync("/api/wallet/accounts", body, Ct), 400, "OTP_INVALID");
        }
        // Five wrong tries spend the code: even the right one no longer opens the wallet.
        await OperatorApiTests.AssertProblemAsync(await client.PostAsJsonAsync("/api/wallet/accounts", body with { otp = code }, Ct), 400, "OTP_INVALID");
    }

    [Fact]
    public async Task Changing_the_login_password_needs_a_code_and_ends_every_session()
    {
        using var wallet = await WalletClient.OpenAsync(_server, "13600000004", "First1password");
        using var other = await WalletClient.SignInAsync(_server, "13600000004", "First1password");
        await OperatorApiTests.AssertProblemAsync(await wallet.PostAsJsonAsync("/api/wallet/me/login-password",
            new { otp = "123456", newPassword = "Second2password" }, Ct), 400, "OTP_INVALID");
        (await wallet.PostAsJsonAsync("/api/wallet/me/otp", new { purpose = "login-password" }, Ct)).EnsureSuccessStatusCode();
        var code = await WalletClient.LatestCodeAsync(_server, "13600000004");
        Assert.Equal(HttpStatusCode.NoContent, (await wallet.PostAsJsonAsync("/api/wallet/me/login-password",
            new { otp = code, newPassword = "Second2password" }, Ct)).StatusCode);

        await OperatorApiTests.AssertProblemAsync(await other.GetAsync("/api/wallet/me", Ct), 401, "SIGN_IN_REQUIRED");
        await OperatorApiTests.AssertProblemAsync(await WalletClient.LoginAsync(_server.Client(), "13600000004", "First1password"), 401, "BAD_CREDENTIALS");
        using var _ = await WalletClient.SignInAsync(_server, "13600000004", "Second2password");
    }

    [Fact]
    public async Task Changing_the_phone_needs_codes_to_both_numbers_and_moves_the_wallet()
    {
        using var wallet = await WalletClient.OpenAsync(_server, "13600000005", "Phone1password");
        (await wallet.PostAsJsonAsync("/api/wallet/me/otp", new { purpose = "change-phone" }, Ct)).EnsureSuccessStatusCode();
        (await wallet.PostAsJsonAsync("/api/wallet/me/otp", new { purpose = "bind-phone", phone = "13600000006" }, Ct)).EnsureSuccessStatusCode();
        var current = await WalletClient.LatestCodeAsync(_server, "13600000005");
        var fresh = await WalletClient.LatestCodeAsync(_server, "13600000006");
        var wrong = current == "000000" ? "111111" : "000000";
        await OperatorApiTests.AssertProblemAsync(await wallet.PostAsJsonAsync("/api/wallet/me/phone",
            new { currentOtp = wrong, newPhone = "13600000006", newOtp = fresh }, Ct), 400, "OTP_INVALID");
        Assert.Equal(HttpStatusCode.NoContent, (await wallet.PostAsJsonAsync("/api/wallet/me/phone",
            new { currentOtp = current, newPhone = "13600000006", newOtp = fresh }, Ct)).StatusCode);

        var me = await wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me", Ct);
        Assert.Equal("136****0006", me.GetProperty("phone").GetString());
        using var _ = await WalletClient.SignInAsync(_server, "13600000006", "Phone1password");
        await OperatorApiTests.AssertProblemAsync(await WalletClient.LoginAsync(_server.Client(), "13600000005", "Phone1password"), 401, "BAD_CREDENTIALS");
    }

    [Fact]
    public async Task Wallet_routes_need_a_session_and_refuse_bad_input()
    {
        using var anonymous = _server.Client();
        await OperatorApiTests.AssertProblemAsync(await anonymous.GetAsync("/api/wallet/me", Ct), 401, "SIGN_IN_REQUIRED");
        WalletClient.Authorize(anonymous, "not-a-real-token-but-long-enough");
        await OperatorApiTests.AssertProblemAsync(await anonymous.GetAsync("/api/wallet/me", Ct), 401, "SIGN_IN_REQUIRED");
        using var wallet = await WalletClient.OpenAsync(_server, "13600000007");
        await OperatorApiTests.AssertProblemAsync(await wallet.PostAsJsonAsync("/api/wallet/me/otp", new { purpose = "launch" }, Ct), 400, "INVALID_PURPOSE");
        await OperatorApiTests.AssertProblemAsync(await wallet.PostAsJsonAsync("/api/wallet/me/phone",
            new { newPhone = "999" }, Ct), 400, "INVALID_PHONE");
        await OperatorApiTests.AssertProblemAsync(await wallet.PostAsync("/api/wallet/me/payment-password",
            new StringContent("{\"otp\": {}}", System.Text.Encoding.UTF8, "application/json"), Ct), 400, "INVALID_REQUEST");
        await OperatorApiTests.AssertProblemAsync(await wallet.PostAsync("/api/wallet/me/payment-password",
            new StringContent("[" + new string('1', 100_000) + "]", System.Text.Encoding.UTF8, "application/json"), Ct), 413, "PAYLOAD_TOO_LARGE");
        Assert.Equal(HttpStatusCode.NoContent, (await wallet.DeleteAsync("/api/wallet/me/session", Ct)).StatusCode);
        await OperatorApiTests.AssertProblemAsync(await wallet.GetAsync("/api/wallet/me", Ct), 401, "SIGN_IN_REQUIRED");
    }
}
