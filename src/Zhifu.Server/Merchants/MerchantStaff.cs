using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Security;

namespace Zhifu.Server.Merchants;

/// <summary>
/// 员工与角色 (MER-5): a merchant's staff accounts — created with a one-time initial password that must be changed at first
/// sign-in (ACC-7), given one role, disabled rather than deleted. A merchant always keeps at least one enabled admin.
/// </summary>
public sealed class MerchantStaff(DatabaseOptions database, PasswordHasher passwords, IClock clock)
{
    /// <summary>Staff accounts one merchant may have.</summary>
    public const int StaffMax = 200;

    /// <summary>3–32 lower-case letters, digits, '-', '_' or '.'.</summary>
    public static bool IsUsername(string? username) => username is { Length: >= 3 and <= 32 }
        && username.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.');

    /// <summary>The new account and its initial password (shown once), or the refusal's code.</summary>
    public async Task<(MerchantStaffRow? Staff, string? InitialPassword, string? Refusal)> CreateAsync(Guid merchantId, string username,
        string role, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        if (await db.Set<MerchantStaffRow>().AnyAsync(s => s.Username == username, ct))
        {
            return (null, null, "STAFF_USERNAME_TAKEN");
        }
        if (await db.Set<MerchantStaffRow>().CountAsync(s => s.MerchantId == merchantId, ct) >= StaffMax)
        {
            return (null, null, "STAFF_FULL");
        }
        var password = InitialPassword();
        var row = new MerchantStaffRow
        {
            Id = Guid.CreateVersion7(), MerchantId = merchantId, Username = username, Role = role, PasswordHash = passwords.Hash(password),
            MustChangePassword = true, CreatedAt = clock.UtcNow,
        };
        db.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return (null, null, "STAFF_USERNAME_TAKEN"); // taken by a concurrent create
        }
        return (row, password, null);
    }

    /// <summary>Changes a role or disables an account; refused when it would leave the merchant without an enabled admin.</summary>
    public async Task<(MerchantStaffRow? Staff, string? Refusal)> ChangeAsync(Guid merchantId, string username, string? role, bool disable,
        CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var row = await db.Set<MerchantStaffRow>().FirstOrDefaultAsync(s => s.MerchantId == merchantId && s.Username == username, ct);
        if (row is null)
        {
            return (null, "STAFF_NOT_FOUND");
        }
        var losesAdmin = row.Role == "admin" && row.DisabledAt is null && (disable || (role is not null && role != "admin"));
        if (losesAdmin && await db.Set<MerchantStaffRow>()
            .CountAsync(s => s.MerchantId == merchantId && s.Role == "admin" && s.DisabledAt == null, ct) <= 1)
        {
            return (null, "STAFF_LAST_ADMIN");
        }
        row.Role = role ?? row.Role;
        if (disable)
        {
            row.DisabledAt ??= clock.UtcNow;
        }
        await db.SaveChangesAsync(ct);
        return (row, null);
    }

    /// <summary>12 characters from an alphabet without look-alikes, with at least one letter and one digit.</summary>
    private static string InitialPassword()
    {
        const string letters = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
        const string digits = "23456789";
        var all = letters + digits;
        var chars = Enumerable.Range(0, 10).Select(_ => all[RandomNumberGenerator.GetInt32(all.Length)])
            .Append(letters[RandomNumberGenerator.GetInt32(letters.Length)])
            .Append(digits[RandomNumberGenerator.GetInt32(digits.Length)]).ToArray();
        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }
}
