using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Data.Entities;
using Zhifu.Server.Notifications;
using Zhifu.Tests.Hosting;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.Tests.Accounts;

/// <summary>ACC-1 (one wallet per phone, every opening channel, the agreement recorded) and ACC-3 (batch opening refused).</summary>
public sealed class WalletOpeningTests : IAsyncLifetime
{
    private ZhifuTestServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await ZhifuTestServer.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Self_service_opening_records_the_agreement_and_allows_one_wallet_per_phone()
    {
        using var wallet = await WalletClient.OpenAsync(_server, "13700000001");
        var me = await wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me", Ct);
        Assert.Equal("137****0001", me.GetProperty("phone").GetString());
        Assert.Equal("app", me.GetProperty("openedVia").GetString());
        Assert.Equal("2026-11", me.GetProperty("agreementVersion").GetString());
        Assert.Equal(0, me.GetProperty("accountClass").GetInt32());

        using var again = _server.Client();
        var second = await again.PostAsJsonAsync("/api/wallet/otp", new { phone = "13700000001", purpose = "open-account" }, Ct);
        await OperatorApiTests.AssertProblemAsync(second, 409, "PHONE_ALREADY_HAS_WALLET");
    }

    [Fact]
    public async Task Opening_without_accepting_the_agreement_or_with_a_wrong_code_writes_nothing()
    {
        using var client = _server.Client();
        const string phone = "13700000002";
        await client.PostAsJsonAsync("/api/wallet/otp", new { phone, purpose = "open-account" }, Ct);
        var code = await WalletClient.LatestCodeAsync(_server, phone);
        var body = new { phone, otp = code, loginPassword = "Passw0rd!x", agreementVersion = "2026-11", acceptAgreement = false };
        await OperatorApiTests.AssertProblemAsync(await client.PostAsJsonAsync("/api/wallet/accounts", body, Ct), 400, "AGREEMENT_NOT_ACCEPTED");
        await OperatorApiTests.AssertProblemAsync(await client.PostAsJsonAsync("/api/wallet/accounts",
            body with { acceptAgreement = true, agreementVersion = "2019-01" }, Ct), 400, "AGREEMENT_VERSION_OUTDATED");
        await OperatorApiTests.AssertProblemAsync(await client.PostAsJsonAsync("/api/wallet/accounts",
            body with { acceptAgreement = true, loginPassword = "short" }, Ct), 400, "WEAK_LOGIN_PASSWORD");
        var wrong = code == "000000" ? "111111" : "000000";
        await OperatorApiTests.AssertProblemAsync(await client.PostAsJsonAsync("/api/wallet/accounts",
            body with { acceptAgreement = true, otp = wrong }, Ct), 400, "OTP_INVALID");
        await OperatorApiTests.AssertProblemAsync(await client.PostAsJsonAsync("/api/wallet/accounts",
            new { phone = "12345", otp = code }, Ct), 400, "INVALID_PHONE");
        await OperatorApiTests.AssertProblemAsync(await client.PostAsync("/api/wallet/accounts",
            new StringContent("{\"phone\": [1,2]}", System.Text.Encoding.UTF8, "application/json"), Ct), 400, "INVALID_REQUEST");
        await using var db = _server.Database.Options.CreateContext();
        Assert.Equal(3, await db.Set<UserRow>().CountAsync(Ct)); // the demo world's three, nothing more
    }

    [Fact]
    public async Task Opening_by_SMS_command_needs_KT_then_A_and_forces_the_initial_password_change()
    {
        const string phone = "13700000003";
        using var gateway = _server.Client();
        (await gateway.PostAsJsonAsync("/api/sms/inbound", new { from = phone, text = "A" }, Ct)).EnsureSuccessStatusCode();
        Assert.Null(await FindUserAsync(phone)); // "A" without "KT" opens nothing
        (await gateway.PostAsJsonAsync("/api/sms/inbound", new { from = phone, text = "kt" }, Ct)).EnsureSuccessStatusCode();
        var texts = await _server.Services.GetRequiredService<SmsOutbox>().ReadAsync(phone, 5, Ct);
        Assert.Contains("回复 A", texts[0].Body, StringComparison.Ordinal);
        Assert.Contains("2026-11", texts[0].Body, StringComparison.Ordinal);
        (await gateway.PostAsJsonAsync("/api/sms/inbound", new { from = phone, text = "A" }, Ct)).EnsureSuccessStatusCode();

        var user = await FindUserAsync(phone);
        Assert.NotNull(user);
        Assert.Equal("sms", user.OpenedVia);
        Assert.True(user.MustChangeLoginPassword);
        var reply = (await _server.Services.GetRequiredService<SmsOutbox>().ReadAsync(phone, 1, Ct))[0].Body;
        var initial = System.Text.RegularExpressions.Regex.Match(reply, "初始登录密码 ([a-z0-9]+)").Groups[1].Value;
        var login = await WalletClient.LoginAsync(_server.Client(), phone, initial);
        var session = await login.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(session.GetProperty("mustChangeLoginPassword").GetBoolean()); // ACC-7: initial password must be changed
    }

