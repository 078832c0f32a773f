using Zhifu.Core.Banking;

namespace Zhifu.Bank.Hosting;

/// <summary>
/// Gives every error a JSON body with a stable code: unreadable bodies become 400 (413 too large, 415 not JSON) instead of
/// an empty reply, and anything unexpected a JSON 500. Handlers validate before they write, so a bad request changes nothing.
/// </summary>
internal sealed partial class ApiErrorMiddleware(RequestDelegate next, ILogger<ApiErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        try
        {
            await next(http);
            if (!http.Response.HasStarted && http.Response.StatusCode >= 400 && http.Response.ContentLength is null)
            {
                // Kestrel and the routing layer answer 404/405/413/415 with an empty body; callers match on codes.
                await http.Response.WriteAsJsonAsync(ForStatus(http.Response.StatusCode));
            }
        }
        catch (BadHttpRequestException e) when (!http.Response.HasStarted)
        {
            http.Response.StatusCode = e.StatusCode is StatusCodes.Status413PayloadTooLarge or StatusCodes.Status415UnsupportedMediaType
                ? e.StatusCode
                : StatusCodes.Status400BadRequest;
            await http.Response.WriteAsJsonAsync(ForStatus(http.Response.StatusCode));
        }
        catch (Exception e) when (e is not OperationCanceledException && !http.Response.HasStarted)
        {
            LogUnexpected(logger, e, http.Request.Method);
            http.Response.StatusCode = StatusCodes.Status500InternalServerError;
            await http.Response.WriteAsJsonAsync(new ApiError("internal_error", "the bank could not process the request"));
        }
    }

    private static ApiError ForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest or StatusCodes.Status415UnsupportedMediaType =>
            new(BankErrorCodes.InvalidJson, "the body must be a JSON object of the documented shape (application/json)"),
        StatusCodes.Status413PayloadTooLarge =>
            new(BankErrorCodes.BodyTooLarge, $"the body must be at most {BankApp.MaxRequestBodyBytes} bytes"),
        StatusCodes.Status404NotFound => new("no_such_endpoint", "no such endpoint"),
        StatusCodes.Status405MethodNotAllowed => new("method_not_allowed", "method not allowed on this endpoint"),
        _ => new("http_" + status, "the request was refused"),
    };

    // The path is left out on purpose: /admin/cards/{card_no} carries a card number.
    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected failure on a {Method} request")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method);
}
