using System.Text.Json;

namespace Zhifu.Server.MerchantApi;

/// <summary>
/// Reading a merchant API request body: one JSON object (bounded depth), its string fields with the protocol's lengths,
/// its integer fen amounts. Every refusal is the protocol's 400 PARAM_ERROR naming the field, Chinese and English.
/// </summary>
public static class V3Json
{
    /// <summary>The body as a JSON object, or why not.</summary>
    public static (JsonDocument? Document, V3Error? Error) ParseObject(byte[] body)
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
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            return (null, V3Error.ParamError("请求体须为 JSON 对象", "the body must be a JSON object"));
        }
        return (document, null);
    }

    /// <summary>A string field of at most <paramref name="max"/> characters; a missing optional one is null.</summary>
    public static V3Error? Text(JsonElement parent, string name, int max, bool required, out string? value)
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
        try
        {
            value = element.GetString()!; // the parser leaves invalid UTF-8 inside a string to be found here
        }
        catch (InvalidOperationException)
        {
            return V3Error.ParamError($"{name} 不是有效的 UTF-8 文本", $"{name} is not valid UTF-8 text");
        }
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            value = null; // a NUL cannot be stored (PostgreSQL text) and is no merchant's text
            return V3Error.ParamError($"{name} 含有不允许的字符", $"{name} contains a character that is not allowed");
        }
        if (value.Length == 0 && required)
        {
            return V3Error.ParamError($"缺少参数 {name}", $"{name} is required");
        }
        return value.Length > max ? V3Error.ParamError($"{name} 超过 {max} 个字符", $"{name} longer than {max} characters") : null;
    }

    /// <summary>An amount in fen: a JSON integer above 0 and within int32, as the protocol's amount fields are.</summary>
    public static V3Error? Fen(JsonElement parent, string path, string name, out long fen)
    {
        fen = 0;
        if (!parent.TryGetProperty(name, out var element) || element.ValueKind != JsonValueKind.Number
            || !element.TryGetInt32(out var value))
        {
            return V3Error.ParamError($"{path}.{name} 须为整数（单位：分）", $"{path}.{name} must be an integer number of fen");
        }
        if (value <= 0)
        {
            return V3Error.ParamError($"{path}.{name} 须大于 0", $"{path}.{name} must be above 0");
        }
        fen = value;
        return null;
    }

    /// <summary>The amount object's currency: absent or CNY (the only currency here).</summary>
    public static V3Error? Currency(JsonElement amount, string path, bool required)
    {
        var error = Text(amount, "currency", 16, required, out var currency);
        return error ?? ((currency ?? "CNY") == "CNY" ? null
            : V3Error.ParamError($"{path}.currency 仅支持 CNY", $"{path}.currency must be CNY"));
    }

    /// <summary>An http(s) notify URL without a query string, as the protocol requires of notify_url.</summary>
    public static V3Error? NotifyUrl(string? url) =>
        url is null
            || (Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "https" or "http" && parsed.Query.Length == 0)
            ? null
            : V3Error.ParamError("notify_url 须为不带查询参数的 http(s) 地址", "notify_url must be an http(s) URL without a query");

    /// <summary>A merchant number field (out_trade_no, out_refund_no): <paramref name="min"/>–max of 0-9A-Za-z and
    /// <paramref name="extra"/>.</summary>
    public static V3Error? MerchantNumber(string name, string value, int min, int max, string extra) =>
        value.Length >= min && value.Length <= max
            && value.All(c => char.IsAsciiLetterOrDigit(c) || extra.Contains(c, StringComparison.Ordinal))
            ? null
            : V3Error.ParamError($"{name} 须为 {min}–{max} 位数字、字母或 {extra}", $"{name} must be {min}–{max} of 0-9A-Za-z{extra}");
}
