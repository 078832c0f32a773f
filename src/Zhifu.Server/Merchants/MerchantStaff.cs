using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Hosting;
using Zhifu.Server.Security;

namespace Zhifu.Server.Merchants;

/// <summary>
/// 员工与角色 (MER-5): a merchant's staff accounts — created with a one-time initial password that must be changed at first
/// sign-in (ACC-7), given one role, disabled rather than deleted. A merchant always keeps at least one enabled admin.
/// </summary>
public sealed class MerchantStaff(DatabaseOptions database, PasswordHasher passwords, AuditLog audit, IClock clock)
{
    /// <summary>Staff accounts one merchant may have.</summary>
    public const int StaffMax = 200;

    /// <summary>3–32 lower-case letters, digits, '-', '_' or '.'.</summary>
    public static bool IsUsername(string? username) => username is { Length: >= 3 and <= 32 }
        && username.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.');

    /// <summary>
    /// Adds a staff account on behalf of <paramref name="actor"/> (the merchant's admin, or operations for a new merchant's
    /// first admin), validated and audited; the API and the console's staff page both call this.
    /// </summary>
    public async Task<(MerchantStaffRow? Staff, string? InitialPassword, Refusal? Refusal)> AddAsync(Guid merchantId, string? username,
        string? role, string actor, string actorRole, CancellationToken ct)
    {
        if (!IsUsername(username))
        {
            return (null, null, new Refusal(400, "INVALID_USERNAME", "用户名须为 3–32 位小写字母、数字或 -_.",
                "The username must be 3–32 of a-z 0-9 - _ .", "username"));
        }
        if (!MerchantStaffAuth.Roles.Contains(role))
        {
            return (null, null, InvalidRole);
        }
        var (row, password, refusal) = await CreateAsync(merchantId, username!, role!, ct);
        if (refusal is not null)
        {
            return (null, null, refusal == "STAFF_FULL"
                ? new Refusal(409, refusal, $"员工账号已达上限 {StaffMax} 个", $"At most {StaffMax} staff accounts")
                : new Refusal(409, refusal, "该用户名已被使用", "That username is taken", "username"));
        }
        await audit.AppendAsync(actor, actorRole, "merchant.staff.create", row!.Username, row.Role);
        return (row, password, null);
    }

    /// <summary>
    /// The merchant's admin (<paramref name="admin"/>) re-roles, disables (<paramref name="disable"/> true) or enables (false)
    /// a staff account; never their own disabling, never leaving the merchant without an enabled admin. Audited.
    /// </summary>
    public async Task<(MerchantStaffRow? Staff, Refusal? Refusal)> UpdateAsync(Guid merchantId, string username, string? role, bool? disable,
        string admin, CancellationToken ct)
    {
        if (role is not null && !MerchantStaffAuth.Roles.Contains(role))
        {
            return (null, InvalidRole);
        }
        if (username == admin && disable == true)
        {
            return (null, new Refusal(409, "STAFF_SELF", "不能停用自己的账号", "You cannot disable your own account"));
        }
        var (row, refusal) = await ChangeAsync(merchantId, username, role, disable, ct);
        if (refusal is not null)
        {
            return (null, refusal == "STAFF_NOT_FOUND" ? new Refusal(404, refusal, "员工不存在", "No such staff member")
                : new Refusal(409, refusal, "商户须至少保留一名启用的管理员", "The merchant must keep at least one enabled admin"));
        }
        await audit.AppendAsync("merchant:" + admin, "admin", "merchant.staff.change", username,
            $"role {row!.Role} disabled {row.DisabledAt is not null}");
        return (row, null);
    }

    private static Refusal InvalidRole { get; } =
        new(400, "INVALID_ROLE", "角色须为 admin、finance 或 cashier", "The role must be admin, finance or cashier", "role");

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
        var password = StaffPasswords.NewInitial();
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

    /// <summary>
    /// Changes a role, disables (true) or enables (false) an account; refused when it would leave the merchant without an enabled
    /// admin. One merchant's staff changes are one at a time: its merchant row is written first (PostgreSQL's row lock until
    /// commit; SQLite has one writer), so the count of enabled admins read after it stands until commit — two admins disabling
    /// each other at once cannot both win. A disabled account or a new role ends the account's sessions for good (a new
    /// session stamp): enabling it again does not bring back a cookie issued before.
    /// </summary>
    public async Task<(MerchantStaffRow? Staff, string? Refusal)> ChangeAsync(Guid merchantId, string username, string? role, bool? disable,
        CancellationToken ct)
    {
        await using var db = database.CreateContext();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Merchants.Where(m => m.Id == merchantId).ExecuteUpdateAsync(set => set.SetProperty(m => m.Status, m => m.Status), ct);
        var row = await db.Set<MerchantStaffRow>().FirstOrDefaultAsync(s => s.MerchantId == merchantId && s.Username == username, ct);
        if (row is null)
        {
            return (null, "STAFF_NOT_FOUND");
        }
        var losesAdmin = row.Role == "admin" && row.DisabledAt is null && (disable == true || (role is not null && role != "admin"));
        if (losesAdmin && await db.Set<MerchantStaffRow>()
            .CountAsync(s => s.MerchantId == merchantId && s.Role == "admin" && s.DisabledAt == null, ct) <= 1)
        {
            return (null, "STAFF_LAST_ADMIN");
        }
        if ((disable == true && row.DisabledAt is null) || (role is not null && role != row.Role))
        {
            row.SessionStamp = IPasswordSignIn.NewStamp();
        }
        row.Role = role ?? row.Role;
        if (disable == true)
        {
            row.DisabledAt ??= clock.UtcNow;
        }
        else if (disable == false)
        {
            row.DisabledAt = null;
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return (row, null);
    }
}
