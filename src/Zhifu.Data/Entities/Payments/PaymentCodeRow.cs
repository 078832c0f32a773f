using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>
/// 付款码 (PAY-2) — a code the wallet shows for a merchant to scan (被扫): valid about a minute, good for one charge. Only its
/// SHA-256 is kept (the code is a bearer credential while it lives); a newer code of the same user retires the older ones.
/// </summary>
public sealed class PaymentCodeRow
{
    /// <summary>Lower-case hex SHA-256 of the 18-digit code.</summary>
    public required string CodeHash { get; set; }
    public Guid UserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When a merchant charged it, or the wallet replaced it; a used code never charges again.</summary>
    public DateTimeOffset? UsedAt { get; set; }

    /// <summary>The charge that used it: <c>mchid/out_trade_no</c> (null when the wallet replaced it), so a merchant's repeat of
    /// that very charge is told apart from a code used by another.</summary>
    public string? UsedFor { get; set; }
}

internal sealed class PaymentCodeRowMapping : IEntityTypeConfiguration<PaymentCodeRow>
{
    public void Configure(EntityTypeBuilder<PaymentCodeRow> e)
    {
        e.ToTable("payment_codes");
        e.HasKey(x => x.CodeHash);
        e.HasIndex(x => new { x.UserId, x.UsedAt });
        // one live code per user: of two codes issued at once, the second insert fails and retires the first (PAY-2)
        e.HasIndex(x => x.UserId, "ix_payment_codes_user_id_unused").IsUnique().HasFilter("used_at IS NULL");
        e.HasIndex(x => x.ExpiresAt);
        e.Property(x => x.UsedFor).HasMaxLength(80);
        e.Property(x => x.CodeHash).HasMaxLength(64);
    }
}
