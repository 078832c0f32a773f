using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>
/// 退款 — one refund of a paid order (PAY-3, PAY-4): full or one of several partial refunds, idempotent on (mchid,
/// out_refund_no) (PAY-6). Its id is the business id of the refund's ledger transfers. A refund that needs the merchant's
/// review (退款审核) holds the money (pending transfers) until it is approved (posted) or rejected (voided).
/// </summary>
public sealed class PaymentRefundRow
{
    public Guid Id { get; set; }

    /// <summary>The platform's refund id (refund_id).</summary>
    public required string RefundId { get; set; }
    public required string OutRefundNo { get; set; }
    public Guid OrderId { get; set; }
    public Guid MerchantId { get; set; }
    public required string MchId { get; set; }
    public required string OutTradeNo { get; set; }
    public required string TransactionId { get; set; }
    public string? Reason { get; set; }
    public string? NotifyUrl { get; set; }
    public long RefundFen { get; set; }

    /// <summary>Of <see cref="RefundFen"/>, what returns to the payer's consumption-only funds (CARD-3: they came from there).</summary>
    public long ConsumptionFen { get; set; }

    /// <summary>The share of the order's fee given back to the merchant with this refund.</summary>
    public long FeeRefundFen { get; set; }
    public required string RequestHash { get; set; }

    /// <summary>PROCESSING, SUCCESS or CLOSED (the protocol's refund status).</summary>
    public required string Status { get; set; }

    /// <summary>none (no review), awaiting, approved or rejected (PAY-4).</summary>
    public required string Review { get; set; }

    /// <summary>Who asked for it (a console staff member <c>merchant:{username}</c>, or <c>api</c> for the merchant API): under
    /// review (PAY-4) a staff member does not approve their own request.</summary>
    public string? RequestedBy { get; set; }

    /// <summary>The payer it returns money to (the order's): the payer's statement lists it (PAY-3).</summary>
    public Guid PayerUserId { get; set; }
    public string? ReviewedBy { get; set; }
    public string? ReviewNote { get; set; }

    /// <summary>The ledger request in flight (JSON), so recovery can submit it again; null when nothing is in flight.</summary>
    public string? ChainJson { get; set; }
    public DateTimeOffset? SubmittedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SuccessTime { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public int Version { get; set; }
}

internal sealed class PaymentRefundRowMapping : IEntityTypeConfiguration<PaymentRefundRow>
{
    public void Configure(EntityTypeBuilder<PaymentRefundRow> e)
    {
        e.ToTable("payment_refunds");
        e.HasIndex(x => new { x.MchId, x.OutRefundNo }).IsUnique();
        e.HasIndex(x => x.RefundId).IsUnique();
        e.HasIndex(x => x.OrderId);
        e.HasIndex(x => new { x.PayerUserId, x.CreatedAt });
        e.Property(x => x.RequestedBy).HasMaxLength(64);
        e.HasIndex(x => new { x.MerchantId, x.Review, x.CreatedAt });
        e.HasIndex(x => new { x.MerchantId, x.CreatedAt }); // the trade bill: a merchant's refunds accepted in a day
        e.HasIndex(x => new { x.Status, x.SubmittedAt });
        e.Property(x => x.RefundId).HasMaxLength(32);
        e.Property(x => x.OutRefundNo).HasMaxLength(64);
        e.Property(x => x.MchId).HasMaxLength(32);
        e.Property(x => x.OutTradeNo).HasMaxLength(32);
        e.Property(x => x.TransactionId).HasMaxLength(32);
        e.Property(x => x.Reason).HasMaxLength(80);
        e.Property(x => x.NotifyUrl).HasMaxLength(256);
        e.Property(x => x.RequestHash).HasMaxLength(64);
        e.Property(x => x.Status).HasMaxLength(16);
        e.Property(x => x.Review).HasMaxLength(16);
        e.Property(x => x.ReviewedBy).HasMaxLength(64);
        e.Property(x => x.ReviewNote).HasMaxLength(200);
        e.Property(x => x.ChainJson).HasMaxLength(8192);
        e.Property(x => x.Version).IsConcurrencyToken();
    }
}
