using System.Text.RegularExpressions;

namespace Zhifu.Server.Hosting;

/// <summary>
/// The client's idempotency key of a money-moving Wallet API request (transfers, top-ups, withdrawals): the body's
/// <c>requestId</c> or the <c>Idempotency-Key</c> header, 8–64 letters, digits, <c>-</c> or <c>_</c>; a repeat with the same
/// key answers the first request's outcome instead of moving money again. Required: a request without one is refused.
/// </summary>
public static partial class RequestIds
{
    /// <summary>The key: the body's, else the header's; null when neither is given.</summary>
    public static string? Of(HttpContext context, string? bodyRequestId)
    {
        ArgumentNullException.ThrowIfNull(context);
        return bodyRequestId ?? (context.Request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } header ? header : null);
    }

    /// <summary>False for a key of the wrong shape, or a body key the header contradicts.</summary>
    public static bool IsValid(HttpContext context, string? bodyRequestId)
    {
        ArgumentNullException.ThrowIfNull(context);
        return IsWellFormed(Of(context, bodyRequestId))
            && !(bodyRequestId is not null && context.Request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } h && h != bodyRequestId);
    }

    /// <summary>Whether <paramref name="key"/> is a key at all: 8–64 letters, digits, <c>-</c> or <c>_</c>.</summary>
    public static bool IsWellFormed(string? key) => key is not null && Pattern().IsMatch(key);

    [GeneratedRegex("^[A-Za-z0-9_-]{8,64}\\z")]
    private static partial Regex Pattern();
}
