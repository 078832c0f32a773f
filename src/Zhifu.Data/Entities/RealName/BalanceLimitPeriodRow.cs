using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>
/// One class-limit period of a wallet (ACC-2): Class Ⅰ's ¥1,000 since opening (<see cref="PeriodYear"/> 0) or Class Ⅱ/Ⅲ's
/// calendar year in Asia/Shanghai, as an allowance on the limit ledger (ledger 2, fen) debited by a transfer linked to each
/// balance-funded payment or transfer out, so an over-limit move fails atomically in the ledger.
/// </summary>
public sealed class BalanceLimitPeriodRow : AllowancePeriodRow
{
    /// <summary>0 = since opening (Class Ⅰ); otherwise the calendar year in China time.</summary>
    public int PeriodYear { get; set; }
}

internal sealed class BalanceLimitPeriodRowMapping : IEntityTypeConfiguration<BalanceLimitPeriodRow>
{
    public void Configure(EntityTypeBuilder<BalanceLimitPeriodRow> e)
    {
        e.MapAllowancePeriod("balance_limit_periods");
        e.HasIndex(x => new { x.UserId, x.PeriodYear }).IsUnique();
    }
}
