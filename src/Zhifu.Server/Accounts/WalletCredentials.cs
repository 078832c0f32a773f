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
    DatabaseOptions database, PasswordHasher passwords, SecretAttempts attempts, PersonalData personalData, OneTimeCodes codes,
    WalletSessions sessions, Lifecycle.AccountRestrictions restrictions, AccountsOptions options, Zhifu.Core.IClock clock)
{
    public async Task<(string? Token, UserRow? User, WalletError? Error)> LoginAsync(string phone, string password, string? deviceId,
        CancellationToken cancellationToken)
    {
        var index = personalData.BlindIndex(phone, PersonalData.Phone);
        await using var db = database.CreateContext();
        var user = await db.Set<UserRow>().FirstOrDefaultAsync(u => u.PhoneIndex == index, cancellationToken);
        if (user is null || user.LoginPasswordHash is null)
        {
            passwords.VerifyNone(password); // same work whether or not the phone has a wallet: no account probing by timing
            return (null, null, WalletErrors.BadCredentials);
        }
        var error = await CheckAsync(user, password, Secret.Login, cancellationToken);
        if (error is not null)
        {
            return (null, null, error);
        }
        var token = await sessions.CreateAsync(user.Id, deviceId, cancellationToken);
        // A reset or change of the login password committed while this one was being checked ended every session before this
        // one existed: a session won with the old password must not outlive it. The hash also moves when a right password is
        // hashed again at new work factors (SecretAttempts) — that one the password still opens.
        var now = await db.Set<UserRow>().AsNoTracking().Where(u => u.Id == user.Id).Select(u => u.LoginPasswordHash)
            .FirstAsync(CancellationToken.None);
        if (now == user.LoginPasswordHash || (now is not null && passwords.Verify(password, now)))
        {
            return (token, user, null);
        }
        await sessions.RevokeTokenAsync(token);
        return (null, null, WalletErrors.BadCredentials);
    }

    /// <summary>Checks the payment password before money moves; counts failures and locks (ACC-7).</summary>
    public async Task<WalletError?> VerifyPaymentPasswordAsync(Guid userId, string? password, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var user = await db.Set<UserRow>().AsNoTracking().FirstAsync(u => u.Id == userId, cancellationToken);
        return await VerifyPaymentPasswordAsync(user, password, cancellationToken);
    }

    /// <summary>The same check for a wallet the caller has just read (a payment's path: one read fewer).</summary>
    public async Task<WalletError?> VerifyPaymentPasswordAsync(UserRow user, string? password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.PaymentPasswordHash is null)
        {
            return WalletErrors.PaymentPasswordNotSet;
        }
        return await CheckAsync(user, password ?? "", Secret.Payment, cancellationToken);
    }

    /// <summary>Checks the face-pay passcode (支付口令, FACE-4) typed on a terminal; counts failures and locks on its own.</summary>
    public async Task<WalletError?> VerifyFacePasscodeAsync(Guid userId, string? passcode, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var user = await db.Set<UserRow>().AsNoTracking().FirstAsync(u => u.Id == userId, cancellationToken);
        if (user.FacePasscodeHash is null)
        {
            return WalletErrors.FacePasscodeNotSet;
        }
        return await CheckAsync(user, passcode ?? "", Secret.FacePasscode, cancellationToken);
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
        // ACC-6: while the holder's own loss freeze stands no password changes by a code to the phone — the phone may be what
        // was lost, and a new payment password is what unfreezing asks for; the holder unfreezes first
        if (await restrictions.FindOpenAsync(userId, Lifecycle.RestrictionKinds.HolderFreeze, cancellationToken) is not null)
        {
            return WalletErrors.CredentialsFrozen;
        }
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
        // ACC-6: while the holder's own loss freeze stands no password changes by a code to the phone — the phone may be what
        // was lost, and a new payment password is what unfreezing asks for; the holder unfreezes first
        if (await restrictions.FindOpenAsync(userId, Lifecycle.RestrictionKinds.HolderFreeze, cancellationToken) is not null)
        {
            return WalletErrors.CredentialsFrozen;
        }
        if (!await codes.ConsumeAsync(PhoneOf(user), "login-password", code, cancellationToken))
        {
            return WalletErrors.BadCode;
        }
        user.LoginPasswordHash = passwords.Hash(newPassword!);
        user.MustChangeLoginPassword = false;
        await db.SaveChangesAsync(cancellationToken);
        await sessions.RevokeAllAsync(userId, CancellationToken.None); // committed: every other session ends, whatever the request does
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
        user.PhoneBoundAt = clock.UtcNow; // ACC-6: a carrier's late event about the number's earlier holder does not reach this wallet
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

    private enum Secret
    {
        Login,
        Payment,
        FacePasscode,
    }

    /// <summary>Checks a secret with its failure count and lock (ACC-7; the attempt is counted first: <see cref="SecretAttempts"/>).</summary>
    private async Task<WalletError?> CheckAsync(UserRow user, string password, Secret secret, CancellationToken ct)
    {
        var (hash, columns, max, locked, bad) = secret switch
        {
            Secret.Payment => (user.PaymentPasswordHash!, PaymentColumns, options.PasswordFailuresMax, WalletErrors.PaymentLocked,
                WalletErrors.BadPaymentPassword),
            Secret.FacePasscode => (user.FacePasscodeHash!, FacePasscodeColumns, options.FacePasscodeFailuresMax, WalletErrors.FacePasscodeLocked,
                WalletErrors.BadFacePasscode),
            _ => (user.LoginPasswordHash!, LoginColumns, options.PasswordFailuresMax, WalletErrors.LoginLocked, WalletErrors.BadCredentials),
        };
        await using var db = database.CreateContext();
        return await attempts.CheckAsync<UserRow>(db, user.Id, columns, password, hash, max, options.LockMinutes, ct) switch
        {
            SecretCheck.Right => null,
            SecretCheck.Wrong => bad,
            _ => locked,
        };
    }

    private static readonly SecretColumns LoginColumns =
        new(nameof(UserRow.LoginPasswordHash), nameof(UserRow.FailedLogins), nameof(UserRow.LoginLockedUntil));

    private static readonly SecretColumns PaymentColumns =
        new(nameof(UserRow.PaymentPasswordHash), nameof(UserRow.FailedPaymentPasswords), nameof(UserRow.PaymentLockedUntil));

    private static readonly SecretColumns FacePasscodeColumns =
        new(nameof(UserRow.FacePasscodeHash), nameof(UserRow.FailedFacePasscodes), nameof(UserRow.FacePasscodeLockedUntil));
}
