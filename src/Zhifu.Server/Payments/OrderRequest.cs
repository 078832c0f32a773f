using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Zhifu.Server.MerchantApi;

namespace Zhifu.Server.Payments;

/// <summary>
/// The body of Native / JSAPI / APP / H5下单 (PAY-2), validated: appid, mchid, description, out_trade_no, time_expire, attach,
/// notify_url, amount{total, currency}; JSAPI adds the required payer.openid (the payer's id towards the app, from the
/// wallet's authorization); H5 adds the required scene_info{payer_client_ip, h5_info{type}}.
/// </summary>
public sealed record OrderRequest(string TradeType, string AppId, string MchId, string Description, string OutTradeNo,
    DateTimeOffset? TimeExpire, string? Attach, string NotifyUrl, long TotalFen, string Currency, string? PayerOpenId = null)
{
    public const string Native = "NATIVE";
    public const string Jsapi = "JSAPI";
    public const string App = "APP";

    /// <summary>H5 payments' trade_type in the protocol.</summary>
    public const string H5 = "MWEB";

    /// <summary>What the merchant asked for, so a repeated out_trade_no is told from a different order (PAY-6).</summary>
    public string Hash() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(
        new object?[] { TradeType, AppId, MchId, Description, OutTradeNo, TimeExpire?.UtcTicks, Attach, NotifyUrl, TotalFen, Currency, PayerOpenId }))));

    public static (OrderRequest? Order, V3Error? Error) Parse(string tradeType, byte[] body)
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
            string? openId = null;
            if (tradeType == Jsapi && (Payer(root, out openId) is { } payerError))
            {
                return (null, payerError);
            }
            if (tradeType == H5 && Scene(root) is { } sceneError)
            {
                return (null, sceneError);
            }
            return (new OrderRequest(tradeType, appId!, mchId!, description!, outTradeNo!, expire, attach, notifyUrl!, total, "CNY", openId), null);
        }
    }

    private static V3Error? Payer(JsonElement root, out string? openId)
    {
        openId = null;
        if (!root.TryGetProperty("payer", out var payer) || payer.ValueKind != JsonValueKind.Object)
        {
            return V3Error.ParamError("缺少 payer", "payer is required");
        }
        return V3Json.Text(payer, "openid", 128, true, out openId);
    }

    private static V3Error? Scene(JsonElement root)
    {
        if (!root.TryGetProperty("scene_info", out var scene) || scene.ValueKind != JsonValueKind.Object)
        {
            return V3Error.ParamError("缺少 scene_info", "scene_info is required");
        }
        if (V3Json.Text(scene, "payer_client_ip", 45, true, out var ip) is { } ipError)
        {
            return ipError;
        }
        if (!System.Net.IPAddress.TryParse(ip, out _))
        {
            return V3Error.ParamError("scene_info.payer_client_ip 须为 IPv4 或 IPv6 地址", "scene_info.payer_client_ip must be an IP address");
        }
        if (!scene.TryGetProperty("h5_info", out var h5) || h5.ValueKind != JsonValueKind.Object)
        {
            return V3Error.ParamError("缺少 scene_info.h5_info", "scene_info.h5_info is required");
        }
        return V3Json.Text(h5, "type", 32, true, out _);
    }
}
