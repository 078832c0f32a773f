using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Zhifu.Data.Entities;

/// <summary>
/// One version of a risk rule (风控规则, RISK-2). Rules are data: a change is a new version row, never an edit, so every
/// decision names the exact version that fired. The highest version of a rule id is the one in force.
/// </summary>
public sealed class RiskRuleRow
{
    public required string RuleId { get; set; }
    public int Version { get; set; }
    public required string Type { get; set; }
    /// <summary>Comma-separated money movement kinds the rule looks at, or <c>*</c>.</summary>
    public required string Kinds { get; set; }
    public required string ParametersJson { get; set; }
    public required string Action { get; set; }
    public int Score { get; set; }
    /// <summary>active, dry-run (evaluated and recorded, never acted on) or off.</summary>
    public required string Mode { get; set; }
    public required string Description { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>The risk engine's decision on one money movement (RISK-1): the event as seen, the outcome and its reasons.</summary>
public sealed class RiskDecisionRow
{
    public Guid Id { get; set; }
    public Guid BusinessId { get; set; }
    public required string Kind { get; set; }
    public Guid UserId { get; set; }
    public long AmountFen { get; set; }
    public string? MchId { get; set; }
    public string? MerchantRiskLevel { get; set; }
    public Guid? PayeeUserId { get; set; }
    public string? CardToken { get; set; }
    /// <summary>The device's keyed blind index (hex), never the device id itself.</summary>
    public string? DeviceKey { get; set; }
    public string? Region { get; set; }
    public required string Action { get; set; }
    public int Score { get; set; }
    public required string HitsJson { get; set; }
    public required string DryRunJson { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>用户行为画像 — a user's behavioural profile (RISK-2), kept as the engine's incremental statistics.</summary>
public sealed class RiskProfileRow
{
    public Guid UserId { get; set; }
    public required string StateJson { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One entry of a risk list (风险名单, RISK-3): a blocked account, device, card or merchant.</summary>
public sealed class RiskListEntryRow
{
    public Guid Id { get; set; }
    public required string List { get; set; }
    /// <summary>The subject as the engine sees it: user id, device blind index (hex), card token or mchid.</summary>
    public required string SubjectKey { get; set; }
    public required string SubjectMasked { get; set; }
    public required string Reason { get; set; }
    public required string Source { get; set; }
    public DateTimeOffset ListedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public required string ListedBy { get; set; }
    public DateTimeOffset? RemovedAt { get; set; }
    public string? RemovedBy { get; set; }
    public string? RemovalReason { get; set; }
}

/// <summary>风险案件 (RISK-4): an alert risk staff work — assign, annotate, decide; a review case holds money until decided.</summary>
public sealed class RiskCaseRow
{
    public Guid Id { get; set; }
    public Guid DecisionId { get; set; }
    public required string Kind { get; set; }
    public required string BusinessKind { get; set; }
    public Guid BusinessId { get; set; }
    public Guid UserId { get; set; }
    public long AmountFen { get; set; }
    public required string Summary { get; set; }
    public required string Status { get; set; }
    public string? AssignedTo { get; set; }
    public string? Decision { get; set; }
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }

    /// <summary>The decision being carried out (a review case's money may be moving): once set, only it can complete the case.</summary>
    public string? DecidingAs { get; set; }

    /// <summary>When the decision under way was claimed: one decision of a case at a time (it lapses if its server stopped).</summary>
    public DateTimeOffset? DecidingSince { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>A note on a risk case, in the order written; notes are never edited.</summary>
public sealed class RiskCaseNoteRow
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    public required string Author { get; set; }
    public required string Text { get; set; }
    public DateTimeOffset At { get; set; }
}

internal sealed class RiskRuleRowMapping : IEntityTypeConfiguration<RiskRuleRow>
{
    public void Configure(EntityTypeBuilder<RiskRuleRow> e)
    {
        e.ToTable("risk_rules");
        e.HasKey(x => new { x.RuleId, x.Version });
        e.Property(x => x.RuleId).HasMaxLength(32);
        e.Property(x => x.Type).HasMaxLength(32);
        e.Property(x => x.Kinds).HasMaxLength(128);
        e.Property(x => x.ParametersJson).HasMaxLength(2048);
        e.Property(x => x.Action).HasMaxLength(16);
        e.Property(x => x.Mode).HasMaxLength(16);
        e.Property(x => x.Description).HasMaxLength(256);
        e.Property(x => x.CreatedBy).HasMaxLength(64);
    }
}

internal sealed class RiskDecisionRowMapping : IEntityTypeConfiguration<RiskDecisionRow>
{
    public void Configure(EntityTypeBuilder<RiskDecisionRow> e)
    {
        e.ToTable("risk_decisions");
        e.HasIndex(x => x.BusinessId);
        e.HasIndex(x => new { x.UserId, x.At });
        e.HasIndex(x => x.At);
        e.Property(x => x.Kind).HasMaxLength(16);
        e.Property(x => x.MchId).HasMaxLength(32);
        e.Property(x => x.MerchantRiskLevel).HasMaxLength(16);
        e.Property(x => x.CardToken).HasMaxLength(64);
        e.Property(x => x.DeviceKey).HasMaxLength(64);
        e.Property(x => x.Region).HasMaxLength(16);
        e.Property(x => x.Action).HasMaxLength(16);
        e.Property(x => x.HitsJson).HasMaxLength(4096);
        e.Property(x => x.DryRunJson).HasMaxLength(4096);
    }
}

internal sealed class RiskProfileRowMapping : IEntityTypeConfiguration<RiskProfileRow>
{
    public void Configure(EntityTypeBuilder<RiskProfileRow> e)
    {
        e.ToTable("risk_profiles");
        e.HasKey(x => x.UserId);
        e.Property(x => x.StateJson).HasMaxLength(16384);
    }
}

internal sealed class RiskListEntryRowMapping : IEntityTypeConfiguration<RiskListEntryRow>
{
    public void Configure(EntityTypeBuilder<RiskListEntryRow> e)
    {
        e.ToTable("risk_list_entries");
        e.HasIndex(x => new { x.List, x.SubjectKey });
        e.Property(x => x.List).HasMaxLength(16);
        e.Property(x => x.SubjectKey).HasMaxLength(64);
        e.Property(x => x.SubjectMasked).HasMaxLength(64);
        e.Property(x => x.Reason).HasMaxLength(256);
        e.Property(x => x.Source).HasMaxLength(64);
        e.Property(x => x.ListedBy).HasMaxLength(64);
        e.Property(x => x.RemovedBy).HasMaxLength(64);
        e.Property(x => x.RemovalReason).HasMaxLength(256);
    }
}

internal sealed class RiskCaseRowMapping : IEntityTypeConfiguration<RiskCaseRow>
{
    public void Configure(EntityTypeBuilder<RiskCaseRow> e)
    {
        e.ToTable("risk_cases");
        e.HasIndex(x => new { x.Status, x.CreatedAt });
        e.HasIndex(x => x.BusinessId);
        // One undecided case of each kind per money movement, whatever opens it at the same moment (the request, the recovery
        // worker): an open alert (a payer blocked on an order) does not stand in for the review case of a hold on it.
        e.HasIndex(x => new { x.BusinessId, x.Kind }, "UndecidedBusinessId").IsUnique().HasFilter("status <> 'decided'")
            .HasDatabaseName("ux_risk_cases_undecided_business_id");
        e.HasIndex(x => x.UserId);
        e.Property(x => x.Kind).HasMaxLength(16);
        e.Property(x => x.BusinessKind).HasMaxLength(16);
        e.Property(x => x.Summary).HasMaxLength(512);
        e.Property(x => x.Status).HasMaxLength(16);
        e.Property(x => x.AssignedTo).HasMaxLength(64);
        e.Property(x => x.Decision).HasMaxLength(16);
        e.Property(x => x.DecidingAs).HasMaxLength(16);
        e.Property(x => x.DecidedBy).HasMaxLength(64);
        e.Property(x => x.Version).IsConcurrencyToken();
    }
}

internal sealed class RiskCaseNoteRowMapping : IEntityTypeConfiguration<RiskCaseNoteRow>
{
    public void Configure(EntityTypeBuilder<RiskCaseNoteRow> e)
    {
        e.ToTable("risk_case_notes");
        e.HasIndex(x => x.CaseId);
        e.Property(x => x.Author).HasMaxLength(64);
        e.Property(x => x.Text).HasMaxLength(1024);
    }
}
