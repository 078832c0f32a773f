using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>
/// 商户 API 凭据 (MER-6): what one merchant needs to use the WeChat Pay API v3–compatible merchant API — its APIv3 key
/// (encrypted under the key ring; it encrypts callbacks), its notification URL and its fee rate. The merchant's signing
/// keys are <see cref="MerchantApiKeyRow"/>s, several at a time so a merchant can rotate its API certificate.
/// </summary>
public sealed class MerchantCredentialRow
{
    public Guid MerchantId { get; set; }
    public required string MchId { get; set; }

    /// <summary>The 32-byte APIv3 key, protected by <c>PersonalData</c> with purpose <c>merchant-apiv3-key</c>.</summary>
    public required byte[] ApiV3KeyCipher { get; set; }

    /// <summary>Default notify_url when an order carries none (orders of the v3 API always carry one).</summary>
    public string? NotifyUrl { get; set; }

    /// <summary>Fee rate in parts per million of the order amount (6000 = 0.6 %).</summary>
    public int FeeRatePpm { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>商户 API 证书 — a merchant's RSA public key by certificate serial number; requests signed with its private key.</summary>
public sealed class MerchantApiKeyRow
{
    public required string Serial { get; set; }
    public Guid MerchantId { get; set; }
    public required string MchId { get; set; }
    public required string PublicKeyPem { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>
/// A request nonce a merchant used (PAY-6 replay protection): kept for the timestamp window, then purged, so the table
/// stays bounded by the merchants' request rate times the window.
/// </summary>
public sealed class MerchantNonceRow
{
    public required string MchId { get; set; }
    public required string Nonce { get; set; }
    public DateTimeOffset SeenAt { get; set; }
}

internal sealed class MerchantCredentialRowMapping : IEntityTypeConfiguration<MerchantCredentialRow>
{
    public void Configure(EntityTypeBuilder<MerchantCredentialRow> e)
    {
        e.ToTable("merchant_credentials");
        e.HasKey(x => x.MerchantId);
        e.HasIndex(x => x.MchId).IsUnique();
        e.Property(x => x.MchId).HasMaxLength(32);
        e.Property(x => x.NotifyUrl).HasMaxLength(256);
    }
}

internal sealed class MerchantApiKeyRowMapping : IEntityTypeConfiguration<MerchantApiKeyRow>
{
    public void Configure(EntityTypeBuilder<MerchantApiKeyRow> e)
    {
        e.ToTable("merchant_api_keys");
        e.HasKey(x => new { x.MchId, x.Serial });
        e.Property(x => x.Serial).HasMaxLength(64);
        e.Property(x => x.MchId).HasMaxLength(32);
        e.Property(x => x.PublicKeyPem).HasMaxLength(4096);
    }
}

internal sealed class MerchantNonceRowMapping : IEntityTypeConfiguration<MerchantNonceRow>
{
    public void Configure(EntityTypeBuilder<MerchantNonceRow> e)
    {
        e.ToTable("merchant_nonces");
        e.HasKey(x => new { x.MchId, x.Nonce });
        e.HasIndex(x => x.SeenAt);
        e.Property(x => x.MchId).HasMaxLength(32);
        e.Property(x => x.Nonce).HasMaxLength(64);
    }
}
