using Microsoft.EntityFrameworkCore;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Notifications;
using Zhifu.Server.Security;

namespace Zhifu.Server.Accounts;

/// <summary>
/// 找回登录密码 (ACC-7): a holder who forgot the login password sets a new one without a session. A one-time code to the bound
/// phone proves the phone; the person is proved as a counter would ask — the ID number of a real-name wallet (ACC-2), else the
/// payment password when one is set (a recycled number's new holder has neither, ACC-6).
/// </summary>
public sealed class LoginPasswordReset(DatabaseOptions database, WalletAccounts accounts, WalletCredentials credentials, OneTimeCodes codes,
    PasswordHasher passwords, PersonalData personalData, WalletSessions sessions, AccountRestrictions restrictions, ISmsGateway sms,
    ILogger<LoginPasswordReset> logger)
{
    /// <summary>The one-time code purpose; asked for without a session, on its own daily budget (<see cref="OneTimeCodes.SendAsync"/>).</summary>
    public const string CodePurpose = "reset-login-password";

    /// <summary>Texts a reset code to a phone that has a wallet. That a number has one is no secret: opening a wallet tells it too.</summary>
    public async Task<WalletError?> SendCodeAsync(string? phone, CancellationToken cancellationToken)
    {
        if (!CredentialRules.IsPhone(phone))
        {
            return WalletErrors.InvalidPhone;
        }
        if (await accounts.FindByPhoneAsync(phone!, cancellationToken) is null)
        {
            return WalletErrors.PhoneHasNoWallet;
        }
        return await codes.SendAsync(phone!, CodePurpose, cancellationToken);
    }

    /// <summary>
    /// Sets the new login password. The code is spent first (single use, so every try at the ID number or payment password costs
    /// a text from a small daily budget), then the holder's own loss freeze refuses (the phone may be what was lost, ACC-6), then
    /// the person is checked. The password is written only while no such freeze stands, in the same statement: a freeze made
    /// from another device during the reset wins. A reset clears the sign-in lockout and the must-change mark, ends every
    /// session, and tells the phone.
    /// </summary>
    public async Task<WalletError?> ResetAsync(ResetRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var phone = request.Phone;
        if (!CredentialRules.IsPhone(phone))
        {
            return WalletErrors.InvalidPhone;
        }
        if (!CredentialRules.IsStrongLoginPassword(request.NewPassword))
        {
            return WalletErrors.WeakLoginPassword;
        }
        var normalId = string.IsNullOrWhiteSpace(request.IdNumber) ? null : LifecycleInput.IdNumber(request.IdNumber);
        if (!string.IsNullOrWhiteSpace(request.IdNumber) && normalId is null)
        {
            return LifecycleErrors.InvalidIdNumber;
        }
        if (request.PaymentPassword is { Length: > 64 })
        {
            return WalletErrors.BadPaymentPassword;
        }
        if (await accounts.FindByPhoneAsync(phone!, cancellationToken) is not { } user)
        {
            return WalletErrors.PhoneHasNoWallet;
        }
        if (!await codes.ConsumeAsync(phone!, CodePurpose, request.Otp, cancellationToken))
        {
            return WalletErrors.BadCode;
        }
        if (await restrictions.FindOpenAsync(user.Id, RestrictionKinds.HolderFreeze, cancellationToken) is not null)
        {
            return WalletErrors.CredentialsFrozen;
        }
        if (await IdentityRefusalAsync(user, normalId, request.PaymentPassword, cancellationToken) is { } refused)
        {
            return refused;
        }
        var (id, hash) = (user.Id, passwords.Hash(request.NewPassword!));
        await using var db = database.CreateContext();
        var frozen = AccountRestrictions.Open(db, id, RestrictionKinds.HolderFreeze);
        var written = await db.Set<UserRow>().Where(u => u.Id == id && !frozen.Any()).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.LoginPasswordHash, hash).SetProperty(u => u.MustChangeLoginPassword, false)
            .SetProperty(u => u.FailedLogins, 0).SetProperty(u => u.LoginLockedUntil, (DateTimeOffset?)null), CancellationToken.None);
        if (written == 0)
        {
            return WalletErrors.CredentialsFrozen;
        }
        await sessions.RevokeAllAsync(id, CancellationToken.None);
        await sms.SendAsync(phone!, "account",
            "【知付】您的钱包登录密码已通过短信验证码重置，其他设备已退出登录。如非本人操作，请立即登录钱包挂失冻结或联系客服。",
            CancellationToken.None);
        logger.LogInformation("wallet {UserId}: login password reset with a code to the bound phone", id);
        return null;
    }

    /// <summary>The person behind the phone: a real-name wallet's ID number, else the payment password when one is set.</summary>
    private async Task<WalletError?> IdentityRefusalAsync(UserRow user, string? idNumber, string? paymentPassword, CancellationToken ct)
    {
        if (user.IdNumberIndex is not null)
        {
            return idNumber is null ? LifecycleErrors.IdNumberRequired
                : personalData.IsIdNumberOf(idNumber, user) ? null
                : LifecycleErrors.IdNumberMismatch;
        }
        if (user.PaymentPasswordHash is null)
        {
            return null; // nothing but the phone was ever bound to this wallet
        }
        return string.IsNullOrEmpty(paymentPassword) ? WalletErrors.PaymentPasswordRequired
            : await credentials.VerifyPaymentPasswordAsync(user, paymentPassword, ct); // with its lockout (ACC-7)
    }

    /// <summary>What the holder gives: the phone and its code, the ID number or payment password, and the new password.</summary>
    public sealed record ResetRequest(string? Phone, string? Otp, string? IdNumber, string? PaymentPassword, string? NewPassword);
}
