using Zhifu.Core.Ledger;
using Zhifu.Data.Entities;

namespace Zhifu.Data.Ledger;

/// <summary>
/// Which table explains each transfer code: <c>verify</c> proves every applied transfer names exactly one existing
/// record there (architecture.md invariant). A feature that adds a transfer code registers its table here.
/// </summary>
public static class BusinessRecords
{
    /// <summary>Transfer code → (table, key column) of the business record.</summary>
    public static IReadOnlyDictionary<ushort, (string Table, string KeyColumn)> Tables { get; } =
        new Dictionary<ushort, (string, string)>
        {
            [TransferCode.Adjustment] = ("adjustments", "id"),
            [RealNameTransferCodes.BalanceLimitAllowance] = ("balance_limit_periods", "id"),
            [RealNameTransferCodes.BalanceLimitUse] = ("balance_limit_periods", "id"),
            [RealNameTransferCodes.WalletMerge] = ("wallet_merges", "id"),
            [LifecycleTransferCodes.AccountClosure] = ("users", "id"),
            [TransferCode.TopUp] = ("fund_movements", "id"),
            [TransferCode.Withdrawal] = ("fund_movements", "id"),
            [WalletTransferCodes.WalletTransfer] = ("wallet_transfers", "id"),
            [WalletTransferCodes.TransferLimitAllowance] = ("transfer_limit_periods", "id"),
            [WalletTransferCodes.TransferLimitUse] = ("transfer_limit_periods", "id"),
            [PaymentTransferCodes.Payment] = ("payment_orders", "id"),
            [PaymentTransferCodes.PaymentFee] = ("payment_orders", "id"),
            [PaymentTransferCodes.Refund] = ("payment_refunds", "id"),
            [PaymentTransferCodes.RefundFee] = ("payment_refunds", "id"),
        };
}
