using Microsoft.AspNetCore.Http.Features;

namespace Zhifu.Server.Hosting;

/// <summary>
/// Gives every problem response that the framework produces itself (malformed JSON, wrong method, body too large, an
/// unexpected failure) the same stable <c>code</c> and Chinese/English messages as <see cref="ApiProblem"/>.
/// </summary>
public static class StandardProblems
{
    private static readonly Dictionary<int, (string Code, string Zh, string En)> ByStatus = new()
    {
        [400] = ("INVALID_REQUEST", "请求格式不正确", "The request is malformed"),
        [401] = ("UNAUTHORIZED", "请先登录", "Sign in first"),
        [403] = ("FORBIDDEN", "无权执行此操作", "Not allowed"),
        [404] = ("NOT_FOUND", "找不到该资源", "Not found"),
        [405] = ("METHOD_NOT_ALLOWED", "不支持该请求方法", "Method not allowed"),
        [413] = ("PAYLOAD_TOO_LARGE", "请求内容过大", "The request body is too large"),
        [415] = ("UNSUPPORTED_MEDIA_TYPE", "请使用 application/json", "Use application/json"),
        [500] = ("INTERNAL_ERROR", "系统繁忙，请稍后再试", "Something went wrong on our side; please try again later"),
        [503] = ("LEDGER_UNAVAILABLE", "账务系统暂不可用，请稍后再试", "The ledger is unavailable; try again"),
    };

    /// <summary>The status of an unexpected failure: 503 for a ledger that took nothing of the request ("try again": the money
    /// did not move — what the feature recorded before asking the ledger is its own recovery's to settle), 500 for the rest.</summary>
    public static int StatusOf(Exception exception) =>
        exception is Core.Ledger.LedgerUnavailableException ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError;

    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Extensions.ContainsKey("code") || problem.Status is not { } status || !ByStatus.TryGetValue(status, out var known))
        {
            return;
        }
        problem.Title = known.Code;
        var english = context.HttpContext.Request.Headers.AcceptLanguage.ToString().StartsWith("en", StringComparison.OrdinalIgnoreCase);
        problem.Detail = english ? known.En : known.Zh;
        problem.Extensions["code"] = known.Code;
        problem.Extensions["message_zh"] = known.Zh;
        problem.Extensions["message_en"] = known.En;
        problem.Extensions.Remove("exception"); // never leak internals to a client
        problem.Extensions["trace_id"] = context.HttpContext.Features.Get<IHttpActivityFeature>()?.Activity.TraceId.ToString()
            ?? context.HttpContext.TraceIdentifier;
    }
}
