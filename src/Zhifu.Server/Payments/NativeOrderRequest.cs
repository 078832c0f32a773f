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
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException)
        {
            return (null, V3Error.ParamError("请求体不是合法的 JSON", "the body is not valid JSON"));
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, V3Error.ParamError("请求体须为 JSON 对象", "the body must be a JSON object"));
            }
            var errors = new[]
            {
                Text(root, "appid", 32, true, out var appId), Text(root, "mchid", 32, true, out var mchId),
                Text(root, "description", 127, true, out var description), Text(root, "out_trade_no", 32, true, out var outTradeNo),
                Text(root, "time_expire", 64, false, out var timeExpire), Text(root, "attach", 128, false, out var attach),
                Text(root, "notify_url", 255, true, out var notifyUrl),
            };
            if (errors.FirstOrDefault(e => e is not null) is { } error)
            {
                return (null, error);
            }
            if (outTradeNo!.Length < 6 || !outTradeNo.All(c => char.IsAsciiLetterOrDigit(c) || "_-|*".Contains(c, StringComparison.Ordinal)))
            {
                return (null, V3Error.ParamError("out_trade_no 须为 6–32 位数字、字母或 _-|*", "out_trade_no must be 6–32 of 0-9A-Za-z_-|*"));
            }
            if (!Uri.TryCreate(notifyUrl, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || url.Query.Length > 0)
            {
                return (null, V3Error.ParamError("notify_url 须为不带查询参数的 http(s) 地址", "notify_url must be an http(s) URL without a query"));
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
            var (total, currency, amountError) = Amount(root);
            return amountError is not null ? (null, amountError)
                : (new NativeOrderRequest(appId!, mchId!, description!, outTradeNo, expire, attach, notifyUrl!, total, currency!), null);
        }
    }

    private static (long, string?, V3Error?) Amount(JsonElement root)
    {
        if (!root.TryGetProperty("amount", out var amount) || amount.ValueKind != JsonValueKind.Object)
        {
            return (0, null, V3Error.ParamError("缺少 amount", "amount is required"));
        }
        if (!amount.TryGetProperty("total", out var total) || total.ValueKind != JsonValueKind.Number || !total.TryGetInt32(out var fen))
        {
            return (0, null, V3Error.ParamError("amount.total 须为整数（单位：分）", "amount.total must be an integer number of fen"));
        }
        if (fen <= 0)
        {
            return (0, null, V3Error.ParamError("amount.total 须大于 0", "amount.total must be above 0"));
        }
        var error = Text(amount, "currency", 16, false, out var currency);
        if (error is not null || (currency ?? "CNY") != "CNY")
        {
            return (0, null, error ?? V3Error.ParamError("amount.currency 仅支持 CNY", "amount.currency must be CNY"));
        }
        return (fen, "CNY", null);
    }

    private static V3Error? Text(JsonElement parent, string name, int max, bool required, out string? value)
    {
        value = null;
        if (!parent.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return required ? V3Error.ParamError($"缺少参数 {name}", $"{name} is required") : null;
        }
        if (element.ValueKind != JsonValueKind.String)
        {
            return V3Error.ParamError($"{name} 须为字符串", $"{name} must be a string");
        }
        value = element.GetString()!;
        if (value.Length == 0 && required)
        {
            return V3Error.ParamError($"缺少参数 {name}", $"{name} is required");
        }
        return value.Length > max ? V3Error.ParamError($"{name} 超过 {max} 个字符", $"{name} longer than {max} characters") : null;
    }
}
