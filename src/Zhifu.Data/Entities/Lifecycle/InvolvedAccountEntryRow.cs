using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>
/// 涉案账户名单 — one entry of the involved-account list (ACC-5, RISK-3): an account involved in a case, or a person who
/// rented, lent, sold or bought accounts or opened one under a false identity. The subject is kept only as blind indexes
/// (user id, phone, ID number, opening device) and a masked form, never in clear (ACC-8). Removed entries are kept.
/// </summary>
public sealed class InvolvedAccountEntryRow
{
    public Guid Id { get; set; }
    public required string Category { get; set; }
    public Guid? UserId { get; set; }
    public byte[]? PhoneIndex { get; set; }
    public byte[]? IdNumberIndex { get; set; }
    public byte[]? DeviceIndex { get; set; }
    public required string SubjectMasked { get; set; }
    public required string Reason { get; set; }
    /// <summary>Who reported it: a police notice, the payment association's shared list, the institution's own risk team.</summary>
    public required string Source { get; set; }
    public DateTimeOffset ListedAt { get; set; }
    /// <summary>When the entry ends by itself; null = until removed (the regulatory periods still bound the penalties).</summary>
    public DateTimeOffset? ExpiresAt { get; set; }
    public required string ListedBy { get; set; }
    public DateTimeOffset? RemovedAt { get; set; }
    public string? RemovedBy { get; set; }
    public string? RemovalReason { get; set; }
}

internal sealed class InvolvedAccountEntryRowMapping : IEntityTypeConfiguration<InvolvedAccountEntryRow>
{
    public void Configure(EntityTypeBuilder<InvolvedAccountEntryRow> e)
    {
        e.ToTable("involved_accounts");
        e.HasIndex(x => x.UserId);
        e.HasIndex(x => x.PhoneIndex);
        e.HasIndex(x => x.IdNumberIndex);
        e.HasIndex(x => x.DeviceIndex);
        e.HasIndex(x => x.ListedAt);
        e.Property(x => x.Category).HasMaxLength(32);
        e.Property(x => x.SubjectMasked).HasMaxLength(64);
        e.Property(x => x.Reason).HasMaxLength(256);
        e.Property(x => x.Source).HasMaxLength(64);
        e.Property(x => x.ListedBy).HasMaxLength(64);
        e.Property(x => x.RemovedBy).HasMaxLength(64);
        e.Property(x => x.RemovalReason).HasMaxLength(256);
    }
}
