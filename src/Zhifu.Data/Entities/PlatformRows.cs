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

/// <summary>A merchant and its two ledger accounts (pending settlement, available).</summary>
public sealed class MerchantRow
{
    public Guid Id { get; set; }
    public required string MchId { get; set; }
    public required string Name { get; set; }
    public int Status { get; set; }
    public Guid PendingAccountId { get; set; }
    public Guid AvailableAccountId { get; set; }

    /// <summary>退款审核 (PAY-4): refunds wait for a reviewer in the merchant console before money moves.</summary>
    public bool RefundReviewRequired { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>An operator of the institution with one role (SEC-1).</summary>
public sealed class OperatorRow : IPasswordSignIn
{
    public Guid Id { get; set; }
    public required string Username { get; set; }
    public required string Role { get; set; }
    public required string PasswordHash { get; set; }
    public bool MustChangePassword { get; set; }
    public int FailedSignIns { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Small facts about the database itself (e.g. when the demo world was seeded).</summary>
public sealed class MetaRow
{
    public required string Key { get; set; }
    public required string Value { get; set; }
}
