using System.Security.Claims;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Server.Hosting;
using Zhifu.Server.Security;

namespace Zhifu.Server.Accounts;

/// <summary>The Wallet API's account routes: codes, self-service opening (ACC-1), sign-in, credentials (ACC-7), profile.</summary>
public static class WalletAccountEndpoints
{
    public sealed record CodeRequest(string? Phone, string? Purpose);
    public sealed record MyCodeRequest(string? Purpose, string? Phone);
    public sealed record OpenRequest(string? Phone, string? Otp, string? LoginPassword, string? AgreementVersion, bool AcceptAgreement,
        string? DeviceId);
    public sealed record LoginRequest(string? Phone, string? Password, string? DeviceId);
    public sealed record SessionDto(string Token, Guid UserId, string Phone, bool MustChangeLoginPassword);
    public sealed record PaymentPasswordRequest(string? Otp, string? PaymentPassword);
    public sealed record LoginPasswordRequest(string? Otp, string? NewPassword);
    public sealed record PhoneRequest(string? CurrentOtp, string? NewPhone, string? NewOtp);
    public sealed record ProfileDto(Guid UserId, string Phone, string? Name, int AccountClass, long BalanceFen, string Balance,
        long ConsumptionOnlyFen, bool PaymentPasswordSet, bool MustChangeLoginPassword, string OpenedVia, string AgreementVersion,
        string OpenedAt);
    public sealed record AgreementDto(string Version, string Title, string Summary);

    public static void Map(WebApplication app)
    {
        var open = app.MapGroup("/api/wallet").WithTags("Wallet: accounts");
        open.MapGet("/agreement", (AccountsOptions o) => new AgreementDto(o.AgreementVersion, WalletSignUp.AgreementTitle,
            WalletSignUp.AgreementSummary));
        open.MapPost("/otp", SendCodeAsync).RequireRateLimiting(SignInRateLimit.WalletPolicy);
        open.MapPost("/accounts", OpenAsync);
        open.MapPost("/sessions", LoginAsync).RequireRateLimiting(SignInRateLimit.WalletPolicy);
        open.MapPost("/login-password/reset", async (LoginPasswordReset.ResetRequest r, LoginPasswordReset reset, HttpContext h) =>
            Done(h, await reset.ResetAsync(r, h.RequestAborted))).RequireRateLimiting(SignInRateLimit.WalletPolicy);

        var me = app.MapGroup("/api/wallet/me").WithTags("Wallet: accounts").RequireAuthorization(WalletSessions.Scheme);
        me.MapGet("", ProfileAsync);
        me.MapPost("/otp", SendMyCodeAsync);
        me.MapDelete("/session", async (ClaimsPrincipal u, WalletSessions s, CancellationToken ct) =>
        {
            await s.RevokeAsync(u.SessionId(), ct);
            return Results.NoContent();
        });
        me.MapPost("/payment-password", async (PaymentPasswordRequest r, ClaimsPrincipal u, WalletCredentials c, HttpContext h) =>
            Done(h, await c.SetPaymentPasswordAsync(u.UserId(), r.Otp, r.PaymentPassword, h.RequestAborted)));
        me.MapPost("/login-password", async (LoginPasswordRequest r, ClaimsPrincipal u, WalletCredentials c, HttpContext h) =>
            Done(h, await c.ChangeLoginPasswordAsync(u.UserId(), u.SessionId(), r.Otp, r.NewPassword, h.RequestAborted)));
        me.MapPost("/phone", async (PhoneRequest r, ClaimsPrincipal u, WalletCredentials c, HttpContext h) =>
            !CredentialRules.IsPhone(r.NewPhone) ? WalletErrors.InvalidPhone.ToResult(h)
                : Done(h, await c.ChangePhoneAsync(u.UserId(), r.CurrentOtp, r.NewPhone!, r.NewOtp, h.RequestAborted)));
    }

    private static IResult Done(HttpContext context, WalletError? error) => error?.ToResult(context) ?? Results.NoContent();

