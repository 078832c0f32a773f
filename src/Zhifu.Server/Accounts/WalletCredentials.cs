using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Security;

namespace Zhifu.Server.Accounts;

/// <summary>
/// The holder's credentials (ACC-7): the login password and the separate 6-digit payment password, each locked after
/// repeated failures; changing either, or the bound phone, needs a one-time code; an initial password must be changed.
/// </summary>
public sealed class WalletCredentials(
    DatabaseOptions database, PasswordHasher passwords, PersonalData personalData, OneTimeCodes codes, WalletSessions sessions,
    IClock clock, AccountsOptions options)
{
    public async Task<(string? Token, UserRow? User, WalletError? Error)> LoginAsync(string phone, string password, string? deviceId,
        CancellationToken cancellationToken)
    {
        var index = personalData.BlindIndex(phone, PersonalData.Phone);
        await using var db = database.CreateContext();
        var user = await db.Set<UserRow>().FirstOrDefaultAsync(u => u.PhoneIndex == index, cancellationToken);
        if (user is null || user.LoginPasswordHash is null)
        {
            passwords.Verify(password, DummyHash); // same work whether or not the phone has a wallet: no account probing by timing
            return (null, null, WalletErrors.BadCredentials);
        }
        var error = await CheckAsync(db, user, password, Secret.Login, cancellationToken);
        if (error is not null)
        {
            return (null, null, error);
        }
        return (await sessions.CreateAsync(user.Id, deviceId, cancellationToken), user, null);
    }

    /// <summary>Checks the payment password before money moves; counts failures and locks (ACC-7).</summary>
    public async Task<WalletError?> VerifyPaymentPasswordAsync(Guid userId, string? password, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var user = await db.Set<UserRow>().FirstAsync(u => u.Id == userId, cancellationToken);
        return await VerifyPaymentPasswordAsync(db, user, password, cancellationToken);
    }

    /// <summary>
    /// The same check for a wallet the caller has just read untracked (a payment's path: one read fewer); its failure count
    /// and lock are written from that row.
    /// </summary>
    public async Task<WalletError?> VerifyPaymentPasswordAsync(UserRow user, string? password, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        db.Attach(user);
        return await VerifyPaymentPasswordAsync(db, user, password, cancellationToken);
    }

    private async Task<WalletError?> VerifyPaymentPasswordAsync(ZhifuDb db, UserRow user, string? password, CancellationToken cancellationToken)
    {
        if (user.PaymentPasswordHash is null)
        {
            return WalletErrors.PaymentPasswordNotSet;
        }
        return await CheckAsync(db, user, password ?? "", Secret.Payment, cancellationToken);
    }

    /// <summary>Checks the face-pay passcode (支付口令, FACE-4) typed on a terminal; counts failures and locks on its own.</summary>
    public async Task<WalletError?> VerifyFacePasscodeAsync(Guid userId, string? passcode, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var user = await db.Set<UserRow>().FirstAsync(u => u.Id == userId, cancellationToken);
        if (user.FacePasscodeHash is null)
        {
            return WalletErrors.FacePasscodeNotSet;
        }
        return await CheckAsync(db, user, passcode ?? "", Secret.FacePasscode, cancellationToken);
    }

    /// <summary>
    /// Sets the face-pay passcode (FACE-4): six digits, not the payment password, after the payment password and a one-time code
    /// of purpose <c>face-passcode</c>.
    /// </summary>
    public async Task<WalletError?> SetFacePasscodeAsync(Guid userId, string? paymentPassword, string? code, string? passcode,
        CancellationToken cancellationToken)
    {
        if (!CredentialRules.IsStrongPaymentPassword(passcode))
        {
            return WalletErrors.WeakFacePasscode; // the payment password's rule, in the passcode's words
        }
        if (await VerifyPaymentPasswordAsync(userId, paymentPassword, cancellationToken) is { } wrong)
        {
            return wrong;
        }
        await using var db = database.CreateContext();
        var user = await db.Set<UserRow>().FirstAsync(u => u.Id == userId, cancellationToken);
        if (passwords.Verify(passcode!, user.PaymentPasswordHash!))
        {
            return WalletErrors.FacePasscodeSameAsPaymentPassword;
        }
        if (!await codes.ConsumeAsync(PhoneOf(user), "face-passcode", code, cancellationToken))
        {
            return WalletErrors.BadCode;
        }
        (user.FacePasscodeHash, user.FailedFacePasscodes, user.FacePasscodeLockedUntil) = (passwords.Hash(passcode!), 0, null);
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    /// <summary>Sets or changes the payment password after a one-time code to the bound phone.</summary>
    public async Task<WalletError?> SetPaymentPasswordAsync(Guid userId, string? code, string? newPassword, CancellationToken cancellationToken)
    {
        if (!CredentialRules.IsStrongPaymentPassword(newPassword))
        {
            return WalletErrors.WeakPaymentPassword;
        }
        await using var db = database.CreateContext();
        var user = await db.Set<UserRow>().FirstAsync(u => u.Id == userId, cancellationToken);
        if (!await codes.ConsumeAsync(PhoneOf(user), "payment-password", code, cancellationToken))
        {
            return WalletErrors.BadCode;
        }
        user.PaymentPasswordHash = passwords.Hash(newPassword!);
        user.MustChangePaymentPassword = false;
        user.FailedPaymentPasswords = 0;
        user.PaymentLockedUntil = null;
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    /// <summary>Changes the login password after a one-time code; every other session ends.</summary>
    public async Task<WalletError?> ChangeLoginPasswordAsync(Guid userId, Guid currentSession, string? code, string? newPassword,
        CancellationToken cancellationToken)
    {
        if (!CredentialRules.IsStrongLoginPassword(newPassword))
        {
            return WalletErrors.WeakLoginPassword;
        }
        await using var db = database.CreateContext();
        var user = await db.Set<UserRow>().FirstAsync(u => u.Id == userId, cancellationToken);
        if (!await codes.ConsumeAsync(PhoneOf(user), "login-password", code, cancellationToken))
        {
            return WalletErrors.BadCode;
        }
        user.LoginPasswordHash = passwords.Hash(newPassword!);
        user.MustChangeLoginPassword = false;
        await db.SaveChangesAsync(cancellationToken);
        await sessions.RevokeAllAsync(userId, cancellationToken);
        return null;
    }

    /// <summary>Moves the wallet to a new number: a code to the current phone and a code to the new one (ACC-6, ACC-7).</summary>
    public async Task<WalletError?> ChangePhoneAsync(Guid userId, string? currentCode, string newPhone, string? newCode,
        CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var user = await db.Set<UserRow>().FirstAsync(u => u.Id == userId, cancellationToken);
        var newIndex = personalData.BlindIndex(newPhone, PersonalData.Phone);
        if (await db.Set<UserRow>().AnyAsync(u => u.PhoneIndex == newIndex, cancellationToken))
        {
            return WalletErrors.PhoneTaken;
        }
        if (!await codes.ConsumeAsync(PhoneOf(user), "change-phone", currentCode, cancellationToken)
            || !await codes.ConsumeAsync(newPhone, "bind-phone", newCode, cancellationToken))
        {
            return WalletErrors.BadCode;
        }
        user.PhoneIndex = newIndex;
        user.PhoneCipher = personalData.Protect(newPhone, PersonalData.Phone);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return WalletErrors.PhoneTaken;
        }
        return null;
    }

    public string PhoneOf(UserRow user) => personalData.Unprotect(user.PhoneCipher, PersonalData.Phone);

    private static readonly string DummyHash = "$argon2id$v=19$m=1024,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

    private enum Secret
    {
        Login,
        Payment,
        FacePasscode,
    }

    private async Task<WalletError?> CheckAsync(ZhifuDb db, UserRow user, string password, Secret secret, CancellationToken ct)
    {
        var now = clock.UtcNow;
        var (hash, failed, lockedUntil, max) = secret switch
        {
            Secret.Payment => (user.PaymentPasswordHash!, user.FailedPaymentPasswords, user.PaymentLockedUntil, options.PasswordFailuresMax),
            Secret.FacePasscode => (user.FacePasscodeHash!, user.FailedFacePasscodes, user.FacePasscodeLockedUntil, options.FacePasscodeFailuresMax),
            _ => (user.LoginPasswordHash!, user.FailedLogins, user.LoginLockedUntil, options.PasswordFailuresMax),
        };
        var (locked, bad) = secret switch
        {
            Secret.Payment => (WalletErrors.PaymentLocked, WalletErrors.BadPaymentPassword),
            Secret.FacePasscode => (WalletErrors.FacePasscodeLocked, WalletErrors.BadFacePasscode),
            _ => (WalletErrors.LoginLocked, WalletErrors.BadCredentials),
        };
        if (lockedUntil > now)
        {
            return locked;
        }
        var ok = passwords.Verify(password, hash);
        var failures = ok ? 0 : failed + 1;
        DateTimeOffset? lockUntil = failures >= max ? now.AddMinutes(options.LockMinutes) : null;
        if (lockUntil is not null)
        {
            failures = 0;
        }
        // a hash made with earlier work factors moves to the current ones once the secret is known right
        var rehashed = ok ? passwords.Rehashed(password, hash) : null;
        switch (secret)
        {
            case Secret.Payment:
                (user.FailedPaymentPasswords, user.PaymentLockedUntil) = (failures, lockUntil);
                user.PaymentPasswordHash = rehashed ?? user.PaymentPasswordHash;
                break;
            case Secret.FacePasscode:
                (user.FailedFacePasscodes, user.FacePasscodeLockedUntil) = (failures, lockUntil);
                user.FacePasscodeHash = rehashed ?? user.FacePasscodeHash;
                break;
            default:
                (user.FailedLogins, user.LoginLockedUntil) = (failures, lockUntil);
                user.LoginPasswordHash = rehashed ?? user.LoginPasswordHash;
                break;
        }
        await db.SaveChangesAsync(ct);
        return ok ? null : lockUntil is not null ? locked : bad;
    }
}
