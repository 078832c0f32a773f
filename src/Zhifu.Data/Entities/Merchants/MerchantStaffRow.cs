using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>Someone who signs in with a password and is locked out after repeated failures (operators, merchant staff).</summary>
public interface IPasswordSignIn
{
    Guid Id { get; }
    string PasswordHash { get; set; }
    int FailedSignIns { get; set; }
    DateTimeOffset? LockedUntil { get; set; }

    /// <summary>An initial password (given by someone else) must be changed before anything else (ACC-7).</summary>
    bool MustChangePassword { get; set; }

    /// <summary>
    /// Names the account's current sessions: each session cookie carries it and is valid only while it is the same. A new one
    /// (sign-out, password change) ends every session issued before — the cookie alone is not a session (SEC-2).
    /// </summary>
    string SessionStamp { get; set; }

    /// <summary>A new random stamp.</summary>
    static string NewStamp() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
}

/// <summary>商户员工 — a person of a merchant who signs in to the merchant console with one role (MER-2, MER-5).</summary>
public sealed class MerchantStaffRow : IPasswordSignIn
{
    public Guid Id { get; set; }
    public Guid MerchantId { get; set; }
    public required string Username { get; set; }

    /// <summary>admin (everything), finance (refund review, settlement), cashier (orders and refund requests only).</summary>
    public required string Role { get; set; }
    public required string PasswordHash { get; set; }
    public int FailedSignIns { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public string SessionStamp { get; set; } = IPasswordSignIn.NewStamp();

    /// <summary>An initial password (given by an operator or an admin) must be changed before anything else (ACC-7).</summary>
    public bool MustChangePassword { get; set; }

    /// <summary>A disabled staff member cannot sign in; the row stays for the audit trail.</summary>
    public DateTimeOffset? DisabledAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class MerchantStaffRowMapping : IEntityTypeConfiguration<MerchantStaffRow>
{
    public void Configure(EntityTypeBuilder<MerchantStaffRow> e)
    {
        e.ToTable("merchant_staff");
        e.HasIndex(x => x.Username).IsUnique();
        e.HasIndex(x => x.MerchantId);
        e.Property(x => x.Username).HasMaxLength(64);
        e.Property(x => x.Role).HasMaxLength(16);
        e.Property(x => x.PasswordHash).HasMaxLength(256);
        e.Property(x => x.SessionStamp).HasMaxLength(32);
    }
}
