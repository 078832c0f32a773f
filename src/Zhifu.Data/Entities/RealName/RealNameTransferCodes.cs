namespace Zhifu.Data.Entities;

/// <summary>
/// Ledger transfer codes of the real-name feature (ACC-2), each explained by one business record (registered in
/// <c>BusinessRecords</c>). Numbers 20–29 are this feature's.
/// </summary>
public static class RealNameTransferCodes
{
    /// <summary>额度授予 — a class allowance credited to (or taken back from) a limit control account; record: the limit period.</summary>
    public const ushort BalanceLimitAllowance = 20;

    /// <summary>额度占用 — allowance used by a balance payment or transfer out, linked to the move; record: the limit period.</summary>
    public const ushort BalanceLimitUse = 21;

    /// <summary>账户合并 — the other wallet's balance moved into the kept one (one Class Ⅲ per ID number); record: the merge.</summary>
    public const ushort WalletMerge = 22;
}
