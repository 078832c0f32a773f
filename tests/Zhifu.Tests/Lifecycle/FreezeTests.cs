using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Data.Entities;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Security;
using static Zhifu.Tests.Hosting.OperatorApiTests;
using static Zhifu.Tests.Lifecycle.LifecycleClient;

namespace Zhifu.Tests.Lifecycle;

/// <summary>ACC-6: freeze and unfreeze by the holder (loss) and by operators (risk or legal reason), through the real API.</summary>
public sealed class FreezeTests : IAsyncLifetime
{
    private ClockedServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await ClockedServer.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Holder_freezes_on_loss_with_only_a_session_and_unfreezes_with_payment_password_and_code()
    {
        var phone = NewPhone();
        var (wallet, userId) = await OpenWalletAsync(_server, phone);
        using var lost = await SignInAsync(_server, phone); // the wallet still open on the phone that was taken

        // ACC-6: no payment password, no code — the phone may be gone.
        var frozen = await wallet.PostAsync("/api/wallet/me/freeze", null, Ct);
        Assert.Equal(HttpStatusCode.OK, frozen.StatusCode);
        // …and the lost phone's session ends with it, while the one that froze goes on
        Assert.Equal(HttpStatusCode.Unauthorized, (await lost.GetAsync("/api/wallet/me", Ct)).StatusCode);
        Assert.Equal("holder-freeze", (await frozen.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("kind").GetString());
        Assert.Equal(HttpStatusCode.OK, (await wallet.PostAsync("/api/wallet/me/freeze", null, Ct)).StatusCode); // a second tap: still once
        Assert.Equal("ACCOUNT_FROZEN_BY_HOLDER", await GuardAsync(_server, userId, Business.NonCounterOut));
        Assert.Equal("ACCOUNT_FROZEN_BY_HOLDER", await GuardAsync(_server, userId, Business.NonCounterIn));

        // The session keeps working for viewing.
        Assert.Equal(HttpStatusCode.OK, (await wallet.GetAsync("/api/wallet/me", Ct)).StatusCode);
        var view = await RestrictionsAsync(wallet);
        Assert.False(view.GetProperty("canTransact").GetBoolean());
        var only = Assert.Single(view.GetProperty("restrictions").EnumerateArray());
        Assert.Equal("ACCOUNT_FROZEN_BY_HOLDER", only.GetProperty("code").GetString());
        Assert.Contains("挂失", only.GetProperty("zh").GetString());
        Assert.Contains("holder", only.GetProperty("en").GetString());
        var texts = await _server.Services.GetRequiredService<Zhifu.Server.Notifications.SmsOutbox>().ReadAsync(phone, 1, Ct);
        Assert.Contains("挂失冻结", texts[0].Body); // CS-3: the holder is told at once
        // no password changes by a code to the phone while it stands: a new payment password is what unfreezing asks for
        async Task<string> AccountCodeAsync(string purpose)
        {
            _server.Clock.Advance(TimeSpan.FromSeconds(61)); // past the resend interval
            (await wallet.PostAsJsonAsync("/api/wallet/me/otp", new { purpose }, Ct)).EnsureSuccessStatusCode();
            return await LatestCodeAsync(_server, phone);
        }
        await wallet.RefusedAsync("/api/wallet/me/payment-password", new { otp = await AccountCodeAsync("payment-password"),
            paymentPassword = "258369" }, 409, "CREDENTIALS_FROZEN");
        await wallet.RefusedAsync("/api/wallet/me/login-password", new { otp = await AccountCodeAsync("login-password"),
            newPassword = "NewPassw0rd2x" }, 409, "CREDENTIALS_FROZEN");

        // Unfreezing needs both factors: a wrong payment password, then a wrong code, are refused.
        var code = await CodeAsync(_server, wallet, phone, "unfreeze");
        await wallet.RefusedAsync("/api/wallet/me/unfreeze", new { paymentPassword = "000000", otp = code }, 401, "BAD_PAYMENT_PASSWORD");
        await wallet.RefusedAsync("/api/wallet/me/unfreeze",
            new { paymentPassword = PaymentPassword, otp = code == "000000" ? "000001" : "000000" }, 400, "OTP_INVALID");
        // A code for another purpose does not unfreeze.
        var closeCode = await CodeAsync(_server, wallet, phone, "close-account");
        await wallet.RefusedAsync("/api/wallet/me/unfreeze", new { paymentPassword = PaymentPassword, otp = closeCode },
            400, "OTP_INVALID");
        Assert.Equal("ACCOUNT_FROZEN_BY_HOLDER", await GuardAsync(_server, userId, Business.NonCounterOut));

        code = await CodeAsync(_server, wallet, phone, "unfreeze");
        Assert.Equal(HttpStatusCode.NoContent,
            (await wallet.PostAsJsonAsync("/api/wallet/me/unfreeze", new { paymentPassword = PaymentPassword, otp = code },
                Ct)).StatusCode);
        Assert.Null(await GuardAsync(_server, userId, Business.NonCounterOut));
        Assert.True((await RestrictionsAsync(wallet)).GetProperty("canTransact").GetBoolean());
        await wallet.RefusedAsync("/api/wallet/me/unfreeze", new { paymentPassword = PaymentPassword, otp = code }, 409, "NOT_FROZEN");

        await using var db = _server.Database.Options.CreateContext();
        var row = await db.Set<AccountRestrictionRow>().SingleAsync(r => r.UserId == userId, Ct);
        Assert.Equal(("holder", "holder"), (row.CreatedBy, row.LiftedBy));
        Assert.NotNull(row.LiftedAt);
    }

    [Fact]
    public async Task Operators_freeze_and_unfreeze_for_a_recorded_reason_and_the_audit_chain_holds()
    {
        var demo = (await _server.Services.GetRequiredService<Zhifu.Server.Accounts.WalletAccounts>()
            .FindByPhoneAsync(DemoCards.LiSi.Phone, Ct))!;
        using var risk = await OperatorAsync(_server, "risk");

        var freeze = await risk.PostAsJsonAsync($"/api/ops/accounts/{demo.Id}/freeze",
            new { reason = "公安机关协查通知 police request 2026-118" }, Ct);
        Assert.Equal(HttpStatusCode.OK, freeze.StatusCode);
        var body = await freeze.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("ops:risk", body.GetProperty("by").GetString());
        Assert.Equal("ACCOUNT_FROZEN_BY_OPERATOR", await GuardAsync(_server, demo.Id, Business.NonCounterOut));
        Assert.Equal("ACCOUNT_FROZEN_BY_OPERATOR", await GuardAsync(_server, demo.Id, Business.CounterIn));
        await risk.RefusedAsync($"/api/ops/accounts/{demo.Id}/freeze", new { reason = "again" }, 409, "ALREADY_FROZEN");

        // The holder sees it, without the operator's name, and cannot lift it.
        var wallet = await SignInAsync(_server, DemoCards.LiSi.Phone, Zhifu.Server.Hosting.DemoWorld.UserPassword);
        var view = await RestrictionsAsync(wallet);
        var restriction = Assert.Single(view.GetProperty("restrictions").EnumerateArray());
        Assert.Equal("ACCOUNT_FROZEN_BY_OPERATOR", restriction.GetProperty("code").GetString());
        Assert.False(restriction.TryGetProperty("createdBy", out _));
        await wallet.RefusedAsync("/api/wallet/me/unfreeze", new { paymentPassword = "147258", otp = "123456" }, 409, "NOT_FROZEN");

        using var service = await OperatorAsync(_server, "service");
        Assert.Equal(HttpStatusCode.NoContent,
            (await service.PostAsJsonAsync($"/api/ops/accounts/{demo.Id}/unfreeze", new { reason = "协查结束 case closed" }, Ct)).StatusCode);
        Assert.Null(await GuardAsync(_server, demo.Id, Business.NonCounterOut));
        await service.RefusedAsync($"/api/ops/accounts/{demo.Id}/unfreeze", new { reason = "x" }, 409, "NOT_FROZEN");

        // SEC-1: both changes are in the tamper-evident log, and the chain verifies.
        await using var db = _server.Database.Options.CreateContext();
        var actions = await db.Set<AuditRow>().Where(a => a.Target == $"user:{demo.Id}").OrderBy(a => a.Sequence)
            .Select(a => new { a.Actor, a.Action, a.Details }).ToListAsync(Ct);
        Assert.Equal([("risk", "account.freeze"), ("service", "account.unfreeze")], actions.Select(a => (a.Actor, a.Action)));
        Assert.Contains("police request", actions[0].Details);
        var (entries, brokenAt) = await _server.Services.GetRequiredService<AuditLog>().VerifyAsync(Ct);
        Assert.True(entries >= 2);
        Assert.Null(brokenAt);
    }

    [Fact]
    public async Task ACC6_a_risk_freeze_and_a_legal_freeze_are_separate_and_lifting_one_leaves_the_other()
    {
        var demo = (await _server.Services.GetRequiredService<Zhifu.Server.Accounts.WalletAccounts>()
            .FindByPhoneAsync(DemoCards.WangWu.Phone, Ct))!;
        using var risk = await OperatorAsync(_server, "risk");
        using var service = await OperatorAsync(_server, "service");
        Assert.Equal(HttpStatusCode.OK, (await risk.PostAsJsonAsync($"/api/ops/accounts/{demo.Id}/freeze",
            new { reason = "风控：疑似电诈收款 suspected scam proceeds" }, Ct)).StatusCode);
        // a court order arriving meanwhile is recorded as its own freeze, not refused as "already frozen"
        var legal = await risk.PostAsJsonAsync($"/api/ops/accounts/{demo.Id}/freeze",
            new { reason = "法院协助冻结通知书 (2026)京0105执123号", basis = "legal" }, Ct);
        Assert.Equal(HttpStatusCode.OK, legal.StatusCode);
        Assert.Equal("legal-freeze", (await legal.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("kind").GetString());
        await risk.RefusedAsync($"/api/ops/accounts/{demo.Id}/freeze", new { reason = "again", basis = "legal" }, 409, "ALREADY_FROZEN");

        // customer service may lift the risk freeze, never the legal one; the wallet stays frozen by it
        await service.RefusedAsync($"/api/ops/accounts/{demo.Id}/unfreeze", new { reason = "x", basis = "legal" }, 403, "LEGAL_FREEZE_ROLE");
        await service.RefusedAsync($"/api/ops/accounts/{Guid.CreateVersion7()}/freeze", new { reason = "x", basis = "legal" }, 403, "LEGAL_FREEZE_ROLE");
        Assert.Equal(HttpStatusCode.NoContent, (await service.PostAsJsonAsync($"/api/ops/accounts/{demo.Id}/unfreeze",
            new { reason = "风控核实无误 cleared" }, Ct)).StatusCode);
        Assert.Equal("ACCOUNT_FROZEN_BY_OPERATOR", await GuardAsync(_server, demo.Id, Business.NonCounterOut));
        await risk.RefusedAsync($"/api/ops/accounts/{demo.Id}/unfreeze", new { reason = "x", basis = "nonsense" }, 400, "FREEZE_BASIS_INVALID");

        Assert.Equal(HttpStatusCode.NoContent, (await risk.PostAsJsonAsync($"/api/ops/accounts/{demo.Id}/unfreeze",
            new { reason = "法院解除冻结通知书", basis = "legal" }, Ct)).StatusCode);
        Assert.Null(await GuardAsync(_server, demo.Id, Business.NonCounterOut));
        await using var db = _server.Database.Options.CreateContext();
        Assert.Equal(4, await db.Set<AuditRow>().CountAsync(a => a.Target == $"user:{demo.Id}" && a.Action.StartsWith("account."), Ct));
    }

    [Fact]
    public async Task Bad_freeze_requests_get_a_stable_code_and_write_nothing()
    {
        var phone = NewPhone();
        var (wallet, userId) = await OpenWalletAsync(_server, phone);
        var (other, otherId) = await OpenWalletAsync(_server, NewPhone());
        using var risk = await OperatorAsync(_server, "risk");
        using var finance = await OperatorAsync(_server, "finance");
        var before = await WrittenRowsAsync(_server);
        var failuresBefore = (await UserAsync(_server, userId)).FailedPaymentPasswords;

        // Operators: reason required and bounded, ids must be wallet ids, roles checked.
        var freeze = $"/api/ops/accounts/{userId}/freeze";
        await risk.RefusedAsync(freeze, new { }, 400, "REASON_REQUIRED");
        await risk.RefusedAsync(freeze, new { reason = "   " }, 400, "REASON_REQUIRED");
        await risk.RefusedAsync(freeze, new { reason = new string('因', 257) }, 400, "REASON_REQUIRED");
        await risk.RefusedAsync(freeze, Json("{\"reason\": 42}"), 400, "INVALID_REQUEST");
        await risk.RefusedAsync(freeze, Json("{\"reason\": "), 400, "INVALID_REQUEST");
        await risk.RefusedAsync(freeze, Json("{\"reason\":\"" + new string('a', 100_000) + "\"}"), 413, "PAYLOAD_TOO_LARGE");
        await risk.RefusedAsync($"/api/ops/accounts/{Guid.CreateVersion7()}/freeze", new { reason = "x" }, 404, "USER_NOT_FOUND");
        await risk.RefusedAsync("/api/ops/accounts/not-a-guid/freeze", new { reason = "x" }, 400, "INVALID_REQUEST");
        await finance.RefusedAsync(freeze, new { reason = "x" }, 403, "OPS_ROLE_FORBIDDEN");
        await wallet.RefusedAsync(freeze, new { reason = "x" }, 401, "OPS_SIGN_IN_REQUIRED");
        await risk.RefusedAsync($"/api/ops/accounts/{userId}/unfreeze", new { }, 400, "REASON_REQUIRED");
        await risk.RefusedAsync($"/api/ops/accounts/{Guid.CreateVersion7()}/unfreeze", new { reason = "x" }, 404, "USER_NOT_FOUND");
        await finance.RefusedAsync($"/api/ops/accounts/{userId}/unfreeze", new { reason = "x" }, 403, "OPS_ROLE_FORBIDDEN");

        // Holders: a session is needed; confirmation fields are required before anything is counted.
        await _server.Client().RefusedAsync("/api/wallet/me/freeze", null, 401, "SIGN_IN_REQUIRED");
        await wallet.RefusedAsync("/api/wallet/me/unfreeze", new { }, 400, "CONFIRMATION_REQUIRED");
        await wallet.RefusedAsync("/api/wallet/me/unfreeze", new { paymentPassword = PaymentPassword }, 400, "CONFIRMATION_REQUIRED");
        await wallet.RefusedAsync("/api/wallet/me/unfreeze", Json("{\"paymentPassword\": 258147, \"otp\": []}"), 400, "INVALID_REQUEST");
        await wallet.RefusedAsync("/api/wallet/me/unfreeze",
            new { paymentPassword = new string('1', 65), otp = "123456" }, 400, "CONFIRMATION_REQUIRED");
        await wallet.RefusedAsync("/api/wallet/me/lifecycle/otp", new { purpose = "open-account" }, 400, "INVALID_PURPOSE");
        await wallet.RefusedAsync("/api/wallet/me/lifecycle/otp", new { }, 400, "INVALID_PURPOSE");
        await wallet.RefusedAsync("/api/wallet/me/lifecycle/otp", Json("{\"purpose\": 3}"), 400, "INVALID_REQUEST");
        await AssertProblemAsync(await _server.Client().GetAsync("/api/wallet/me/restrictions", Ct), 401, "SIGN_IN_REQUIRED");

        Assert.Equal(before, await WrittenRowsAsync(_server));
        Assert.Equal(failuresBefore, (await UserAsync(_server, userId)).FailedPaymentPasswords);

        // Another user's id in the body changes nothing: the holder's routes act on the session's own wallet only.
        Assert.Equal(HttpStatusCode.OK, (await wallet.PostAsJsonAsync("/api/wallet/me/freeze", new { userId = otherId }, Ct)).StatusCode);
        Assert.Equal("ACCOUNT_FROZEN_BY_HOLDER", await GuardAsync(_server, userId, Business.NonCounterOut));
        Assert.Null(await GuardAsync(_server, otherId, Business.NonCounterOut));
        Assert.True((await RestrictionsAsync(other)).GetProperty("canTransact").GetBoolean());
    }
}
