namespace Zhifu.Server.Hosting;

/// <summary>
/// The native APIs' one error shape: <c>application/problem+json</c> with a stable <c>code</c> and the message in Chinese
/// and English; <c>detail</c> follows the caller's Accept-Language (Chinese first). A refusal of one input field names it
/// in <c>field</c>, so a form can show the message next to it.
/// </summary>
public static class ApiProblem
{
    /// <summary>400 INVALID_LIMIT when a list's page size is outside 1–<paramref name="max"/>; null when it is absent or fits.</summary>
    public static IResult? PageLimit(HttpContext context, int? limit, int max) => limit is < 1 || limit > max
        ? Create(context, 400, "INVALID_LIMIT", $"limit 须在 1–{max} 之间", $"limit must be 1–{max}", "limit")
        : null;

    public static IResult Create(HttpContext context, int status, string code, string messageZh, string messageEn, string? field = null)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = code, ["message_zh"] = messageZh, ["message_en"] = messageEn };
        if (field is not null)
        {
            extensions["field"] = field;
        }
        var english = context.Request.Headers.AcceptLanguage.ToString().StartsWith("en", StringComparison.OrdinalIgnoreCase);
        return Results.Problem(
            statusCode: status,
            title: code,
            detail: english ? messageEn : messageZh,
            extensions: extensions);
    }
}
