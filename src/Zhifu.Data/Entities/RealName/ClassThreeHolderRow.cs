using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>
/// The one wallet that holds Class Ⅲ for an ID number (ACC-2: one person may hold at most one Class Ⅲ account at the
/// institution). Keyed by the ID number's blind index, so the database itself refuses a second holder even when two
/// verifications race.
/// </summary>
public sealed class ClassThreeHolderRow
{
    public required byte[] IdNumberIndex { get; set; }
    public Guid UserId { get; set; }
    public DateTimeOffset Since { get; set; }
}

internal sealed class ClassThreeHolderRowMapping : IEntityTypeConfiguration<ClassThreeHolderRow>
{
    public void Configure(EntityTypeBuilder<ClassThreeHolderRow> e)
    {
        e.ToTable("class_three_holders");
        e.HasKey(x => x.IdNumberIndex);
        e.HasIndex(x => x.UserId).IsUnique();
        // two hand-overs (or a hand-over and a verification passing it on) at once: the second finds it moved, never both win
        e.Property(x => x.UserId).IsConcurrencyToken();
    }
}
