using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>
/// 支付订单 — one merchant order (PAY-1, PAY-3): created by the merchant API, paid from a wallet, closed or expired. Its id
/// is the business id of the payment's ledger transfers; (mchid, out_trade_no) is unique so a repeated create answers the
/// first order (PAY-6). <see cref="RequestHash"/> is what the merchant asked for, to tell a repeat from a different order.
/// </summary>
public sealed class PaymentOrderRow
{
    public Guid Id { get; set; }
    public required string TransactionId { get; set; }
    public Guid MerchantId { get; set; }
    public required string MchId { get; set; }
    public required string AppId { get; set; }
    public required string OutTradeNo { get; set; }
    public required string TradeType { get; set; }
    public required string Description { get; set; }
    public string? Attach { get; set; }
    public required string NotifyUrl { get; set; }
    public long TotalFen { get; set; }
    public required string Currency { get; set; }

    /// <summary>What the wallet opens: the code in a native order's code_url, or the prepay_id of a JSAPI / APP / H5 order.</summary>
    public required string Code { get; set; }

    /// <summary>付款码支付: the user whose payment code the merchant scanned; the charge waits in their wallet to be confirmed.</summary>
    public Guid? CodeUserId { get; set; }

    /// <summary>JSAPI and 付款码: the openid of the payer the order is for; only that wallet may pay it.</summary>
    public string? PayerOpenId { get; set; }
    public required string RequestHash { get; set; }

    /// <summary>NOTPAY, PAYING (a wallet's payment is being committed), SUCCESS or CLOSED.</summary>
    public required string State { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public Guid? PayerUserId { get; set; }

    /// <summary>The ledger request of the payment attempt under way or done, as JSON, so recovery can submit it again.</summary>
    public string? PaymentChainJson { get; set; }
    public Guid? PaymentTransferId { get; set; }
    public DateTimeOffset? PayingSince { get; set; }
    public long FeeFen { get; set; }

    /// <summary>The fee rate (parts per million) <see cref="FeeFen"/> was charged at: the trade bill's 费率 for this payment,
    /// whatever the merchant's rate is by the time the bill is read.</summary>
    public int FeeRatePpm { get; set; }

    /// <summary>Of the total, what came from the payer's consumption-only funds (CARD-3); refunds return it there first.</summary>
    public long ConsumptionFen { get; set; }

    /// <summary>Refunded or being refunded (every refund not closed): refunds may never exceed the total (PAY-3).</summary>
    public long RefundedFen { get; set; }

    /// <summary>Refunds made against the order, closed ones included (bounded by <c>Payments:RefundsPerOrderMax</c>).</summary>
    public int RefundCount { get; set; }
    public DateTimeOffset? SuccessTime { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public int Version { get; set; }

    /// <summary>The passwordless agreement (PWL-1) this order was charged under, or asked to be; null for ordinary payments.</summary>
    public Guid? PasswordlessAgreementId { get; set; }

    /// <summary>
    /// Paid (or being paid) without the password under <see cref="PasswordlessAgreementId"/> (PWL-1): set by the attempt that
    /// moved the order to PAYING. A contract order the user confirmed with the password keeps its agreement id but not this —
    /// it counts in no passwordless limit, list, figure or complaint.
    /// </summary>
    public bool PaidPasswordless { get; set; }

    /// <summary>撤销: a paid payment-code charge the merchant reversed (refunded in full); the protocol then reads it REVOKED.</summary>
    public bool Reversed { get; set; }

    /// <summary>刷脸支付 (FACE-5, FACE-6): the terminal that took a FACEPAY order; null for every other kind.</summary>
    public string? FaceTerminalId { get; set; }
}

internal sealed class PaymentOrderRowMapping : IEntityTypeConfiguration<PaymentOrderRow>
{
    public void Configure(EntityTypeBuilder<PaymentOrderRow> e)
    {
        e.ToTable("payment_orders");
        e.HasIndex(x => new { x.MchId, x.OutTradeNo }).IsUnique();
        e.HasIndex(x => x.TransactionId).IsUnique();
        e.HasIndex(x => x.Code).IsUnique();
        e.HasIndex(x => new { x.State, x.ExpiresAt });
        e.HasIndex(x => new { x.PayerUserId, x.PayingSince });
        e.HasIndex(x => new { x.CodeUserId, x.State });
        e.HasIndex(x => new { x.PasswordlessAgreementId, x.SuccessTime });
        e.Property(x => x.TransactionId).HasMaxLength(32);
        e.Property(x => x.MchId).HasMaxLength(32);
        e.Property(x => x.AppId).HasMaxLength(32);
        e.Property(x => x.OutTradeNo).HasMaxLength(32);
        e.Property(x => x.TradeType).HasMaxLength(16);
        e.Property(x => x.Description).HasMaxLength(127);
        e.Property(x => x.Attach).HasMaxLength(128);
        e.Property(x => x.NotifyUrl).HasMaxLength(256);
        e.Property(x => x.Currency).HasMaxLength(8);
        e.Property(x => x.Code).HasMaxLength(64);
        e.Property(x => x.PayerOpenId).HasMaxLength(128);
        e.Property(x => x.RequestHash).HasMaxLength(64);
        e.Property(x => x.State).HasMaxLength(16);
        e.Property(x => x.FaceTerminalId).HasMaxLength(32);
        e.Property(x => x.Version).IsConcurrencyToken();
    }
}
