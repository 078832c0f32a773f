using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>
/// A face token (FACE-4): what a terminal gets when a face found its payer — bound to that terminal, valid two minutes, good
/// for one payment. Kept in the database, not in one server's memory, so any replica takes the payment and a claim is atomic
/// (two payments racing with one token: one wins). Only its SHA-256 is kept: the token is a credential while it lives.
/// </summary>
public sealed class FaceTokenRow
{
    /// <summary>Lower-case hex SHA-256 of the token.</summary>
    public required string TokenHash { get; set; }
    public required string TerminalId { get; set; }
    public Guid UserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When a payment claimed it; a claimed token pays no second time (a refusal before the charge hands it back).</summary>
    public DateTimeOffset? UsedAt { get; set; }

    /// <summary>The payment that claimed it, <c>mchid/out_trade_no</c>: that payment's repeat is told apart from another use.</summary>
    public string? UsedFor { get; set; }
}

/// <summary>
/// Wrong phone digits given at a terminal to tell a lookalike pair apart (FACE-4): counted per terminal in a window, in the
/// database so the bound holds across replicas and restarts.
/// </summary>
public sealed class FaceDigitMissRow
{
    public required string TerminalId { get; set; }
    public int Count { get; set; }

    /// <summary>The first miss of the current window.</summary>
    public DateTimeOffset Since { get; set; }
}

internal sealed class FaceTokenRowMapping : IEntityTypeConfiguration<FaceTokenRow>
{
    public void Configure(EntityTypeBuilder<FaceTokenRow> e)
    {
        e.ToTable("face_tokens");
        e.Property(x => x.UsedFor).HasMaxLength(80);
        e.HasKey(x => x.TokenHash);
        e.HasIndex(x => x.ExpiresAt);
        e.Property(x => x.TokenHash).HasMaxLength(64);
        e.Property(x => x.TerminalId).HasMaxLength(32);
    }
}

internal sealed class FaceDigitMissRowMapping : IEntityTypeConfiguration<FaceDigitMissRow>
{
    public void Configure(EntityTypeBuilder<FaceDigitMissRow> e)
    {
        e.ToTable("face_digit_misses");
        e.HasKey(x => x.TerminalId);
        e.Property(x => x.TerminalId).HasMaxLength(32);
    }
}
