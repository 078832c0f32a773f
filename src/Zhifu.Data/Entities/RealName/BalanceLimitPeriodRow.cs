using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>
/// One limit period of a wallet (ACC-2): Class Ⅰ's ¥1,000 since opening (<see cref="PeriodYear"/> 0) or Class Ⅱ/Ⅲ's
/// calendar year in Asia/Shanghai. The allowance itself is a control account on the limit ledger (ledger 2, fen), credited
/// with the class's allowance and debited by a transfer linked to each balance-funded payment or transfer out, so an
/// over-limit move fails atomically in the ledger. This row is the business record of those control transfers, and
/// remembers what the allowance was set to, so a class change (or a new limit) adjusts it exactly once.
/// </summary>
public sealed class BalanceLimitPeriodRow
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }

    /// <summary>0 = since opening (Class Ⅰ); otherwise the calendar year in China time.</summary>
    public int PeriodYear { get; set; }

    /// <summary>The control account on the limit ledger.</summary>
    public Guid AccountId { get; set; }

    /// <summary>The allowance the control account was last set to (the class's limit when it was set).</summary>
    public long AllowanceFen { get; set; }

    /// <summary>How much a lowering could not take back because it was already used; a later raise gives that much less.</summary>
    public long ShortfallFen { get; set; }

    /// <summary>An allowance adjustment written down before it goes to the ledger: after a crash it is finished, not repeated.</summary>
    public Guid? PendingAdjustmentId { get; set; }

    /// <summary>Signed: a raise credits the control account, a lowering debits it.</summary>
    public long PendingAdjustmentFen { get; set; }

    public long PendingAllowanceFen { get; set; }
    public long PendingShortfallFen { get; set; }

    public int Version { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class BalanceLimitPeriodRowMapping : IEntityTypeConfiguration<BalanceLimitPeriodRow>
{
    public void Configure(EntityTypeBuilder<BalanceLimitPeriodRow> e)
    {
        e.ToTable("balance_limit_periods");
        e.HasIndex(x => new { x.UserId, x.PeriodYear }).IsUnique();
        e.HasIndex(x => x.AccountId).IsUnique();
        e.Property(x => x.Version).IsConcurrencyToken();
    }
}