    [Fact]
    public async Task Operator_assisted_opening_is_audited_and_sends_the_initial_password_to_the_holder()
    {
        using var service = _server.Client();
        (await service.PostAsJsonAsync("/api/ops/auth/login", new { username = "service", password = "Zhifu@2026" }, Ct)).EnsureSuccessStatusCode();
        var opened = await service.PostAsJsonAsync("/api/ops/accounts", new { phone = "13700000004", holderAcceptedAgreement = true, ticket = "BH-2026-0001" }, Ct);
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        Assert.Equal("counter", (await FindUserAsync("13700000004"))!.OpenedVia);
        var texts = await _server.Services.GetRequiredService<SmsOutbox>().ReadAsync("13700000004", 1, Ct);
        Assert.Contains("初始登录密码", texts[0].Body, StringComparison.Ordinal);

        await using var db = _server.Database.Options.CreateContext();
        var entry = await db.Set<AuditRow>().OrderByDescending(a => a.Sequence).FirstAsync(Ct);
        Assert.Equal(("service", "account.open-assisted"), (entry.Actor, entry.Action));
        Assert.Contains("137****0004", entry.Details, StringComparison.Ordinal);
        Assert.DoesNotContain("13700000004", entry.Details, StringComparison.Ordinal);
        var (_, broken) = await _server.Services.GetRequiredService<Zhifu.Server.Security.AuditLog>().VerifyAsync(Ct);
        Assert.Null(broken);

        using var finance = _server.Client();
        (await finance.PostAsJsonAsync("/api/ops/auth/login", new { username = "finance", password = "Zhifu@2026" }, Ct)).EnsureSuccessStatusCode();
        await OperatorApiTests.AssertProblemAsync(await finance.PostAsJsonAsync("/api/ops/accounts",
            new { phone = "13700000005", holderAcceptedAgreement = true, ticket = "X" }, Ct), 403, "OPS_ROLE_FORBIDDEN");
        await OperatorApiTests.AssertProblemAsync(await service.PostAsJsonAsync("/api/ops/accounts",
            new { phone = "13700000005", holderAcceptedAgreement = true }, Ct), 400, "TICKET_REQUIRED");
        Assert.Null(await FindUserAsync("13700000005"));
    }

    [Fact]
    public async Task Many_wallets_opened_from_one_device_are_refused_as_batch_opening()
    {
        for (var i = 0; i < 3; i++)
        {
            using var _ = await WalletClient.OpenAsync(_server, $"1370000010{i}", device: "organiser-phone");
        }
        using var client = _server.Client();
        await client.PostAsJsonAsync("/api/wallet/otp", new { phone = "13700000109", purpose = "open-account" }, Ct);
        var code = await WalletClient.LatestCodeAsync(_server, "13700000109");
        var refused = await client.PostAsJsonAsync("/api/wallet/accounts", new
        {
            phone = "13700000109", otp = code, loginPassword = "Passw0rd!x", agreementVersion = "2026-11", acceptAgreement = true,
            deviceId = "organiser-phone",
        }, Ct);
        await OperatorApiTests.AssertProblemAsync(refused, 403, "OPENING_REFUSED_BATCH"); // ACC-3
        Assert.Null(await FindUserAsync("13700000109"));
    }

    [Fact]
    public async Task ACC3_wallets_opened_from_one_device_at_once_are_counted_together()
    {
        using var client = _server.Client();
        var phones = Enumerable.Range(0, 8).Select(i => $"1370000020{i}").ToList();
        var codes = new List<string>();
        foreach (var phone in phones)
        {
            await client.PostAsJsonAsync("/api/wallet/otp", new { phone, purpose = "open-account" }, Ct);
            codes.Add(await WalletClient.LatestCodeAsync(_server, phone));
        }

        var answers = await Task.WhenAll(phones.Select((phone, i) => client.PostAsJsonAsync("/api/wallet/accounts", new
        {
            phone, otp = codes[i], loginPassword = "Passw0rd!x", agreementVersion = "2026-11", acceptAgreement = true,
            deviceId = "organiser-phone-2",
        }, Ct)));

        var opened = answers.Count(a => a.IsSuccessStatusCode);
        Assert.InRange(opened, 0, 3); // the day's three, never more however many arrive at once (the count-then-open let 8 in)
        foreach (var refused in answers.Where(a => !a.IsSuccessStatusCode))
        {
            await OperatorApiTests.AssertProblemAsync(refused, 403, "OPENING_REFUSED_BATCH");
        }
        var found = 0;
        foreach (var phone in phones)
        {
            found += await FindUserAsync(phone) is null ? 0 : 1;
        }
        Assert.Equal(opened, found); // a refused opening leaves no wallet behind
    }

    private async Task<UserRow?> FindUserAsync(string phone) =>
        await _server.Services.GetRequiredService<Zhifu.Server.Accounts.WalletAccounts>().FindByPhoneAsync(phone, Ct);
}
