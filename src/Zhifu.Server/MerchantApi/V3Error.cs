using System.Text.Json;

namespace Zhifu.Server.MerchantApi;

/// <summary>
/// A refusal of the merchant API in the protocol's shape: HTTP status plus <c>{"code","message"}</c> with WeChat Pay API
/// v3's codes (docs/merchant-api.md lists each with its source). Messages are Chinese first, English alongside.
/// </summary>
public sealed record V3Error(int Status, string Code, string Message)
{
    public static V3Error ParamError(string zh, string en) => new(400, "PARAM_ERROR", $"{zh} ({en})");

    public static V3Error InvalidRequest(string zh, string en) => new(400, "INVALID_REQUEST", $"{zh} ({en})");

    public static V3Error SignError(string zh, string en) => new(401, "SIGN_ERROR", $"{zh} ({en})");

    /// <summary>The mchid in the body or query is not the merchant that signed the request.</summary>
    public static V3Error MchIdMismatch { get; } = ParamError("mchid 与请求签名中的商户号不一致", "mchid differs from the signing merchant");

    /// <summary>401 SIGN_ERROR for a nonce seen before within its window (PAY-6): a replay; nothing was done.</summary>
    public static V3Error NonceUsed { get; } = SignError("请求随机串已使用过（重放请求）", "nonce_str already used (replayed request)");

    /// <summary>429 FREQUENCY_LIMITED: too many requests; nothing was done.</summary>
    public static V3Error FrequencyLimited { get; } = new(429, "FREQUENCY_LIMITED", "请求频率超过限制，请降低频率后重试 (too many requests; slow down)");

    public static V3Error MchNotExists { get; } = new(400, "MCH_NOT_EXISTS", "商户号不存在 (no such merchant)");

    public static V3Error OrderNotExist { get; } = new(404, "ORDER_NOT_EXIST", "订单不存在 (no such order)");

    public static V3Error OutTradeNoUsed { get; } = new(403, "OUT_TRADE_NO_USED",
        "商户订单号重复，且与首次请求的参数不一致 (out_trade_no already used with other parameters)");

    public static V3Error OrderPaid { get; } = new(403, "ORDERPAID", "订单已支付 (the order is already paid)");

    public static V3Error OrderClosed { get; } = new(400, "ORDER_CLOSED", "订单已关闭 (the order is closed)");

    public static V3Error NotFound { get; } = new(404, "RESOURCE_NOT_EXISTS", "请求的资源不存在 (no such resource)");

    public static V3Error SystemError { get; } = new(500, "SYSTEM_ERROR", "系统错误，请稍后重试 (system error; try again)");

    public byte[] Body() => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["code"] = Code, ["message"] = Message });

    public IResult ToResult() => Results.Text(System.Text.Encoding.UTF8.GetString(Body()), "application/json", System.Text.Encoding.UTF8, Status);
}
