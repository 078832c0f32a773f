using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>A signed-in wallet session; only the SHA-256 of the bearer token is stored.</summary>
public sealed class WalletSessionRow
{
    public Guid Id { get; set; }
    public required byte[] TokenHash { get; set; }
    public Guid UserId { get; set; }
    public string? DeviceId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>A one-time code sent by SMS for a sensitive action (ACC-7); only its keyed hash is stored.</summary>
public sealed class OneTimeCodeRow
{
    public Guid Id { get; set; }
    public required byte[] PhoneIndex { get; set; }
    public required string Purpose { get; set; }
    public required byte[] CodeHash { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}

/// <summary>
/// The SMS outbox (CS-3): every text the platform sends, encrypted at rest (it may hold a one-time code), shown to
/// operators with the number masked. A gateway worker marks it sent.
/// </summary>
public sealed class SmsMessageRow
{
    public Guid Id { get; set; }
    public required byte[] PhoneIndex { get; set; }
    public required byte[] PhoneCipher { get; set; }
    public required string PhoneMasked { get; set; }
    public required byte[] BodyCipher { get; set; }
    public required string Kind { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
}

/// <summary>An SMS command conversation (e.g. 开户 <c>KT</c> awaiting <c>A</c> to confirm), ACC-1.</summary>
public sealed class SmsConversationRow
{
    public required byte[] PhoneIndex { get; set; }
    public required string Command { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

internal sealed class WalletSessionRowMapping : IEntityTypeConfiguration<WalletSessionRow>
{
    public void Configure(EntityTypeBuilder<WalletSessionRow> e)
    {
        e.ToTable("wallet_sessions");
        e.HasIndex(x => x.TokenHash).IsUnique();
        e.HasIndex(x => x.UserId);
        e.Property(x => x.DeviceId).HasMaxLength(64);
    }
}

internal sealed class OneTimeCodeRowMapping : IEntityTypeConfiguration<OneTimeCodeRow>
{
    public void Configure(EntityTypeBuilder<OneTimeCodeRow> e)
    {
        e.ToTable("one_time_codes");
        e.HasIndex(x => new { x.PhoneIndex, x.Purpose, x.CreatedAt });
        e.Property(x => x.Purpose).HasMaxLength(32);
        e.Property(x => x.Attempts).IsConcurrencyToken();
    }
}

internal sealed class SmsMessageRowMapping : IEntityTypeConfiguration<SmsMessageRow>
{
    public void Configure(EntityTypeBuilder<SmsMessageRow> e)
    {
        e.ToTable("sms_outbox");
        e.HasIndex(x => new { x.PhoneIndex, x.CreatedAt });
        e.HasIndex(x => x.CreatedAt);
        e.Property(x => x.PhoneMasked).HasMaxLength(16);
        e.Property(x => x.Kind).HasMaxLength(32);
    }
}

internal sealed class SmsConversationRowMapping : IEntityTypeConfiguration<SmsConversationRow>
{
    public void Configure(EntityTypeBuilder<SmsConversationRow> e)
    {
        e.ToTable("sms_conversations");
        e.HasKey(x => x.PhoneIndex);
        e.Property(x => x.Command).HasMaxLength(16);
    }
}
