using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>
/// 充值/提现 — money in from a bound card or out to a bound debit card (CARD-2). Its id is the bank request id and the ledger
/// hold's id; the status follows what the bank answered, and an unknown answer stays unknown until a query, a resend with
/// the same id or a reversal settles it (CARD-4).
/// </summary>
public sealed class FundMovementRow
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public required string Kind { get; set; }
    public required string CardToken { get; set; }
    public required string Bank { get; set; }
    public required string CardType { get; set; }
    public required string CardMasked { get; set; }
    public long AmountFen { get; set; }
    /// <summary>The wallet's ledger account the money enters or leaves (the balance, or the consumption-only funds).</summary>
    public Guid WalletLedgerAccountId { get; set; }
    public Guid ClearingAccountId { get; set; }
    public required string Status { get; set; }
    public string? BankTxnId { get; set; }
    public string? FailureCode { get; set; }
    public int Resends { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }

    /// <summary>
    /// The claim of the one resolver acting on the movement now (its start, a risk decision, the recovery worker on any server):
    /// while it stands nobody else asks the bank about it — a resend racing a reversal, or a resend racing a void, would let the
    /// bank and the ledger disagree. Cleared when the outcome is recorded; a claim older than <c>Funds:ClaimLapseSeconds</c>
    /// belonged to a process that died.
    /// </summary>
    public DateTimeOffset? ResolvingSince { get; set; }

    public int Version { get; set; }
}

internal sealed class FundMovementRowMapping : IEntityTypeConfiguration<FundMovementRow>
{
    public void Configure(EntityTypeBuilder<FundMovementRow> e)
    {
        e.ToTable("fund_movements");
        e.HasIndex(x => new { x.UserId, x.CreatedAt });
        e.HasIndex(x => new { x.Status, x.CreatedAt });
        e.Property(x => x.Kind).HasMaxLength(16);
        e.Property(x => x.CardToken).HasMaxLength(64);
        e.Property(x => x.Bank).HasMaxLength(16);
        e.Property(x => x.CardType).HasMaxLength(16);
        e.Property(x => x.CardMasked).HasMaxLength(32);
        e.Property(x => x.Status).HasMaxLength(16);
        e.Property(x => x.BankTxnId).HasMaxLength(64);
        e.Property(x => x.FailureCode).HasMaxLength(64);
        e.Property(x => x.Version).IsConcurrencyToken();
    }
}
