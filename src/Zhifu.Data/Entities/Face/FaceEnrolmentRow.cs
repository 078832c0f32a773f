using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>
/// 刷脸支付 enrolment of one user (FACE-1, FACE-2): the consent and its text version, when the template was enrolled and
/// when consent was withdrawn — and the only link to the template, an opaque <see cref="FaceId"/>. The template itself lives
/// in the separate face store under its own key; this database never holds one.
/// </summary>
public sealed class FaceEnrolmentRow
{
    public const string Consented = "consented";
    public const string Enrolled = "enrolled";
    public const string Withdrawn = "withdrawn";

    public Guid Id { get; set; }
    public Guid UserId { get; set; }

    /// <summary>The opaque id the face store knows the template by (new for every enrolment).</summary>
    public Guid FaceId { get; set; }
    public required string State { get; set; }
    public required string ConsentVersion { get; set; }
    public DateTimeOffset ConsentedAt { get; set; }
    public DateTimeOffset? EnrolledAt { get; set; }

    /// <summary>Where the template came from: "wallet" (the user's phone) or a terminal's id.</summary>
    public string? EnrolledVia { get; set; }
    public DateTimeOffset? WithdrawnAt { get; set; }
    public int Version { get; set; }
}

internal sealed class FaceEnrolmentRowMapping : IEntityTypeConfiguration<FaceEnrolmentRow>
{
    public void Configure(EntityTypeBuilder<FaceEnrolmentRow> e)
    {
        e.ToTable("face_enrolments");
        e.HasIndex(x => new { x.UserId, x.State });
        e.HasIndex(x => x.FaceId).IsUnique();
        e.Property(x => x.State).HasMaxLength(16);
        e.Property(x => x.ConsentVersion).HasMaxLength(32);
        e.Property(x => x.EnrolledVia).HasMaxLength(64);
        e.Property(x => x.Version).IsConcurrencyToken();
    }
}
