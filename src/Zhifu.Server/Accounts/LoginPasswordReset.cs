using Microsoft.EntityFrameworkCore;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Notifications;
using Zhifu.Server.Security;

namespace Zhifu.Server.Accounts;

/// <summary>
/// 找回登录密码 (ACC-7): a holder who forgot the login password sets a new one without a session — a one-time code to the
/// bound phone proves the phone, and for a real-name wallet (ACC-2) the holder's ID number proves the person, as a counter would
/// ask. The answers before the code is spent are the same whether or not the phone has a wallet: a stranger learns nothing.
/// </summary>
public sealed class LoginPasswordReset(DatabaseOptions database, WalletAccounts accounts, OneTimeCodes codes, PasswordHasher passwords, PersonalData personalData,
    WalletSessions sessions, AccountRestrictions restrictions, ISmsGateway sms, ILogger<LoginPasswordReset> logger)
{
    /// <summary>The one-time code purpose; asked for without a session.</summary>
    public const string CodePurpose = "reset-login-password";

    /// <summary>
    /// Texts a reset code to the phone when it has a wallet. A phone without one gets no text but the same answer — and the same
    /// rate limit, as its code is recorded all the same (never delivered, so never spendable).
    /// </summary>
    public async Task<WalletError?> SendCodeAsync(string? phone, CancellationToken cancellationToken)
    {
        if (!CredentialRules.IsPhone(phone))
        {
            return WalletErrors.InvalidPhone;
        }
        var holder = await accounts.FindByPhoneAsync(phone!, cancellationToken);
        return await codes.SendAsync(phone!, CodePurpose, cancellationToken, deliver: holder is not null);
    }

    /// <summary>
    /// Sets the new login password: the code first (single use, so every try at the ID number costs a new text, which the
    /// hourly limit bounds), then the holder's own loss freeze (the phone may be what was lost, ACC-6), then the ID number of a
    /// real-name wallet. A reset clears the sign-in lockout and the must-change mark, ends every session, and tells the phone.
    /// </summary>
    public async Task<WalletError?> ResetAsync(string? phone, string? otp, string? idNumber, string? newPassword,
        CancellationToken cancellationToken)
    {
        if (!CredentialRules.IsPhone(phone))
        {
            return WalletErrors.InvalidPhone;
        }
        if (!CredentialRules.IsStrongLoginPassword(newPassword))
        {
            return WalletErrors.WeakLoginPassword;
        }
        var normalId = string.IsNullOrWhiteSpace(idNumber) ? null : LifecycleInput.IdNumber(idNumber);
        if (!string.IsNullOrWhiteSpace(idNumber) && normalId is null)
        {
            return LifecycleErrors.InvalidIdNumber;
        }
        await using var db = database.CreateContext();
        var index = personalData.BlindIndex(phone!, PersonalData.Phone);
        var user = await db.Set<UserRow>().FirstOrDefaultAsync(u => u.PhoneIndex == index, cancellationToken);
        if (user is null || !await codes.ConsumeAsync(phone!, CodePurpose, otp, cancellationToken))
        {
            return WalletErrors.BadCode; // a phone without a wallet was never texted a code
        }
        if (await restrictions.FindOpenAsync(user.Id, RestrictionKinds.HolderFreeze, cancellationToken) is not null)
        {
            return WalletErrors.CredentialsFrozen;
        }
        if (user.IdNumberIndex is not null)
        {
            if (normalId is null)
            {
                return LifecycleErrors.IdNumberRequired;
            }
            if (!personalData.BlindIndex(normalId, PersonalData.IdNumber).AsSpan().SequenceEqual(user.IdNumberIndex))
            {
                return LifecycleErrors.IdNumberMismatch;
            }
        }
        (user.LoginPasswordHash, user.MustChangeLoginPassword, user.FailedLogins, user.LoginLockedUntil) =
            (passwords.Hash(newPassword!), false, 0, null);
        await db.SaveChangesAsync(cancellationToken);
        await sessions.RevokeAllAsync(user.Id, CancellationToken.None);
        await sms.SendAsync(phone!, "account",
            "【知付】您的钱包登录密码已通过短信验证码重置，其他设备已退出登录。如非本人操作，请立即登录钱包挂失冻结或联系客服。",
            CancellationToken.None);
        logger.LogInformation("wallet {UserId}: login password reset with a code to the bound phone", user.Id);
        return null;
    }
}
