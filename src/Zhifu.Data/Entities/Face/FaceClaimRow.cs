using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>
/// A user's claim about a face payment (FACE-6, CS-1, CS-2): "not me" (盗刷) or "charged wrongly" (误识别). It opens with a
/// named responsible department and a deadline; an operator takes it and decides. Unless the user's fault is shown, the risk
/// compensation fund pays the user first (先行赔付: one ledger adjustment) and the platform pursues
/// recovery — from the merchant whose terminal took the payment, or it writes the loss off against the fund.
/// </summary>
public sealed class FaceClaimRow
{
    public const string Stolen = "stolen";
    public const string Mistaken = "mistaken";

    public const string Open = "open";
    public const string Compensated = "compensated";
    public const string Rejected = "rejected";

    public const string Pursuing = "pursuing";
    public const string Recovered = "recovered";
    public const string WrittenOff = "written-off";

    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public Guid OrderId { get; set; }
    public required string TransactionId { get; set; }
    public Guid MerchantId { get; set; }
    public required string MchId { get; set; }

    /// <summary>The terminal that took the payment (FACE-5), when known.</summary>
    public string? TerminalId { get; set; }

    /// <summary>The payment's amount when the claim was made, in fen.</summary>
    public long AmountFen { get; set; }

    /// <summary><see cref="Stolen"/> or <see cref="Mistaken"/>.</summary>
    public required string Kind { get; set; }

    /// <summary>What the user says happened (2–200 characters).</summary>
    public required string Description { get; set; }

    /// <summary>The department answerable for the claim (CS-1), named when it opens.</summary>
    public required string Department { get; set; }

    /// <summary>The operator who took the claim, once someone has.</summary>
    public string? AssignedTo { get; set; }
    public DateTimeOffset DeadlineAt { get; set; }
    public required string State { get; set; }

    /// <summary>What the fund paid the user first, in fen (0 unless compensated).</summary>
    public long CompensatedFen { get; set; }

    /// <summary>The part of <see cref="CompensatedFen"/> paid back as consumption-only funds (CARD-3: what the payment took from
    /// them does not come back withdrawable).</summary>
    public long CompensatedConsumptionFen { get; set; }

    /// <summary>The adjustment that paid the user (a new id per attempt: the ledger remembers a refused id's refusal).</summary>
    public Guid? CompensationTransferId { get; set; }
    public string? DecidedBy { get; set; }
    public string? DecisionNote { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }

    /// <summary>Null until compensated; then <see cref="Pursuing"/>, <see cref="Recovered"/> or <see cref="WrittenOff"/>.</summary>
    public string? RecoveryState { get; set; }
    public long RecoveredFen { get; set; }

    /// <summary>The adjustment that moved the recovered money into the fund (a new id per attempt, kept for resuming).</summary>
    public Guid? RecoveryTransferId { get; set; }
    public string? RecoveryBy { get; set; }
    public string? RecoveryNote { get; set; }
    public DateTimeOffset? RecoveryAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public int Version { get; set; }
}

internal sealed class FaceClaimRowMapping : IEntityTypeConfiguration<FaceClaimRow>
{
    public void Configure(EntityTypeBuilder<FaceClaimRow> e)
    {
        e.ToTable("face_claims");
        e.HasIndex(x => x.OrderId).IsUnique();
        e.HasIndex(x => new { x.UserId, x.CreatedAt });
        e.HasIndex(x => new { x.State, x.DeadlineAt });
        e.Property(x => x.TransactionId).HasMaxLength(32);
        e.Property(x => x.MchId).HasMaxLength(32);
        e.Property(x => x.TerminalId).HasMaxLength(32);
        e.Property(x => x.Kind).HasMaxLength(16);
        e.Property(x => x.Description).HasMaxLength(200);
        e.Property(x => x.Department).HasMaxLength(64);
        e.Property(x => x.AssignedTo).HasMaxLength(64);
        e.Property(x => x.State).HasMaxLength(16);
        e.Property(x => x.DecidedBy).HasMaxLength(64);
        e.Property(x => x.DecisionNote).HasMaxLength(200);
        e.Property(x => x.RecoveryState).HasMaxLength(16);
        e.Property(x => x.RecoveryBy).HasMaxLength(64);
        e.Property(x => x.RecoveryNote).HasMaxLength(200);
        e.Property(x => x.Version).IsConcurrencyToken();
    }
}
