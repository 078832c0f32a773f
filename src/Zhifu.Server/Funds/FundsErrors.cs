using Zhifu.Core;
using Zhifu.Server.Accounts;
using Zhifu.Server.RealName.Limits;
using Zhifu.Server.Transfers;

namespace Zhifu.Server.Funds;

/// <summary>Refusals of top-up and withdrawal, with stable codes.</summary>
public static class FundsErrors
{
    public static readonly WalletError CardNotFound = new(404, "CARD_NOT_FOUND", "找不到这张已绑定的银行卡", "No such bound card");
    public static readonly WalletError RequestIdReused = new(409, "REQUEST_ID_REUSED", "该 requestId 已用于另一笔不同的充值或提现",
        "This requestId was used for a different top-up or withdrawal");
    public static readonly WalletError CreditCardCannotReceive = new(400, "CREDIT_CARD_NOT_ALLOWED",
        "信用卡资金只能用于消费，不能提现到信用卡（CARD-3）", "Credit cards are for consumption only: no withdrawal to a credit card (CARD-3)");
    public static readonly WalletError BadAmount = new(400, "INVALID_AMOUNT", "金额须为正整数（分），且不超过单笔上限", "The amount must be a positive whole number of fen within the single limit");
    public static readonly WalletError InsufficientBalance = new(409, "INSUFFICIENT_BALANCE", "可提现余额不足", "Not enough withdrawable balance");
    public static readonly WalletError Unavailable = new(503, "LEDGER_UNAVAILABLE", "系统繁忙，请稍后再试", "The ledger is busy; try again later");
    public static readonly WalletError InProgress = new(409, "FUND_MOVEMENT_IN_PROGRESS", "该笔充值或提现正在处理，请稍后查看",
        "This top-up or withdrawal is being processed; look again shortly");
    public static readonly WalletError MovementNotFound = new(404, "FUND_MOVEMENT_NOT_FOUND", "找不到该笔充值或提现", "No such top-up or withdrawal");

    /// <summary>
    /// ACC-2's refusal as problem+json with the numbers the app shows — the same fields a transfer's refusal carries:
    /// <c>limit</c> (e.g. <c>class-one-since-opening</c>), <c>limitValue</c>, <c>remaining</c>, <c>resetsAt</c> (null: never).
    /// </summary>
    public static IResult LimitRefused(LimitRefusal refusal, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        ArgumentNullException.ThrowIfNull(context);
        var english = context.Request.Headers.AcceptLanguage.ToString().StartsWith("en", StringComparison.OrdinalIgnoreCase);
        var error = refusal.ToError();
        var extensions = new Dictionary<string, object?> { ["code"] = error.Code, ["message_zh"] = error.Zh, ["message_en"] = error.En };
        if (refusal.Limit is { } kind)
        {
            extensions["limit"] = TransferLimits.ClassLimitName(kind);
            extensions["limitValue"] = refusal.LimitFen;
            extensions["remaining"] = refusal.RemainingFen;
            extensions["resetsAt"] = refusal.ResetsAt is { } r
                ? ChinaTime.ToChina(r).ToString("O", System.Globalization.CultureInfo.InvariantCulture)
                : null;
        }
        return Results.Problem(statusCode: error.Status, title: error.Code, detail: english ? error.En : error.Zh, extensions: extensions);
    }
}
