using Zhifu.Core;
using Zhifu.Server.Accounts;

namespace Zhifu.Server.Transfers;

/// <summary>
/// A refusal of the transfer routes: the Wallet API's problem+json shape (stable code, zh/en) plus the numbers the app
/// shows — which limit, what is left, when it resets, or the confirmation a large amount needs (TRF-1, TRF-3).
/// </summary>
public sealed record TransferProblem(int Status, string Code, string Zh, string En, IReadOnlyDictionary<string, object?>? Extra = null)
{
    public static TransferProblem From(WalletError error) => new(error.Status, error.Code, error.Zh, error.En);

    public IResult ToResult(HttpContext context)
    {
        var english = context.Request.Headers.AcceptLanguage.ToString().StartsWith("en", StringComparison.OrdinalIgnoreCase);
        var extensions = new Dictionary<string, object?> { ["code"] = Code, ["message_zh"] = Zh, ["message_en"] = En };
        foreach (var (key, value) in Extra ?? new Dictionary<string, object?>())
        {
            extensions[key] = value;
        }
        return Results.Problem(statusCode: Status, title: Code, detail: english ? En : Zh, extensions: extensions);
    }

    /// <summary>An agreed or class limit would be passed: the limit, what is left and when it resets (TRF-1, ACC-2).</summary>
    public static TransferProblem LimitExceeded(string limit, long limitValue, long remaining, DateTimeOffset? resetsAt)
    {
        var count = limit == TransferLimitLedger.DailyCount;
        string Show(long v) => count ? $"{v} 笔" : new Money(v).ToString();
        string ShowEn(long v) => count ? $"{v} transfers" : new Money(v).ToString();
        var reset = resetsAt is { } r ? ChinaTime.Format(r) : null;
        var (zhName, enName) = limit switch
        {
            "single-amount" => ("单笔转账限额", "single-transfer limit"),
            TransferLimitLedger.DailyAmount => ("日累计转账限额", "daily transfer amount limit"),
            TransferLimitLedger.DailyCount => ("日累计转账笔数", "daily transfer count limit"),
            _ => ("年累计转账限额", "yearly transfer amount limit"),
        };
        var code = limit switch
        {
            "single-amount" => "SINGLE_TRANSFER_LIMIT_EXCEEDED",
            TransferLimitLedger.DailyAmount => "DAILY_TRANSFER_AMOUNT_EXCEEDED",
            TransferLimitLedger.DailyCount => "DAILY_TRANSFER_COUNT_EXCEEDED",
            _ => "YEARLY_TRANSFER_AMOUNT_EXCEEDED",
        };
        var zh = $"超出{zhName} {Show(limitValue)}，剩余 {Show(remaining)}" + (reset is null ? "" : $"，{reset} 重置") + "（TRF-1）";
        var en = $"Over the {enName} of {ShowEn(limitValue)}: {ShowEn(remaining)} left"
            + (reset is null ? "" : $", resets at {reset}") + " (TRF-1)";
        return new(403, code, zh, en, Numbers(limit, limitValue, remaining, resetsAt));
    }

    public static IReadOnlyDictionary<string, object?> Numbers(string limit, long limitValue, long remaining, DateTimeOffset? resetsAt) =>
        new Dictionary<string, object?>
        {
            ["limit"] = limit, ["limitValue"] = limitValue, ["remaining"] = remaining,
            ["resetsAt"] = resetsAt is { } r ? ChinaTime.ToChina(r).ToString("O", System.Globalization.CultureInfo.InvariantCulture) : null,
        };
}
