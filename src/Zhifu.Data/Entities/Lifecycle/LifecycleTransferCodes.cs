namespace Zhifu.Data.Entities;

/// <summary>
/// Ledger transfer codes of the account lifecycle (ACC-4 … ACC-6), each explained by one business record (registered in
/// <c>BusinessRecords</c>). Numbers 50–59 are this feature's.
/// </summary>
public static class LifecycleTransferCodes
{
    /// <summary>
    /// 销户 — the closing hold (amount 0) that closes a wallet's two ledger accounts (ACC-6), and its post that keeps them
    /// closed; record: the wallet's user.
    /// </summary>
    public const ushort AccountClosure = 50;
}
