using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Zhifu.Server.MerchantApi;

namespace Zhifu.Server.Payments;

/// <summary>
/// The body of Native / JSAPI / APP / H5下单 (PAY-2), validated: appid, mchid, description, out_trade_no, time_expire, attach,
/// notify_url, amount{total, currency}; JSAPI adds the required payer.openid (the payer's id towards the app, from the
/// wallet's authorization); H5 adds the required scene_info{payer_client_ip, h5_info{type}}; 付款码支付 (MICROPAY) has
/// payer.auth_code and scene_info instead of notify_url and time_expire.
/// </summary>
public sealed record OrderRequest(string TradeType, string AppId, string MchId, string Description, string OutTradeNo,
    DateTimeOffset? TimeExpire, string? Attach, string? NotifyUrl, long TotalFen, string Currency, string? PayerOpenId = null,
    string? AuthCode = null, string? ContractId = null)
{
    /// <summary>委托代扣 (PWL-1): a charge under a signed contract (/v3/papay/pay/transactions/apply).</summary>
    public const string EntrustedDebit = "PAP";

    /// <summary>刷脸支付 (FACE-4): paid at a certified terminal after the face found the payer and the passcode authorized it.</summary>
    public const string FacePay = "FACEPAY";

    /// <summary>付款码支付: the merchant scans the wallet's payment code (payer.auth_code); no notify_url in this API.</summary>
    public const string MicroPay = "MICROPAY";

    public const string Native = "NATIVE";
    public const string Jsapi = "JSAPI";
    public const string App = "APP";

    /// <summary>H5 payments' trade_type in the protocol.</summary>
    public const string H5 = "MWEB";

    /// <summary>What the merchant asked for, so a repeated out_trade_no is told from a different order (PAY-6).</summary>
    public string Hash()
    {
        object?[] fields = [TradeType, AppId, MchId, Description, OutTradeNo, TimeExpire?.UtcTicks, Attach, NotifyUrl, TotalFen, Currency,
            PayerOpenId, AuthCode];
        if (ContractId is not null)
        {
            fields = [.. fields, ContractId]; // only contract charges carry one, so other orders' hashes stay as they were
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(fields))));
    }

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
                V3Json.Text(root, "description", 127, true, out var description),
                V3Json.Text(root, "out_trade_no", 32, true, out var outTradeNo),
                V3Json.Text(root, "time_expire", 64, false, out var timeExpire), V3Json.Text(root, "attach", 128, false, out var attach),
                V3Json.Text(root, "notify_url", 255, tradeType != MicroPay, out var notifyUrl),
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
            string? openId = null, authCode = null;
            if (tradeType == Jsapi && (Payer(root, "openid", out openId) is { } payerError))
            {
                return (null, payerError);
            }
            if (tradeType == MicroPay && (Payer(root, "auth_code", out authCode) ?? SceneObject(root)) is { } codeError)
            {
                return (null, codeError);
            }
            if (authCode is not null && !Codes.PaymentCodes.IsWellFormed(authCode))
            {
                return (null, V3Error.ParamError("payer.auth_code 须为 10–15 开头的 18 位数字",
                    "payer.auth_code must be 18 digits starting 10–15"));
            }
            if (tradeType == H5 && Scene(root) is { } sceneError)
            {
                return (null, sceneError);
            }
            return (new OrderRequest(tradeType, appId!, mchId!, description!, outTradeNo!, expire, attach, notifyUrl, total, "CNY",
                openId, authCode), null);
        }
    }

    private static V3Error? Payer(JsonElement root, string field, out string? value)
    {
        value = null;
        if (!root.TryGetProperty("payer", out var payer) || payer.ValueKind != JsonValueKind.Object)
        {
            return V3Error.ParamError("缺少 payer", "payer is required");
        }
        return V3Json.Text(payer, field, 128, true, out value);
    }

    private static V3Error? SceneObject(JsonElement root) =>
        root.TryGetProperty("scene_info", out var scene) && scene.ValueKind == JsonValueKind.Object
            ? null : V3Error.ParamError("缺少 scene_info", "scene_info is required");

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
