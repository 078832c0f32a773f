using System.Security.Cryptography;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Microsoft.EntityFrameworkCore;
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
    /// Changes the password of the signed-in account <paramref name="account"/> selects when <paramref name="currentPassword"/> is
    /// right (counted like a sign-in, with the lockout) and <paramref name="newPassword"/> is strong and different; clears the
    /// must-change mark and takes a new session stamp, so every session issued before ends (the caller issues its own anew); the
    /// change is audited as <paramref name="audit"/> says. The account, or the refusal — its codes prefixed with
    /// <paramref name="codePrefix"/> (<c>OPS</c>, <c>MERCHANT</c>) as the console's sign-in answers them.
    /// </summary>
    public static async Task<(TRow? Account, Refusal? Refusal)> ChangeAsync<TRow>(HttpContext context, Func<ZhifuDb, IQueryable<TRow>> account,
        string? currentPassword, string? newPassword, string codePrefix, Func<TRow, (string Actor, string Role, string Action, string Target)> audit)
        where TRow : class, IPasswordSignIn
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(audit);
        if (!Accounts.CredentialRules.IsStrongLoginPassword(newPassword) || newPassword == currentPassword)
        {
            return (null, new Refusal(400, "WEAK_PASSWORD", "新密码须为 8–64 位且含字母和数字，并与原密码不同",
                "The new password must be 8–64 characters with letters and digits, and differ from the current one", "newPassword"));
        }
        var (services, ct) = (context.RequestServices, context.RequestAborted);
        await using var db = services.GetRequiredService<DatabaseOptions>().CreateContext();
        var row = await account(db).FirstAsync(ct);
        var refusal = await services.GetRequiredService<PasswordSignIn>().CheckAsync(db, row, currentPassword ?? "", ct);
        if (refusal == SignInRefusal.Locked)
        {
            return (null, new Refusal(423, codePrefix + "_LOCKED", "密码错误次数过多，账户已锁定，请稍后再试",
                "Too many wrong passwords: the account is locked for a while", "currentPassword"));
        }
        if (refusal is not null)
        {
            return (null, new Refusal(401, codePrefix + "_BAD_CREDENTIALS", "原密码错误", "The current password is wrong", "currentPassword"));
        }
        var (hash, loaded, stamp) = (services.GetRequiredService<PasswordHasher>().Hash(newPassword!), row.SessionStamp,
            IPasswordSignIn.NewStamp());
        // only over the account as it was checked: a reset or a sign-out everywhere meanwhile (a new stamp) wins, not this
        if (await db.Set<TRow>().Where(r => EF.Property<Guid>(r, nameof(IPasswordSignIn.Id)) == row.Id
                && EF.Property<string>(r, nameof(IPasswordSignIn.SessionStamp)) == loaded)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.PasswordHash, hash).SetProperty(r => r.MustChangePassword, false)
                .SetProperty(r => r.SessionStamp, stamp), CancellationToken.None) == 0)
        {
            return (null, new Refusal(409, codePrefix + "_SESSION_ENDED", "账户刚被修改（如密码被重置或已在别处退出），请重新登录",
                "The account changed meanwhile (its password reset, or signed out everywhere): sign in again"));
        }
        (row.PasswordHash, row.MustChangePassword, row.SessionStamp) = (hash, false, stamp); // every other session ends (ACC-7)
        var (actor, role, action, target) = audit(row);
        await services.GetRequiredService<AuditLog>().AppendAsync(actor, role, action, target, "");
        return (row, null);
    }
}
