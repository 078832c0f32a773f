using Zhifu.Server.Accounts;

namespace Zhifu.Server.Transfers;

/// <summary>Refusals of the transfer routes, with stable codes.</summary>
public static class TransferErrors
{
    public static readonly WalletError InvalidRequest = new(400, "INVALID_TRANSFER_REQUEST",
        "请求不完整：需要 requestId、收款方、金额（分）和支付密码", "Incomplete request: requestId, payee, amount (fen) and payment password are needed");
    public static readonly WalletError InvalidRequestId = new(400, "INVALID_REQUEST_ID",
        "requestId 须为 8–64 位字母、数字、- 或 _", "requestId must be 8-64 letters, digits, - or _");
    public static readonly WalletError InvalidAmount = new(400, "INVALID_AMOUNT", "金额须为正整数（分）",
        "The amount must be a positive whole number of fen");
    public static readonly WalletError InvalidArrival = new(400, "INVALID_ARRIVAL",
        "到账方式须为 realtime、2h 或 24h", "Arrival must be realtime, 2h or 24h");
    public static readonly WalletError InvalidMemo = new(400, "INVALID_MEMO", "附言最多 32 个字", "The memo has at most 32 characters");
    public static readonly WalletError PayeeNotFound = new(404, "PAYEE_NOT_FOUND", "找不到该手机号的知付钱包", "No Zhifu wallet for this phone number");
    public static readonly WalletError PayeeCannotReceive = new(409, "PAYEE_CANNOT_RECEIVE", "对方账户暂不能收款",
        "The payee's wallet cannot receive money now");
    public static readonly WalletError SelfTransfer = new(400, "CANNOT_TRANSFER_TO_SELF", "不能向自己的钱包转账",
        "You cannot transfer to your own wallet");
    public static readonly WalletError DelayOnlyForOthers = new(400, "DELAY_ONLY_FOR_OTHERS",
        "延时到账仅适用于向他人转账（TRF-2）", "Delayed arrival is only for transfers to another person (TRF-2)");
    public static readonly WalletError CreditCardNotAllowed = new(400, "CREDIT_CARD_NOT_ALLOWED",
        "信用卡只能用于消费，不能作为转账收款卡（CARD-3）", "Credit cards are for consumption only: no transfer to a credit card (CARD-3)");
    public static readonly WalletError CardNotFound = new(404, "CARD_NOT_FOUND", "找不到这张已绑定的银行卡", "No such bound card");
    public static readonly WalletError PayerBusy = new(409, "TRANSFER_IN_PROGRESS", "您的另一笔转账或提现正在处理，请稍后再试",
        "Another transfer or withdrawal of yours is being processed; try again in a moment");
    public static readonly WalletError InsufficientBalance = new(409, "INSUFFICIENT_BALANCE",
        "可转账余额不足（信用卡资金只能用于消费，CARD-3）", "Not enough transferable balance (credit-card money is for consumption only, CARD-3)");
    public static readonly WalletError RequestIdReused = new(409, "REQUEST_ID_REUSED",
        "该 requestId 已用于另一笔不同的转账", "This requestId was used for a different transfer");
    public static readonly WalletError SecondFactorRequired = new(403, "SECOND_FACTOR_REQUIRED",
        "今日非柜面转账累计超过 ¥50,000，请输入发送到绑定手机的验证码（TRF-3）",
        "Today's non-counter transfers pass ¥50,000: enter the code sent to your bound phone (TRF-3)");
    public static readonly WalletError BadSecondFactor = new(403, "SECOND_FACTOR_INVALID", "验证码错误或已过期", "The code is wrong or expired");
    public static readonly WalletError TransferNotFound = new(404, "TRANSFER_NOT_FOUND", "找不到该笔转账", "No such transfer");
    public static readonly WalletError NotRevocable = new(409, "TRANSFER_NOT_REVOCABLE",
        "只有尚未到账的延时转账可以撤销（TRF-2）", "Only a delayed transfer that has not arrived can be revoked (TRF-2)");
    public static readonly WalletError AlreadyArrived = new(409, "TRANSFER_ALREADY_ARRIVED", "该笔转账已到账，不能撤销",
        "The transfer has arrived; it can no longer be revoked");
    public static readonly WalletError Unavailable = new(503, "LEDGER_UNAVAILABLE", "系统繁忙，请稍后再试", "The ledger is busy; try again later");
    public static readonly WalletError InvalidLimits = new(400, "INVALID_TRANSFER_LIMITS",
        "限额须为正数（null 表示按信用等级自动设置），且须写明原因", "Limits must be positive (null = automatic by credit level) and a reason is required");
    public static readonly WalletError UserNotFound = new(404, "USER_NOT_FOUND", "找不到该用户", "No such user");
}
