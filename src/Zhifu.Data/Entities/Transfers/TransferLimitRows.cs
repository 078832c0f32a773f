using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>
/// 转账限额协议 — an operator's setting of one wallet's agreed transfer limits (TRF-1, PAY-7). Without a row (or where a
/// field is null) the limit follows the wallet's credit level automatically; every change is also in the audit log.
/// </summary>
public sealed class TransferLimitOverrideRow
{
    public Guid UserId { get; set; }
    public long? SingleAmountFen { get; set; }
    public long? DailyAmountFen { get; set; }
    public int? DailyCount { get; set; }
    public long? YearlyAmountFen { get; set; }
    public required string Reason { get; set; }
    public required string SetBy { get; set; }
    public DateTimeOffset SetAt { get; set; }
    public int Version { get; set; }
}

/// <summary>
/// One period of one agreed limit of a wallet (TRF-1): the daily amount or daily count of a China day, or the yearly amount
/// of a China year, as an allowance like ACC-2's class limits (amount: ledger 2 in fen; count: ledger 3 in transfers)
/// debited by a leg linked to each transfer, so concurrent transfers can never pass a limit.
/// </summary>
public sealed class TransferLimitPeriodRow : AllowancePeriodRow
{
    /// <summary><c>daily-amount</c>, <c>daily-count</c> or <c>yearly-amount</c>.</summary>
    public required string Metric { get; set; }

    /// <summary>yyyyMMdd of the China day, or yyyy of the China year.</summary>
    public int PeriodKey { get; set; }
}

internal sealed class TransferLimitOverrideRowMapping : IEntityTypeConfiguration<TransferLimitOverrideRow>
{
    public void Configure(EntityTypeBuilder<TransferLimitOverrideRow> e)
    {
        e.ToTable("transfer_limit_overrides");
        e.HasKey(x => x.UserId);
        e.Property(x => x.Reason).HasMaxLength(256);
        e.Property(x => x.SetBy).HasMaxLength(64);
        e.Property(x => x.Version).IsConcurrencyToken();
    }
}

internal sealed class TransferLimitPeriodRowMapping : IEntityTypeConfiguration<TransferLimitPeriodRow>
{
    public void Configure(EntityTypeBuilder<TransferLimitPeriodRow> e)
    {
        e.MapAllowancePeriod("transfer_limit_periods");
        e.HasIndex(x => new { x.UserId, x.Metric, x.PeriodKey }).IsUnique();
        e.Property(x => x.Metric).HasMaxLength(16);
    }
}
