using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>
/// 实名认证记录 — the evidence behind a wallet's account class (ACC-2), one row per user: which external sources confirmed
/// the holder's name, ID number and phone, whether an operator verified the holder face to face, and a Class Ⅲ choice the
/// holder still owes (another wallet of the same ID number holds Class Ⅲ). It keeps the identity the holder submitted,
/// encrypted with a blind index (ACC-8); the user row gets that identity only once something confirmed it, so everything
/// that reads the user row's name and ID number reads a verified identity.
/// </summary>
public sealed class RealNameRecordRow
{
    public Guid UserId { get; set; }

    /// <summary>The name last submitted, encrypted.</summary>
    public byte[]? NameCipher { get; set; }

    /// <summary>The ID number last submitted, encrypted.</summary>
    public byte[]? IdNumberCipher { get; set; }

    /// <summary>Blind index of the ID number last submitted.</summary>
    public byte[]? IdNumberIndex { get; set; }

    /// <summary>Bank codes (sources) that matched, comma-separated, e.g. <c>ICBC,CCB</c>; never shrinks for one identity.</summary>
    public required string MatchedSources { get; set; }

    /// <summary>The class the evidence supports (0–3) before the one-Class-Ⅲ-per-ID rule caps it.</summary>
    public int EvidenceClass { get; set; }

    /// <summary>The counter ticket of the face-to-face verification, when there was one.</summary>
    public string? FaceToFaceTicket { get; set; }

    public string? FaceToFaceBy { get; set; }

    public DateTimeOffset? FaceToFaceAt { get; set; }

    /// <summary>The other wallet of the same ID number that holds Class Ⅲ while this one waits for the holder's choice.</summary>
    public Guid? ClassThreeHeldBy { get; set; }

    public DateTimeOffset SubmittedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class RealNameRecordRowMapping : IEntityTypeConfiguration<RealNameRecordRow>
{
    public void Configure(EntityTypeBuilder<RealNameRecordRow> e)
    {
        e.ToTable("real_name_records");
        e.HasKey(x => x.UserId);
        e.Property(x => x.UserId).ValueGeneratedNever();
        e.Property(x => x.MatchedSources).HasMaxLength(256);
        e.Property(x => x.FaceToFaceTicket).HasMaxLength(64);
        e.Property(x => x.FaceToFaceBy).HasMaxLength(64);
        e.HasIndex(x => x.ClassThreeHeldBy);
    }
}
