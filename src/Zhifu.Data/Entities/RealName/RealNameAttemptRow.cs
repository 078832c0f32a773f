using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>
/// One real-name verification request and what each source answered (ACC-2, ACC-3): kept for the record and to bound how
/// often a wallet may ask (the platform must not become an oracle for guessing other people's ID numbers). Only the blind
/// index of the ID number asked is kept, never the number.
/// </summary>
public sealed class RealNameAttemptRow
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public required byte[] IdNumberIndex { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary><c>verified</c>, <c>doubtful</c> (no source matched), <c>unavailable</c> (no source answered); <c>asking</c> while
    /// the sources are asked (recorded first, so attempts sent at once count each other).</summary>
    public required string Outcome { get; set; }

    /// <summary>Each source asked and its answer, e.g. <c>ICBC=matched;CCB=mismatch;ABC=unknown</c>.</summary>
    public required string SourceAnswers { get; set; }

    public int ResultClass { get; set; }
}

internal sealed class RealNameAttemptRowMapping : IEntityTypeConfiguration<RealNameAttemptRow>
{
    public void Configure(EntityTypeBuilder<RealNameAttemptRow> e)
    {
        e.ToTable("real_name_attempts");
        e.HasIndex(x => new { x.UserId, x.At });
        e.Property(x => x.Outcome).HasMaxLength(16);
        e.Property(x => x.SourceAnswers).HasMaxLength(512);
    }
}
