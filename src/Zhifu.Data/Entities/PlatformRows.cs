namespace Zhifu.Data.Entities;

/// <summary>The institution's own ledger accounts by well-known key (e.g. <c>custody:ICBC</c>, <c>fee-income</c>).</summary>
public sealed class InstitutionAccountRow
{
    public required string Key { get; set; }
    public Guid AccountId { get; set; }
    public required string Name { get; set; }
}

/// <summary>调账 — the business record behind an adjustment transfer (demo funding, operator corrections).</summary>
public sealed class AdjustmentRow
{
    public Guid Id { get; set; }
    public required string Kind { get; set; }
    public required string Reason { get; set; }
    public long AmountFen { get; set; }
    public Guid DebitAccountId { get; set; }
    public Guid CreditAccountId { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// A merchant (MER-1): its onboarding record — business licence, legal person (encrypted, ACC-8), category, risk level,
/// settlement account (encrypted) — its operators' approval, and its two ledger accounts (pending settlement, available),
/// opened when it is approved.
/// </summary>
public sealed class MerchantRow
{
    public const int Pending = 0;
    public const int Active = 1;
    public const int Rejected = 2;
    public const int Suspended = 3;

    public Guid Id { get; set; }
    public required string MchId { get; set; }
    public required string Name { get; set; }

    /// <summary>0 pending review, 1 active, 2 rejected, 3 suspended.</summary>
    public int Status { get; set; }

    /// <summary>统一社会信用代码 (18 characters).</summary>
    public string? LicenceNo { get; set; }
    public byte[]? LegalPersonNameCipher { get; set; }
    public byte[]? LegalPersonIdCipher { get; set; }

    /// <summary>Merchant category code (MCC, 4 digits).</summary>
    public string? Mcc { get; set; }

    /// <summary>low, medium or high: high-risk merchants never get passwordless or face payment (PWL-3).</summary>
    public string RiskLevel { get; set; } = "low";
    public string? SettlementBank { get; set; }
    public string? SettlementAccountName { get; set; }
    public byte[]? SettlementAccountCipher { get; set; }
    public string? SettlementAccountLast4 { get; set; }
    /// <summary>The fee rate the application asked for (ppm); the merchant's credentials carry the rate in force.</summary>
    public int FeeRatePpmApplied { get; set; }
    public bool PasswordlessEligible { get; set; }

    /// <summary>The merchant's passwordless limits (PWL-3), in fen; 0 = the platform's default.</summary>
    public long PasswordlessPerPaymentFen { get; set; }
    public long PasswordlessDailyFen { get; set; }
    public bool FacePayEligible { get; set; }

    /// <summary>Largest single payment the merchant may take, in fen (0 = no limit of its own).</summary>
    public long SinglePaymentLimitFen { get; set; }
    public string? AppliedBy { get; set; }
    public string? ReviewedBy { get; set; }
    public string? ReviewNote { get; set; }
    public DateTimeOffset? ReviewedAt { get; set; }
    public Guid PendingAccountId { get; set; }
    public Guid AvailableAccountId { get; set; }

    /// <summary>退款审核 (PAY-4): refunds wait for a reviewer in the merchant console before money moves.</summary>
    public bool RefundReviewRequired { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>An operator of the institution with one role (SEC-1), created by the server's <c>operator</c> verb.</summary>
public sealed class OperatorRow : IPasswordSignIn
{
    public Guid Id { get; set; }
    public required string Username { get; set; }
    public required string Role { get; set; }
    public required string PasswordHash { get; set; }

    /// <summary>An initial password (from <c>operator add</c> or <c>operator reset-password</c>) must be changed before anything
    /// else (ACC-7).</summary>
    public bool MustChangePassword { get; set; }
    public int FailedSignIns { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public string SessionStamp { get; set; } = IPasswordSignIn.NewStamp();

    /// <summary>A disabled operator cannot sign in and their sessions end; the row stays for the audit trail.</summary>
    public DateTimeOffset? DisabledAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Small facts about the database itself (e.g. when the demo world was seeded).</summary>
public sealed class MetaRow
{
    public required string Key { get; set; }
    public required string Value { get; set; }
}
