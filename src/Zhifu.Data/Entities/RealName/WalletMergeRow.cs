using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>
/// 账户合并 — the business record of a merge (ACC-2): a holder with two Class Ⅲ candidates for one ID number chose to move
/// the other wallet's whole balance into this one and close the other. Explains the <c>WalletMerge</c> ledger transfers.
/// </summary>
public sealed class WalletMergeRow
{
    public Guid Id { get; set; }
    public Guid FromUserId { get; set; }
    public Guid ToUserId { get; set; }

    /// <summary>The balance moved wallet to wallet.</summary>
    public long WalletFen { get; set; }

    /// <summary>The consumption-only funds (CARD-3), moved to the kept wallet's consumption-only account: still restricted.</summary>
    public long ConsumptionFen { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>
    /// When the merged wallet's ledger accounts were closed for good. Null after <see cref="CompletedAt"/> while money was still
    /// on hold there (a payment under review, a delayed transfer): the merge worker moves whatever such a hold gives back and
    /// closes the accounts once nothing is on hold.
    /// </summary>
    public DateTimeOffset? LedgerClosedAt { get; set; }
}

internal sealed class WalletMergeRowMapping : IEntityTypeConfiguration<WalletMergeRow>
{
    public void Configure(EntityTypeBuilder<WalletMergeRow> e)
    {
        e.ToTable("wallet_merges");
        e.HasIndex(x => x.FromUserId);
        e.HasIndex(x => x.ToUserId);
        e.HasIndex(x => x.CompletedAt, "LedgerOpen").HasFilter("ledger_closed_at IS NULL"); // the merge worker's rounds
    }
}
