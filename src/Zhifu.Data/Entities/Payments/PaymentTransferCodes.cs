namespace Zhifu.Data.Entities;

/// <summary>
/// Ledger transfer codes of merchant payments (PAY-1, PAY-3), each explained by a <c>payment_orders</c> row (registered in
/// <c>BusinessRecords</c>). Numbers 40–49 are this feature's.
/// </summary>
public static class PaymentTransferCodes
{
    /// <summary>消费 — the payer's balance (or consumption-only funds, CARD-3) to the merchant's pending settlement account.</summary>
    public const ushort Payment = 40;

    /// <summary>手续费 — the merchant's fee on a payment, from its pending settlement account to the institution's fee income.</summary>
    public const ushort PaymentFee = 41;

    /// <summary>退款 — money back from the merchant's pending settlement account to the payer (balance or consumption-only funds).</summary>
    public const ushort Refund = 42;

    /// <summary>手续费退还 — the refunded share of the fee, from fee income back to the merchant's pending settlement account.</summary>
    public const ushort RefundFee = 43;
}