    private static async Task<IResult> SendCodeAsync(CodeRequest request, WalletSignUp signUp, LoginPasswordReset reset, HttpContext context)
    {
        // Without a session a code can only be asked for opening a wallet or for a forgotten login password; everything else
        // goes to the bound phone of a signed-in holder.
        if (request.Purpose == LoginPasswordReset.CodePurpose)
        {
            return (await reset.SendCodeAsync(request.Phone, context.RequestAborted))?.ToResult(context) ?? Results.Accepted();
        }
        if (CredentialRules.IsPhone(request.Phone) && request.Purpose != WalletSignUp.CodePurpose)
        {
            return WalletErrors.InvalidPurpose.ToResult(context);
        }
        var error = await signUp.SendCodeAsync(request.Phone, context.RequestAborted);
        return error?.ToResult(context) ?? Results.Accepted();
    }

    private static async Task<IResult> SendMyCodeAsync(MyCodeRequest request, ClaimsPrincipal principal, OneTimeCodes codes,
        WalletAccounts accounts, WalletCredentials credentials, HttpContext context)
    {
        if (request.Purpose is null or WalletSignUp.CodePurpose or LoginPasswordReset.CodePurpose
            || !OneTimeCodes.Purposes.Contains(request.Purpose))
        {
            return WalletErrors.InvalidPurpose.ToResult(context);
        }
        string phone;
        if (request.Purpose == "bind-phone")
        {
            if (!CredentialRules.IsPhone(request.Phone))
            {
                return WalletErrors.InvalidPhone.ToResult(context);
            }
            phone = request.Phone!;
        }
        else
        {
            phone = credentials.PhoneOf((await accounts.FindAsync(principal.UserId(), context.RequestAborted))!);
        }
        var error = await codes.SendAsync(phone, request.Purpose, context.RequestAborted);
        return error?.ToResult(context) ?? Results.Accepted();
    }

    private static async Task<IResult> OpenAsync(OpenRequest request, WalletSignUp signUp, HttpContext context)
    {
        var (token, user, error) = await signUp.OpenAsync(request.Phone, request.Otp, request.LoginPassword, request.AgreementVersion,
            request.AcceptAgreement, request.DeviceId, context.RequestAborted);
        return error?.ToResult(context)
            ?? Results.Created("/api/wallet/me", new SessionDto(token!, user!.Id, PersonalDataMask.Phone(request.Phone), false));
    }

    private static async Task<IResult> LoginAsync(LoginRequest request, WalletCredentials credentials, HttpContext context)
    {
        if (!CredentialRules.IsPhone(request.Phone) || string.IsNullOrEmpty(request.Password) || request.Password.Length > 64
            || request.DeviceId is { Length: > 64 })
        {
            return WalletErrors.BadCredentials.ToResult(context);
        }
        var (token, user, error) = await credentials.LoginAsync(request.Phone!, request.Password, request.DeviceId, context.RequestAborted);
        return error?.ToResult(context)
            ?? Results.Ok(new SessionDto(token!, user!.Id, PersonalDataMask.Phone(request.Phone), user.MustChangeLoginPassword));
    }

    private static async Task<IResult> ProfileAsync(ClaimsPrincipal principal, WalletAccounts accounts, WalletCredentials credentials,
        PersonalData personalData, ILedger ledger, HttpContext context)
    {
        var user = (await accounts.FindAsync(principal.UserId(), context.RequestAborted))!;
        var balance = ledger.GetAccount(user.WalletAccountId)?.AvailableCreditBalance ?? 0;
        var consumption = ledger.GetAccount(user.ConsumptionAccountId)?.AvailableCreditBalance ?? 0;
        var name = user.NameCipher is null ? null : PersonalDataMask.Name(personalData.Unprotect(user.NameCipher, PersonalData.Name));
        return Results.Ok(new ProfileDto(user.Id, PersonalDataMask.Phone(credentials.PhoneOf(user)), name, user.AccountClass, balance + consumption,
            new Money(balance + consumption).ToString(), consumption, user.PaymentPasswordHash is not null, user.MustChangeLoginPassword,
            user.OpenedVia, user.AgreementVersion, ChinaTime.Format(user.CreatedAt)));
    }
}
