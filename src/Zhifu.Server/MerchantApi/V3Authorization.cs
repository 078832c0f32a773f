namespace Zhifu.Server.MerchantApi;

/// <summary>
/// The parsed <c>Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",timestamp="…",serial_no="…"</c>
/// header and the message it signs: method, path with query as sent, timestamp, nonce and body, each line ending in \n.
/// </summary>
public sealed record V3Authorization(string MchId, string Nonce, string Signature, long Timestamp, string Serial)
{
    public const string Scheme = "WECHATPAY2-SHA256-RSA2048";

    /// <summary>The header's fields, or null when it is missing or not in the protocol's form.</summary>
    public static V3Authorization? Parse(string? header)
    {
        if (header is null || header.Length > 2048 || !header.StartsWith(Scheme + " ", StringComparison.Ordinal))
        {
            return null;
        }
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in header[(Scheme.Length + 1)..].Split(','))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return null;
            }
            var value = part[(eq + 1)..].Trim();
            if (value.Length < 2 || value[0] != '"' || value[^1] != '"' || !fields.TryAdd(part[..eq].Trim(), value[1..^1]))
            {
                return null;
            }
        }
        return fields.TryGetValue("mchid", out var mchid) && fields.TryGetValue("nonce_str", out var nonce)
            && fields.TryGetValue("signature", out var signature) && fields.TryGetValue("timestamp", out var ts)
            && fields.TryGetValue("serial_no", out var serial) && mchid.Length is > 0 and <= 32 && nonce.Length is > 0 and <= 64
            && serial.Length is > 0 and <= 64 && ts.Length is > 0 and <= 12 && ts.All(char.IsAsciiDigit)
            ? new V3Authorization(mchid, nonce, signature, long.Parse(ts, System.Globalization.CultureInfo.InvariantCulture), serial)
            : null;
    }

    /// <summary>The request's signing message (签名串).</summary>
    public static string Message(string method, string pathAndQuery, long timestamp, string nonce, string body) =>
        $"{method}\n{pathAndQuery}\n{timestamp}\n{nonce}\n{body}\n";

    /// <summary>The response and callback signing message (验签名串): timestamp, nonce, body.</summary>
    public static string ResponseMessage(long timestamp, string nonce, string body) => $"{timestamp}\n{nonce}\n{body}\n";
}
