using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>
/// 额度期间 — one period of one wallet's allowance (ACC-2's class limits, TRF-1's agreed transfer limits). The allowance
/// itself is a control account on a limit ledger, flagged debits-must-not-exceed-credits, credited from an issuer account and
/// debited by a leg linked to each use, so concurrent uses can never pass it together. The row is the business record of
/// those control transfers and remembers what the allowance was set to, so a changed limit adjusts it exactly once. Each
/// feature's row adds the columns that key its periods (and its own table); these are the columns they all share.
/// </summary>
public abstract class AllowancePeriodRow
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }

    /// <summary>The control account on the limit ledger.</summary>
    public Guid AccountId { get; set; }

    /// <summary>The allowance the control account was last set to (the limit when it was set; fen, or units of a count).</summary>
    public long AllowanceFen { get; set; }

    /// <summary>How much a lowering could not take back because it was already used; a later raise gives that much less.</summary>
    public long ShortfallFen { get; set; }

    /// <summary>An allowance adjustment written down before it goes to the ledger: after a crash it is finished, not repeated.</summary>
    public Guid? PendingAdjustmentId { get; set; }

    /// <summary>Signed: a raise credits the control account, a lowering debits it.</summary>
    public long PendingAdjustmentFen { get; set; }

    /// <summary>The allowance and shortfall the row takes once the pending adjustment is applied.</summary>
    public long PendingAllowanceFen { get; set; }

    /// <inheritdoc cref="PendingAllowanceFen"/>
    public long PendingShortfallFen { get; set; }

    /// <summary>Optimistic concurrency: adjusters in other processes retry when another saved first.</summary>
    public int Version { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>The mapping every allowance period shares: its table, one row per control account, the version as concurrency token.</summary>
internal static class AllowancePeriodMapping
{
    public static void MapAllowancePeriod<TRow>(this EntityTypeBuilder<TRow> e, string table) where TRow : AllowancePeriodRow
    {
        e.ToTable(table);
        e.HasIndex(x => x.AccountId).IsUnique();
        e.Property(x => x.Version).IsConcurrencyToken();
    }
}
