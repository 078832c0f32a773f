using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Zhifu.Server.MerchantApi;

namespace Zhifu.Server.Payments;

/// <summary>Native下单's body (appid, mchid, description, out_trade_no, time_expire, attach, notify_url, amount), validated.</summary>
public sealed record NativeOrderRequest(string AppId, string MchId, string Description, string OutTradeNo, DateTimeOffset? TimeExpire,
    string? Attach, string NotifyUrl, long TotalFen, string Currency)
{
    /// <summary>What the merchant asked for, so a repeated out_trade_no is told from a different order (PAY-6).</summary>
    public string Hash() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(
        new object?[] { AppId, MchId, Description, OutTradeNo, TimeExpire?.UtcTicks, Attach, NotifyUrl, TotalFen, Currency }))));

    public static (NativeOrderRequest? Order, V3Error? Error) Parse(byte[] body)
    {
        var (document, invalid) = V3Json.ParseObject(body);
        if (invalid is not null)
        {
            return (null, invalid);
        }
        using (document)
        {
            var root = document!.RootElement;
            var errors = new[]
            {
                V3Json.Text(root, "appid", 32, true, out var appId), V3Json.Text(root, "mchid", 32, true, out var mchId),
                V3Json.Text(root, "description", 127, true, out var description), V3Json.Text(root, "out_trade_no", 32, true, out var outTradeNo),
                V3Json.Text(root, "time_expire", 64, false, out var timeExpire), V3Json.Text(root, "attach", 128, false, out var attach),
                V3Json.Text(root, "notify_url", 255, true, out var notifyUrl),
            };
            if (errors.FirstOrDefault(e => e is not null) is { } error)
            {
                return (null, error);
            }
            if ((V3Json.MerchantNumber("out_trade_no", outTradeNo!, 6, 32, "_-|*") ?? V3Json.NotifyUrl(notifyUrl)) is { } badField)
            {
                return (null, badField);
            }
            DateTimeOffset? expire = null;
            if (timeExpire is not null)
            {
                if (!DateTimeOffset.TryParseExact(timeExpire, ["yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFzzz"],
                    System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var parsed))
                {
                    return (null, V3Error.ParamError("time_expire 须为 rfc3339 格式，如 2018-06-08T10:34:56+08:00",
                        "time_expire must be rfc3339, e.g. 2018-06-08T10:34:56+08:00"));
                }
                expire = parsed;
            }
            if (!root.TryGetProperty("amount", out var amount) || amount.ValueKind != JsonValueKind.Object)
            {
                return (null, V3Error.ParamError("缺少 amount", "amount is required"));
            }
            if ((V3Json.Fen(amount, "amount", "total", out var total) ?? V3Json.Currency(amount, "amount", false)) is { } amountError)
            {
                return (null, amountError);
            }
            return (new NativeOrderRequest(appId!, mchId!, description!, outTradeNo!, expire, attach, notifyUrl!, total, "CNY"), null);
        }
    }
}
