using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>
/// 号码释放记录 — a phone number leaving a wallet (ACC-6): the wallet was closed, or the carrier reported the number
/// transferred to another person (过户) or cancelled (销号). The wallet's own phone index is cleared so the number can
/// open a new wallet; this row keeps the number's blind index so operators can still find the old wallet by it.
/// </summary>
public sealed class PhoneReleaseRow
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public required byte[] PhoneIndex { get; set; }
    public required string PhoneMasked { get; set; }
    public required string Cause { get; set; }
    /// <summary>When it happened: the carrier's event time, or the closure time.</summary>
    public DateTimeOffset OccurredAt { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
}

internal sealed class PhoneReleaseRowMapping : IEntityTypeConfiguration<PhoneReleaseRow>
{
    public void Configure(EntityTypeBuilder<PhoneReleaseRow> e)
    {
        e.ToTable("phone_releases");
        e.HasIndex(x => x.PhoneIndex);
        e.HasIndex(x => x.UserId);
        e.Property(x => x.PhoneMasked).HasMaxLength(16);
        e.Property(x => x.Cause).HasMaxLength(32);
    }
}
