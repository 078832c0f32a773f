using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>
/// One entry of the tamper-evident audit log (SEC-1): who did what to which target, chained by SHA-256 over the previous
/// entry's hash, so editing or deleting any entry breaks every hash after it.
/// </summary>
public sealed class AuditRow
{
    public long Sequence { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public required string Role { get; set; }
    public required string Action { get; set; }
    public required string Target { get; set; }
    public required string Details { get; set; }
    public required string PreviousHash { get; set; }
    public required string Hash { get; set; }
}

internal sealed class AuditRowMapping : IEntityTypeConfiguration<AuditRow>
{
    public void Configure(EntityTypeBuilder<AuditRow> e)
    {
        e.ToTable("audit_log");
        e.HasKey(x => x.Sequence);
        e.Property(x => x.Sequence).ValueGeneratedNever();
        e.Property(x => x.Actor).HasMaxLength(64);
        e.Property(x => x.Role).HasMaxLength(32);
        e.Property(x => x.Action).HasMaxLength(64);
        e.Property(x => x.Target).HasMaxLength(128);
        e.Property(x => x.Details).HasMaxLength(1024);
        e.Property(x => x.PreviousHash).HasMaxLength(64);
        e.Property(x => x.Hash).HasMaxLength(64);
    }
}
