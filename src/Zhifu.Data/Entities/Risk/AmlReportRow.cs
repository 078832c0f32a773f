using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>
/// 反洗钱报告 — one generated anti-money-laundering report file (RISK-6): the large-value (大额交易报告) or suspicious
/// (可疑交易报告) transactions of one China day, as the CSV operators download. A day and kind has one report per version:
/// the daily worker writes version 1, an operator's regeneration adds the next version; older versions are kept.
/// The file holds personal data only masked (ACC-8).
/// </summary>
public sealed class AmlReportRow
{
    public Guid Id { get; set; }

    /// <summary>The China natural day (Asia/Shanghai) the report covers.</summary>
    public DateOnly Day { get; set; }

    /// <summary><c>large-value</c> or <c>suspicious</c>.</summary>
    public required string Kind { get; set; }

    public int Version { get; set; }
    public DateTimeOffset GeneratedAt { get; set; }

    /// <summary><c>worker</c>, or <c>ops:{username}</c> for an operator's regeneration.</summary>
    public required string GeneratedBy { get; set; }

    /// <summary>Detail rows in the file (the header aside).</summary>
    public int RowCount { get; set; }

    /// <summary>A limit cut the report short (source rows or report rows); the operator raises it and regenerates.</summary>
    public bool Truncated { get; set; }

    /// <summary>SHA-256 of <see cref="Content"/>, lower-case hex.</summary>
    public required string Sha256 { get; set; }

    /// <summary>The CSV file: UTF-8 with a byte-order mark.</summary>
    public required byte[] Content { get; set; }
}

internal sealed class AmlReportRowMapping : IEntityTypeConfiguration<AmlReportRow>
{
    public void Configure(EntityTypeBuilder<AmlReportRow> e)
    {
        e.ToTable("aml_reports");
        e.HasIndex(x => new { x.Day, x.Kind, x.Version }).IsUnique();
        e.HasIndex(x => x.GeneratedAt);
        e.Property(x => x.Kind).HasMaxLength(16);
        e.Property(x => x.GeneratedBy).HasMaxLength(80);
        e.Property(x => x.Sha256).HasMaxLength(64);
    }
}
