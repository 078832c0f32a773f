using Zhifu.Server.Accounts;

namespace Zhifu.Server.Payments;

/// <summary>The Wallet API's refusals of merchant payments (problem+json, stable codes).</summary>
public static class PaymentErrors
{
    public static readonly WalletError NotFound = new(404, "PAYMENT_NOT_FOUND", "付款码无效或订单不存在", "No such payment order");
    public static readonly WalletError Expired = new(409, "PAYMENT_EXPIRED",
        "订单已超过支付时限", "The order can no longer be paid (time_expire passed)");
    public static readonly WalletError PayerMismatch = new(403, "PAYMENT_PAYER_MISMATCH",
        "该订单指定了其他付款人", "The merchant named another payer for this order");
    public static readonly WalletError MerchantUnavailable = new(409, "PAYMENT_MERCHANT_UNAVAILABLE", "该商户暂停收款",
        "The merchant cannot take payments now");
    public static readonly WalletError Closed = new(409, "PAYMENT_CLOSED", "订单已关闭", "The order is closed");
    public static readonly WalletError AlreadyPaid = new(409, "PAYMENT_ALREADY_PAID", "订单已被支付", "The order is already paid");
    public static readonly WalletError InProgress = new(409, "PAYMENT_IN_PROGRESS",
        "订单正在支付中，请稍后查看", "The order is being paid; look again shortly");
    /// <summary>A passwordless charge whose agreement was terminated before the order was claimed for it (PWL-5, PWL-7).</summary>
    public static readonly WalletError AgreementClosed = new(409, "PASSWORDLESS_AGREEMENT_CLOSED",
        "免密支付协议已关闭", "The passwordless agreement is closed");
    /// <summary>A face payment whose terminal was disabled, merchant taken off the face-pay whitelist or payer's face consent
    /// withdrawn while it was checked (FACE-1, FACE-5).</summary>
    public static readonly WalletError FacePayUnavailable = new(403, "FACE_PAY_UNAVAILABLE",
        "刷脸支付暂不可用（终端已停用或刷脸支付已关闭），请使用其他方式付款",
        "Face payment is not available (the terminal was disabled or face payment turned off); pay another way");
    /// <summary>Another payment, top-up, transfer or withdrawal of the payer was still being decided after
    /// <c>PayerTurns.DefaultWaitMax</c> (RISK-2: one decision per payer at a time); nothing was charged or moved. Payments and
    /// top-ups answer it.</summary>
    public static readonly WalletError PayerBusy = new(409, "PAYMENT_PAYER_BUSY", "您的另一笔付款、充值、转账或提现正在处理，请稍后再试",
        "Another payment, top-up, transfer or withdrawal of yours is being processed; try again shortly");
    public static readonly WalletError InsufficientBalance = new(409, "INSUFFICIENT_BALANCE", "余额不足", "Insufficient balance");
    public static readonly WalletError Unavailable = new(503, "PAYMENT_UNAVAILABLE",
        "支付处理中，结果稍后确认", "The payment is being processed; its result will be confirmed shortly");
}
