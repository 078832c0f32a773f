using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>
/// 免密支付协议 (PWL-1): binds one user either to one merchant (委托代扣, entrusted debit: the merchant asks for a contract
/// by pre-signing, the user signs it in the wallet, the merchant then charges under its contract_id) or to the user's own
/// small offline payments by payment code. Records the agreement text version, the limits and when and through which page
/// it was signed. A PENDING row is a merchant's pre-sign session waiting for the user; it never charges.
/// </summary>
public sealed class PasswordlessAgreementRow
{
    public const string Pending = "PENDING";
    public const string Signed = "SIGNED";
    public const string Terminated = "TERMINATED";

    /// <summary>Entrusted debit by one merchant.</summary>
    public const string KindMerchant = "merchant";

    /// <summary>The user's own small payments by payment code (付款码小额免密).</summary>
    public const string KindOfflineCode = "offline-code";

    public Guid Id { get; set; }
    public required string Kind { get; set; }
    public Guid? UserId { get; set; }
    public Guid? MerchantId { get; set; }
    public string? MchId { get; set; }
    public string? AppId { get; set; }
    public long PlanId { get; set; }
    public string? OutContractCode { get; set; }

    /// <summary>委托代扣协议ID, given when signed.</summary>
    public string? ContractId { get; set; }

    /// <summary>pre_entrustweb_id: what the wallet opens to sign a merchant's pre-signed contract.</summary>
    public string? PreSignId { get; set; }
    public DateTimeOffset? PreSignExpiresAt { get; set; }
    public string? DisplayAccount { get; set; }
    public string? OutUserCode { get; set; }

    /// <summary>The payer the merchant named at pre-sign (openid), if any: only that user may sign.</summary>
    public string? PayerOpenId { get; set; }
    public string? NotifyUrl { get; set; }
    public required string State { get; set; }
    public string? TextVersion { get; set; }
    public long PerPaymentLimitFen { get; set; }
    public long DailyLimitFen { get; set; }

    /// <summary>Signed by a user of 60 or more (PWL-2): lower limits, an extra confirmation, a push for every payment.</summary>
    public bool Elderly { get; set; }

    /// <summary>The elderly user's risk-tolerance assessment score (PWL-2), when one was taken.</summary>
    public int? AssessmentScore { get; set; }
    public DateTimeOffset? SignedAt { get; set; }

    /// <summary>Which page or API the user signed through, e.g. "wallet-h5" or "wallet-api".</summary>
    public string? SignedVia { get; set; }
    public DateTimeOffset? TerminatedAt { get; set; }

    /// <summary>USER, MERCHANT or PLATFORM.</summary>
    public string? TerminationMode { get; set; }
    public string? TerminationRemark { get; set; }

    /// <summary>When the user was last reminded to review this agreement (PWL-7).</summary>
    public DateTimeOffset? ReviewRemindedAt { get; set; }

    /// <summary>
    /// Set while a charge under this agreement is being decided and paid (PWL-3): one charge of an agreement at a time, so
    /// charges sent at once cannot each find the same day unspent. A claim older than a minute (its server died) lapses.
    /// </summary>
    public DateTimeOffset? ChargingSince { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>
/// A complaint about a passwordless payment (PWL-5, PWL-6): opened by the user with a deadline, decided by an operator;
/// the loss a decision books counts in the per-merchant loss and dispute report.
/// </summary>
public sealed class PasswordlessDisputeRow
{
    public const string Open = "open";
    public const string Upheld = "upheld";
    public const string Rejected = "rejected";

    public Guid Id { get; set; }
    public Guid OrderId { get; set; }
    public required string TransactionId { get; set; }
    public Guid AgreementId { get; set; }
    public Guid MerchantId { get; set; }
    public required string MchId { get; set; }
    public Guid UserId { get; set; }
    public long AmountFen { get; set; }
    public required string Reason { get; set; }
    public required string State { get; set; }
    public DateTimeOffset DeadlineAt { get; set; }

    /// <summary>What the platform or the merchant lost on an upheld dispute (0 when the merchant refunded it).</summary>
    public long LossFen { get; set; }
    public string? DecidedBy { get; set; }
    public string? DecisionNote { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>A decision under way (a row claim): one operator decides a dispute at a time, refund and record together.</summary>
    public DateTimeOffset? DecidingSince { get; set; }
}

internal sealed class PasswordlessAgreementRowMapping : IEntityTypeConfiguration<PasswordlessAgreementRow>
{
    public void Configure(EntityTypeBuilder<PasswordlessAgreementRow> e)
    {
        e.ToTable("passwordless_agreements");
        e.HasIndex(x => new { x.MerchantId, x.PlanId, x.OutContractCode }).IsUnique();
        e.HasIndex(x => x.ContractId).IsUnique();
        e.HasIndex(x => x.PreSignId).IsUnique();
        e.HasIndex(x => new { x.UserId, x.State });
        e.Property(x => x.Kind).HasMaxLength(16);
        e.Property(x => x.MchId).HasMaxLength(32);
        e.Property(x => x.AppId).HasMaxLength(32);
        e.Property(x => x.OutContractCode).HasMaxLength(32);
        e.Property(x => x.ContractId).HasMaxLength(32);
        e.Property(x => x.PreSignId).HasMaxLength(64);
        e.Property(x => x.DisplayAccount).HasMaxLength(32);
        e.Property(x => x.OutUserCode).HasMaxLength(64);
        e.Property(x => x.PayerOpenId).HasMaxLength(128);
        e.Property(x => x.NotifyUrl).HasMaxLength(256);
        e.Property(x => x.State).HasMaxLength(16);
        e.Property(x => x.TextVersion).HasMaxLength(32);
        e.Property(x => x.SignedVia).HasMaxLength(32);
        e.Property(x => x.TerminationMode).HasMaxLength(16);
        e.Property(x => x.TerminationRemark).HasMaxLength(128);
        e.Property(x => x.Version).IsConcurrencyToken();
    }
}

internal sealed class PasswordlessDisputeRowMapping : IEntityTypeConfiguration<PasswordlessDisputeRow>
{
    public void Configure(EntityTypeBuilder<PasswordlessDisputeRow> e)
    {
        e.ToTable("passwordless_disputes");
        e.HasIndex(x => x.OrderId).IsUnique();
        e.HasIndex(x => new { x.MerchantId, x.State });
        e.HasIndex(x => new { x.UserId, x.CreatedAt });
        e.Property(x => x.TransactionId).HasMaxLength(32);
        e.Property(x => x.MchId).HasMaxLength(32);
        e.Property(x => x.Reason).HasMaxLength(256);
        e.Property(x => x.State).HasMaxLength(16);
        e.Property(x => x.DecidedBy).HasMaxLength(64);
        e.Property(x => x.DecisionNote).HasMaxLength(256);
    }
}
