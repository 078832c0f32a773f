using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>
/// 绑定的银行卡 — a card bound to a wallet for quick pay (快捷支付, CARD-1), known everywhere by its opaque token; the number
/// itself is only in the card vault. The card type decides what its money may do (CARD-3: credit-card funds pay for
/// consumption only). Unbound cards are kept for history without their vault entry.
/// </summary>
public sealed class BankCardRow
{
    public required string Token { get; set; }
    public Guid UserId { get; set; }
    public required string Bank { get; set; }

    /// <summary>0 = debit (借记卡), 1 = credit (信用卡), as the bank reported at binding.</summary>
    public int CardType { get; set; }

    /// <summary>For screens only: <c>6222 **** **** 1234</c>.</summary>
    public required string MaskedNumber { get; set; }

    public DateTimeOffset BoundAt { get; set; }
    public DateTimeOffset? UnboundAt { get; set; }
}

internal sealed class BankCardRowMapping : IEntityTypeConfiguration<BankCardRow>
{
    public void Configure(EntityTypeBuilder<BankCardRow> e)
    {
        e.ToTable("bank_cards");
        e.HasKey(x => x.Token);
        e.Property(x => x.Token).HasMaxLength(40);
        e.Property(x => x.Bank).HasMaxLength(10);
        e.Property(x => x.MaskedNumber).HasMaxLength(32);
        e.HasIndex(x => new { x.UserId, x.UnboundAt });
    }
}
