using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>
/// 支付/退款结果通知 — the outbox of PAY-5: one signed, encrypted notification for one order or refund, delivered to its
/// notify_url and retried on the protocol's schedule until the merchant acknowledges it or the attempts run out.
/// </summary>
public sealed class PaymentNotificationRow
{
    public Guid Id { get; set; }
    /// <summary>The order (TRANSACTION.*) or refund (REFUND.*) the event is about: one event of a kind per record.</summary>
    public Guid RecordId { get; set; }
    public required string MchId { get; set; }
    public required string EventType { get; set; }
    public required string Url { get; set; }

    /// <summary>The envelope exactly as POSTed (ciphertext inside), signed afresh at each attempt.</summary>
    public required string Body { get; set; }

    /// <summary>
    /// The event's resource in plain JSON, encrypted under the platform's key ring (ACC-8's mechanism): an attempt whose body
    /// the merchant's current APIv3 key cannot open (the key was reset after the event) seals it again under that key. Null
    /// on rows written before it was kept.
    /// </summary>
    public byte[]? ResourceCipher { get; set; }

    /// <summary>pending, delivered or failed (attempts exhausted; an operator may send it again).</summary>
    public required string Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }

    /// <summary>Every value of the row (fields added later too) in a new instance no context tracks.</summary>
    public PaymentNotificationRow Copy() => (PaymentNotificationRow)MemberwiseClone();
}

internal sealed class PaymentNotificationRowMapping : IEntityTypeConfiguration<PaymentNotificationRow>
{
    public void Configure(EntityTypeBuilder<PaymentNotificationRow> e)
    {
        e.ToTable("payment_notifications");
        e.HasIndex(x => new { x.Status, x.NextAttemptAt });
        e.HasIndex(x => new { x.RecordId, x.EventType }).IsUnique();
        e.Property(x => x.MchId).HasMaxLength(32);
        e.Property(x => x.EventType).HasMaxLength(32);
        e.Property(x => x.Url).HasMaxLength(256);
        e.Property(x => x.Body).HasMaxLength(16384);
        e.Property(x => x.Status).HasMaxLength(16);
        e.Property(x => x.LastError).HasMaxLength(256);
    }
}
