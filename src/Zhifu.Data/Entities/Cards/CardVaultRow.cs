using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>
/// 卡号保险库 — the only place a bank card number lives (CARD-1 tokenization, ACC-8): encrypted under its own purpose,
/// found by its token. The blind index is keyed by user and number together, so one user cannot bind the same card twice
/// while the same card under two users gives two unrelated indexes. Deleted when the card is unbound.
/// </summary>
public sealed class CardVaultRow
{
    public required string Token { get; set; }
    public required byte[] NumberCipher { get; set; }
    public required byte[] NumberIndex { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class CardVaultRowMapping : IEntityTypeConfiguration<CardVaultRow>
{
    public void Configure(EntityTypeBuilder<CardVaultRow> e)
    {
        e.ToTable("card_vault");
        e.HasKey(x => x.Token);
        e.Property(x => x.Token).HasMaxLength(40);
        e.HasIndex(x => x.NumberIndex).IsUnique();
    }
}
