using Zhifu.Core;
using Zhifu.Server.Accounts;
using Zhifu.Server.MerchantApi;

namespace Zhifu.Server.Passwordless;

/// <summary>The Wallet and Operator APIs' refusals about passwordless payment (problem+json, stable codes).</summary>
public static class PasswordlessErrors
{
    public static readonly WalletError NotFound = new(404, "PASSWORDLESS_NOT_FOUND", "免密支付协议不存在", "No such passwordless agreement");
    public static readonly WalletError Expired = new(409, "PASSWORDLESS_PRESIGN_EXPIRED", "签约请求已过期，请回到商户重新发起",
        "The signing request expired; start again at the merchant");
    public static readonly WalletError AlreadySigned = new(409, "PASSWORDLESS_ALREADY_SIGNED", "该协议已签署或已关闭",
        "This agreement is already signed or closed");
    public static readonly WalletError MerchantNotEligible = new(403, "PASSWORDLESS_MERCHANT_NOT_ELIGIBLE", "该商户暂不能开通免密支付",
        "This merchant may not offer passwordless payment");
    public static readonly WalletError PayerMismatch = new(403, "PASSWORDLESS_PAYER_MISMATCH", "该签约请求指定了其他用户",
        "The merchant asked another user to sign");
    public static readonly WalletError TermsNotAccepted = new(400, "PASSWORDLESS_TERMS_NOT_ACCEPTED", "请阅读并勾选同意免密支付协议",
        "Read and accept the passwordless agreement first");
    public static readonly WalletError RealNameRequired = new(403, "PASSWORDLESS_REAL_NAME_REQUIRED", "请先完成实名认证再开通免密支付",
        "Verify your real name before opening passwordless payment");
    public static readonly WalletError ElderlyConfirmRequired = new(400, "PASSWORDLESS_ELDERLY_CONFIRM_REQUIRED",
        "请再次确认：开通后小额扣款不再需要输入密码", "Confirm once more: small payments will no longer ask for your password");
    public static readonly WalletError AssessmentNotPassed = new(400, "PASSWORDLESS_ASSESSMENT_NOT_PASSED",
        "风险承受能力评估未通过，暂不建议开通免密支付", "The risk-tolerance assessment was not passed; passwordless is not opened");
    public static readonly WalletError DisputeNotAllowed = new(409, "PASSWORDLESS_DISPUTE_NOT_ALLOWED",
        "只能投诉自己的免密扣款，且每笔只能投诉一次", "Only your own passwordless payments can be disputed, once each");
    public static readonly WalletError InvalidReason = new(400, "PASSWORDLESS_INVALID_REASON", "请填写 2–200 字的投诉原因",
        "Give a reason of 2–200 characters");

    public static readonly WalletError NoteRequired = new(400, "PASSWORDLESS_NOTE_REQUIRED", "请填写 2–200 字的处理说明",
        "Give a note of 2–200 characters");
    public static readonly WalletError DisputeNotOpen = new(409, "PASSWORDLESS_DISPUTE_NOT_OPEN", "投诉不存在或已处理",
        "No such open dispute");

    public static readonly WalletError DisputeBeingDecided = new(409, "PASSWORDLESS_DISPUTE_BEING_DECIDED",
        "另一位操作员正在处理该投诉，请稍后刷新查看", "Another operator is deciding this dispute; look again shortly");
    public static readonly WalletError DisputeRefunded = new(409, "PASSWORDLESS_DISPUTE_REFUNDED",
        "该投诉已按成立退款给用户，只能以成立结案", "The user was already refunded for this dispute as upheld: only upholding can close it");
    public static readonly WalletError MerchantUnavailable = new(409, "PASSWORDLESS_MERCHANT_UNAVAILABLE",
        "商户已停用，无法由商户退款", "The merchant is not active and cannot refund");

    public static WalletError LossOutOfRange(long amountFen) => new(400, "PASSWORDLESS_LOSS_OUT_OF_RANGE",
        $"损失金额须在 ¥0.00 至扣款金额 {new Money(amountFen)} 之间", $"The loss must be between ¥0.00 and the payment's {new Money(amountFen)}");

    /// <summary>The dispute's refund is not through yet (the ledger did not answer at once; the worker retries it): it may still
    /// close without paying the user, so no decision is recorded and the dispute stays open.</summary>
    public static readonly WalletError RefundProcessing = new(409, "PASSWORDLESS_REFUND_PROCESSING",
        "商户退款处理中，投诉仍待处理，请稍后再次决定", "The merchant's refund is still processing; the dispute stays open — decide it again shortly");

    /// <summary>An upheld dispute's refund by the merchant did not go through (e.g. NOT_ENOUGH): the dispute stays open.</summary>
    public static WalletError RefundRefused(string refundCode) => new(409, "PASSWORDLESS_REFUND_REFUSED",
        $"商户退款未成功（{refundCode}），投诉仍待处理", $"The merchant's refund did not go through ({refundCode}); the dispute stays open");

    /// <summary>The request field a refusal is about, for problem+json's <c>field</c> and for the console to show it beside.</summary>
    public static string? FieldOf(WalletError error) => error?.Code switch
    {
        "PASSWORDLESS_NOTE_REQUIRED" => "note",
        "PASSWORDLESS_LOSS_OUT_OF_RANGE" => "lossFen",
        _ => null,
    };

    public static readonly WalletError InvalidLimit = new(400, "PASSWORDLESS_INVALID_LIMIT",
        "限额须为大于 0 的金额（元，最多两位小数）", "A limit must be an amount above zero (yuan, at most two decimals)");

    public static WalletError LimitAboveCap(long perPayment, long daily) => new(400, "PASSWORDLESS_LIMIT_ABOVE_CAP",
        $"限额不能高于单笔 {new Money(perPayment)}、每日 {new Money(daily)}，且单笔不能高于每日",
        $"Limits may not exceed {new Money(perPayment)} per payment and {new Money(daily)} a day, nor per payment above daily");
}

/// <summary>The merchant API's refusals of entrusted debit (委托代扣), in the protocol's <c>{code, message}</c> shape.</summary>
public static class PasswordlessV3Errors
{
    /// <summary>403 NO_AUTH: the merchant may not offer passwordless (PWL-3) — not eligible, high-risk, or eligibility revoked.</summary>
    public static readonly V3Error NotEligible = new(403, "NO_AUTH", "商户无委托代扣（免密支付）权限 (the merchant may not offer passwordless payment)");

    public static readonly V3Error ContractCodeUsed = V3Error.InvalidRequest("商户签约协议号已使用，不能重复使用",
        "out_contract_code was already used and cannot be used again");

    public static readonly V3Error ContractNotExist = new(404, "RESOURCE_NOT_EXISTS", "委托代扣协议不存在或已解约 (no such signed contract)");
}
