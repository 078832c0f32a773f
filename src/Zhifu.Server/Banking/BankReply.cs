using System.Net;
using System.Text.Json;
using Zhifu.Core.Banking;

namespace Zhifu.Server.Banking;

/// <summary>How a reply from the bank is to be read.</summary>
internal enum BankReplyKind
{
    /// <summary>2xx: the body is the bank's answer.</summary>
    Answered,

    /// <summary>The bank refused this request as it stands (400, 409, 413, 415 with its JSON error code): nothing was done.</summary>
    Refused,

    /// <summary>No definite answer: timeout, transport error, 5xx, or anything unreadable (CARD-4: unknown, never failed).</summary>
    NoAnswer,
}

/// <summary>One classified reply; <see cref="Body"/> is the raw text of an answer.</summary>
internal sealed record BankReply(BankReplyKind Kind, string? Body, string? Code, string? Message)
{
    private sealed record ErrorWire(string? Code, string? Message);

    public static BankReply NoAnswer(string code, string? message) => new(BankReplyKind.NoAnswer, null, code, message);

    public static BankReply From(HttpStatusCode status, string body, JsonSerializerOptions json)
    {
        var code = (int)status;
        if (code is >= 200 and < 300)
        {
            return new BankReply(BankReplyKind.Answered, body, null, null);
        }
        // Only the bank's own refusals count as definite: a bare 4xx from something in between proves nothing.
        if (code is 400 or 409 or 413 or 415 && TryReadError(body, json) is { Code: { Length: > 0 } errorCode } error)
        {
            return new BankReply(BankReplyKind.Refused, null, errorCode, error.Message);
        }
        return code == (int)HttpStatusCode.GatewayTimeout && TryReadError(body, json)?.Code == BankErrorCodes.ChannelTimeout
            ? NoAnswer(BankErrorCodes.ChannelTimeout, "the bank answered that it timed out")
            : NoAnswer(BankErrorCodes.TransportError, $"the bank answered HTTP {code}");
    }

    /// <summary>The answer body as <typeparamref name="T"/>, or null when it cannot be read (then the outcome is unknown).</summary>
    public T? Read<T>(JsonSerializerOptions json)
        where T : class
    {
        try
        {
            return Body is null ? null : JsonSerializer.Deserialize<T>(Body, json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ErrorWire? TryReadError(string body, JsonSerializerOptions json)
    {
        try
        {
            return JsonSerializer.Deserialize<ErrorWire>(body, json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
