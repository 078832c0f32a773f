namespace Zhifu.Data.Entities;

/// <summary>
/// Ledger transfer codes of the transfers feature (TRF-1 … TRF-3, PAY-7), each explained by one business record (registered
/// in <c>BusinessRecords</c>). Numbers 30–39 are this feature's.
/// </summary>
public static class WalletTransferCodes
{
    /// <summary>转账 — wallet to wallet: posted at once, or a hold released or revoked later (TRF-2); record: the transfer.</summary>
    public const ushort WalletTransfer = 30;

    /// <summary>限额授予 — an agreed transfer limit credited to (or taken back from) a limit control account; record: the period.</summary>
    public const ushort TransferLimitAllowance = 31;

    /// <summary>限额占用 — a transfer's use of an agreed limit (amount or count), linked to the money move; record: the period.</summary>
    public const ushort TransferLimitUse = 32;
}
