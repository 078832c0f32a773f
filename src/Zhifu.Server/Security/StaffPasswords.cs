using System.Security.Cryptography;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Hosting;

namespace Zhifu.Server.Security;

/// <summary>
/// Passwords someone else gives (ACC-7): an operator's or a staff member's initial password, a wallet opened by SMS — random,
/// shown once, and to be changed before anything else; and the change itself, the same for operators and merchant staff.
/// </summary>
public static class StaffPasswords
{
    /// <summary>12 characters from an alphabet without look-alikes, with at least one letter and one digit (the login password
    /// rule).</summary>
    public static string NewInitial()
    {
        const string letters = "abcdefghjkmnpqrstuvwxyz"; // lower case only: read from an SMS or a screen and typed by anyone
        const string digits = "23456789";
        const string all = letters + digits;
        var chars = Enumerable.Range(0, 10).Select(_ => all[RandomNumberGenerator.GetInt32(all.Length)])
            .Append(letters[RandomNumberGenerator.GetInt32(letters.Length)])
            .Append(digits[RandomNumberGenerator.GetInt32(digits.Length)]).ToArray();
        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }

    /// <summary>
    /// Changes <paramref name="account"/>'s password when <paramref name="currentPassword"/> is right (counted like a sign-in, with
    /// the lockout) and <paramref name="newPassword"/> is strong and different; clears the must-change mark and takes a new
    /// session stamp, so every session issued before ends. Null when changed; otherwise the refusal, its codes prefixed with
    /// <paramref name="codePrefix"/> (<c>OPS</c>, <c>MERCHANT</c>) as the console's sign-in answers them.
    /// </summary>
    public static async Task<Refusal?> ChangeAsync<TRow>(IServiceProvider services, ZhifuDb db, TRow account, string? currentPassword,
        string? newPassword, string codePrefix, CancellationToken ct) where TRow : class, IPasswordSignIn
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(account);
        if (!Accounts.CredentialRules.IsStrongLoginPassword(newPassword) || newPassword == currentPassword)
        {
            return new Refusal(400, "WEAK_PASSWORD", "新密码须为 8–64 位且含字母和数字，并与原密码不同",
                "The new password must be 8–64 characters with letters and digits, and differ from the current one", "newPassword");
        }
        var refusal = await services.GetRequiredService<PasswordSignIn>().CheckAsync(db, account, currentPassword ?? "", ct);
        if (refusal == SignInRefusal.Locked)
        {
            return new Refusal(423, codePrefix + "_LOCKED", "密码错误次数过多，账户已锁定，请稍后再试",
                "Too many wrong passwords: the account is locked for a while", "currentPassword");
        }
        if (refusal is not null)
        {
            return new Refusal(401, codePrefix + "_BAD_CREDENTIALS", "原密码错误", "The current password is wrong", "currentPassword");
        }
        account.PasswordHash = services.GetRequiredService<PasswordHasher>().Hash(newPassword!);
        account.MustChangePassword = false;
        account.SessionStamp = IPasswordSignIn.NewStamp(); // every other session ends (ACC-7); the caller issues this one anew
        await db.SaveChangesAsync(ct);
        return null;
    }
}
