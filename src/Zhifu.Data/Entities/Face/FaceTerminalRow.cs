using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>
/// A face-pay terminal (FACE-5): registered by its merchant under a store with its own public key and the security
/// certification record of its model (lab, certificate number, expiry); operators certify it before it may start a face
/// payment; it can be disabled, moved to another store and given a new key.
/// </summary>
public sealed class FaceTerminalRow
{
    public const string Pending = "pending";
    public const string Certified = "certified";
    public const string Rejected = "rejected";
    public const string Disabled = "disabled";

    public Guid Id { get; set; }

    /// <summary>What the terminal names itself by in its signed requests.</summary>
    public required string TerminalId { get; set; }
    public Guid MerchantId { get; set; }
    public required string MchId { get; set; }
    public required string StoreName { get; set; }
    public required string Model { get; set; }
    public required string PublicKeyPem { get; set; }
    public required string CertLab { get; set; }
    public required string CertNumber { get; set; }
    public DateOnly CertExpiresOn { get; set; }
    public required string State { get; set; }
    public string? ReviewedBy { get; set; }
    public string? ReviewNote { get; set; }
    public DateTimeOffset? ReviewedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? KeyRotatedAt { get; set; }
    public int Version { get; set; }
}

internal sealed class FaceTerminalRowMapping : IEntityTypeConfiguration<FaceTerminalRow>
{
    public void Configure(EntityTypeBuilder<FaceTerminalRow> e)
    {
        e.ToTable("face_terminals");
        e.HasIndex(x => x.TerminalId).IsUnique();
        e.HasIndex(x => new { x.MerchantId, x.State });
        e.Property(x => x.TerminalId).HasMaxLength(32);
        e.Property(x => x.MchId).HasMaxLength(32);
        e.Property(x => x.StoreName).HasMaxLength(64);
        e.Property(x => x.Model).HasMaxLength(64);
        e.Property(x => x.PublicKeyPem).HasMaxLength(2048);
        e.Property(x => x.CertLab).HasMaxLength(64);
        e.Property(x => x.CertNumber).HasMaxLength(64);
        e.Property(x => x.State).HasMaxLength(16);
        e.Property(x => x.ReviewedBy).HasMaxLength(64);
        e.Property(x => x.ReviewNote).HasMaxLength(200);
        e.Property(x => x.Version).IsConcurrencyToken();
    }
}
