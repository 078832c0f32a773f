using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Security;

/// <summary>
/// The institution's operator accounts (SEC-1), kept by whoever runs the server (the <c>operator</c> verb): created with one role
/// and a one-time initial password that must be changed at first sign-in (ACC-7); a forgotten password is reset to a new
/// initial one; a leaver is disabled, never deleted, so the audit trail keeps its names. Every change is audited and ends the
/// operator's sessions.
/// </summary>
public sealed class OperatorAccounts(DatabaseOptions database, PasswordHasher passwords, AuditLog audit, IClock clock)
{
    /// <summary>One operator as <c>operator list</c> shows it.</summary>
    public sealed record Listing(string Username, string Role, string Status, DateTimeOffset CreatedAt);

    /// <summary>The most operators <see cref="ListAsync"/> shows.</summary>
    public const int ListMax = 1_000;

    /// <summary>Creates an operator; the initial password (shown once) or the refusal's message.</summary>
    public async Task<(string? InitialPassword, string? Refusal)> AddAsync(string username, string role, string actor, CancellationToken ct)
    {
        if (!Merchants.MerchantStaff.IsUsername(username))
        {
            return (null, "the username must be 3–32 of a-z 0-9 - _ .");
        }
        if (!OperatorAuth.Roles.Contains(role))
        {
            return (null, $"the role must be one of {string.Join(", ", OperatorAuth.Roles)}");
        }
        await using var db = database.CreateContext();
        if (await db.Operators.AnyAsync(o => o.Username == username, ct))
        {
            return (null, $"operator {username} exists");
        }
        var initial = StaffPasswords.NewInitial();
        db.Operators.Add(new OperatorRow
        {
            Id = Guid.CreateVersion7(), Username = username, Role = role, PasswordHash = passwords.Hash(initial), MustChangePassword = true,
            CreatedAt = clock.UtcNow,
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return (null, $"operator {username} exists"); // created concurrently
        }
        await audit.AppendAsync(actor, "system", "operator.create", username, role);
        return (initial, null);
    }

    /// <summary>A new initial password (shown once) for a forgotten one: to be changed at the next sign-in; the lockout is
    /// lifted and every session ends.</summary>
    public async Task<(string? InitialPassword, string? Refusal)> ResetPasswordAsync(string username, string actor, CancellationToken ct)
    {
        var initial = StaffPasswords.NewInitial();
        var hash = passwords.Hash(initial);
        var stamp = IPasswordSignIn.NewStamp();
        await using var db = database.CreateContext();
        var changed = await db.Operators.Where(o => o.Username == username).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.PasswordHash, hash).SetProperty(o => o.MustChangePassword, true)
            .SetProperty(o => o.FailedSignIns, 0).SetProperty(o => o.LockedUntil, (DateTimeOffset?)null)
            .SetProperty(o => o.SessionStamp, stamp), ct);
        if (changed == 0)
        {
            return (null, $"no operator {username}");
        }
        await audit.AppendAsync(actor, "system", "operator.password-reset", username, "");
        return (initial, null);
    }

    /// <summary>Disables (every session ends at once) or enables an operator; null, or the refusal's message.</summary>
    public async Task<string?> SetDisabledAsync(string username, bool disable, string actor, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var op = await db.Operators.FirstOrDefaultAsync(o => o.Username == username, ct);
        if (op is null)
        {
            return $"no operator {username}";
        }
        if (disable)
        {
            op.DisabledAt ??= clock.UtcNow;
            op.SessionStamp = IPasswordSignIn.NewStamp();
        }
        else
        {
            op.DisabledAt = null;
        }
        await db.SaveChangesAsync(ct);
        await audit.AppendAsync(actor, "system", disable ? "operator.disable" : "operator.enable", username, "");
        return null;
    }

    /// <summary>Every operator (at most <see cref="ListMax"/>), by name.</summary>
    public async Task<IReadOnlyList<Listing>> ListAsync(CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var now = clock.UtcNow;
        var rows = await db.Operators.AsNoTracking().OrderBy(o => o.Username).Take(ListMax).ToListAsync(ct);
        return [.. rows.Select(o => new Listing(o.Username, o.Role,
            o.DisabledAt is not null ? "disabled"
            : o.LockedUntil > now ? "locked"
            : o.MustChangePassword ? "must-change-password"
            : "active", o.CreatedAt))];
    }
}
