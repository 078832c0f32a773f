using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>
/// 转账 — one transfer out of a wallet (TRF-1): to another wallet (by phone number) or to the holder's own bound debit card.
/// Its id is the business id of every ledger transfer it makes and, for a wallet transfer, the id of the money move itself
/// (a hold while a delayed arrival waits, TRF-2). The payer's request id makes a repeated request answer the first outcome.
/// </summary>
public sealed class WalletTransferRow
{
    public Guid Id { get; set; }
    public Guid PayerUserId { get; set; }

    /// <summary>The client's idempotency key, unique per payer.</summary>
    public required string RequestId { get; set; }

    /// <summary><c>wallet</c> or <c>card</c>.</summary>
    public required string Kind { get; set; }

    public Guid? PayeeUserId { get; set; }

    /// <summary>What the payer was shown: the payee's masked phone, or the masked card number (ACC-8).</summary>
    public required string PayeeMasked { get; set; }

    /// <summary>The payee's masked name (or the bank for a card).</summary>
    public required string PayeeNameMasked { get; set; }

    /// <summary>The payer as the payee sees them: masked name and masked phone.</summary>
    public string? PayerShown { get; set; }

    public string? CardToken { get; set; }

    /// <summary>The fund movement (CARD-2's withdrawal path) that carries a card transfer to the bank.</summary>
    public Guid? FundMovementId { get; set; }

    public long AmountFen { get; set; }

    /// <summary>Held by risk control for review (RISK-1): the money is a hold until the case is decided.</summary>
    public bool RiskReview { get; set; }

    /// <summary><c>realtime</c>, <c>2h</c> or <c>24h</c> (TRF-2).</summary>
    public required string Arrival { get; set; }

    /// <summary>Payee is the payer's own (same ID number): not counted for strong verification (TRF-3), never delayed.</summary>
    public bool OwnAccount { get; set; }

    /// <summary>The second factor used (TRF-3), or null.</summary>
    public string? Verification { get; set; }

    public bool LargeAmountConfirmed { get; set; }
    public string? Memo { get; set; }

    /// <summary><c>processing</c>, <c>pending</c> (delayed, revocable), <c>succeeded</c>, <c>revoked</c>, <c>failed</c>.</summary>
    public required string Status { get; set; }

    public string? FailureCode { get; set; }
    public string? FailureZh { get; set; }
    public string? FailureEn { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ArrivesAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>
/// One limit leg of a transfer: a control transfer on a limit ledger submitted linked before the money move. Kept so that a
/// held (delayed or card) transfer's legs are posted or voided together with its money, and a request a crash interrupted
/// can be submitted again with the very same ids.
/// </summary>
public sealed class WalletTransferLegRow
{
    public Guid TransferId { get; set; }
    public int Sequence { get; set; }
    public Guid LegId { get; set; }
    public int Ledger { get; set; }
    public int Code { get; set; }
    public Guid DebitAccountId { get; set; }
    public Guid CreditAccountId { get; set; }
    public Guid BusinessId { get; set; }
    public long AmountFen { get; set; }

    /// <summary>Held by risk control for review (RISK-1): the money is a hold until the case is decided.</summary>
    public bool RiskReview { get; set; }

    /// <summary>Which limit: <c>class-*</c> (ACC-2) or <c>daily-amount</c>, <c>daily-count</c>, <c>yearly-amount</c> (TRF-1).</summary>
    public required string Limit { get; set; }
}

internal sealed class WalletTransferRowMapping : IEntityTypeConfiguration<WalletTransferRow>
{
    public void Configure(EntityTypeBuilder<WalletTransferRow> e)
    {
        e.ToTable("wallet_transfers");
        e.HasIndex(x => new { x.PayerUserId, x.RequestId }).IsUnique();
        e.HasIndex(x => new { x.PayerUserId, x.CreatedAt });
        e.HasIndex(x => new { x.PayeeUserId, x.ResolvedAt }); // the payee's statement: a transfer is theirs from its arrival
        e.HasIndex(x => new { x.Status, x.ArrivesAt });
        e.Property(x => x.RequestId).HasMaxLength(64);
        e.Property(x => x.Kind).HasMaxLength(8);
        e.Property(x => x.PayeeMasked).HasMaxLength(32);
        e.Property(x => x.PayeeNameMasked).HasMaxLength(64);
        e.Property(x => x.CardToken).HasMaxLength(64);
        e.Property(x => x.PayerShown).HasMaxLength(64);
        e.Property(x => x.Arrival).HasMaxLength(8);
        e.Property(x => x.Verification).HasMaxLength(16);
        e.Property(x => x.Memo).HasMaxLength(64);
        e.Property(x => x.Status).HasMaxLength(16);
        e.Property(x => x.FailureCode).HasMaxLength(64);
        e.Property(x => x.FailureZh).HasMaxLength(256);
        e.Property(x => x.FailureEn).HasMaxLength(256);
        e.Property(x => x.Version).IsConcurrencyToken();
    }
}

internal sealed class WalletTransferLegRowMapping : IEntityTypeConfiguration<WalletTransferLegRow>
{
    public void Configure(EntityTypeBuilder<WalletTransferLegRow> e)
    {
        e.ToTable("wallet_transfer_legs");
        e.HasKey(x => new { x.TransferId, x.Sequence });
        e.Property(x => x.Limit).HasMaxLength(32);
    }
}
