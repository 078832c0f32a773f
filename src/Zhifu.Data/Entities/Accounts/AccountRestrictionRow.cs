using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>
/// Something that stops a wallet's business until lifted: the holder's loss freeze, an operator's freeze (risk or legal
/// reason), dormancy (ACC-4), the involved-account list (ACC-5), the number leaving its holder (ACC-6). Kept, never
/// deleted: lifting records who and when.
/// </summary>
public sealed class AccountRestrictionRow
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public required string Kind { get; set; }
    public required string Reason { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LiftedAt { get; set; }
    public string? LiftedBy { get; set; }
}

internal sealed class AccountRestrictionRowMapping : IEntityTypeConfiguration<AccountRestrictionRow>
{
    public void Configure(EntityTypeBuilder<AccountRestrictionRow> e)
    {
        e.ToTable("account_restrictions");
        e.HasIndex(x => new { x.UserId, x.LiftedAt });
        e.Property(x => x.Kind).HasMaxLength(32);
        e.Property(x => x.Reason).HasMaxLength(256);
        e.Property(x => x.CreatedBy).HasMaxLength(64);
        e.Property(x => x.LiftedBy).HasMaxLength(64);
    }
}
