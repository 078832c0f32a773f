namespace Zhifu.Data.Entities;

/// <summary>A ledger account row. Balances are written only by the ledger writer.</summary>
public sealed class LedgerAccountRow
{
    public Guid Id { get; set; }
    public int Ledger { get; set; }
    public int Code { get; set; }
    public int Flags { get; set; }
    public long DebitsPending { get; set; }
    public long DebitsPosted { get; set; }
    public long CreditsPending { get; set; }
    public long CreditsPosted { get; set; }
    public long Timestamp { get; set; }
}

/// <summary>A stored transfer: applied (result 0) or a first failure that reserves its id. Never updated.</summary>
public sealed class LedgerTransferRow
{
    public Guid Id { get; set; }
    public Guid DebitAccountId { get; set; }
    public Guid CreditAccountId { get; set; }
    public long Amount { get; set; }
    public Guid? PendingId { get; set; }
    public long Timeout { get; set; }
    public int Ledger { get; set; }
    public int Code { get; set; }
    public int Flags { get; set; }
    public Guid BusinessId { get; set; }
    public int Result { get; set; }
    public long Timestamp { get; set; }
}

/// <summary>The status of a hold (a pending transfer): open, posted, voided or expired.</summary>
public sealed class LedgerPendingRow
{
    public Guid Id { get; set; }
    public int Status { get; set; }
    public long ExpiresAt { get; set; }
    public long? ResolvedAt { get; set; }
}
