using Microsoft.AspNetCore.Http.HttpResults;

namespace Zhifu.Bank.Hosting;

/// <summary>The one error shape of the simulator: a stable code to match on and a message for people.</summary>
internal sealed record ApiError(string Code, string Message)
{
    public static BadRequest<ApiError> BadRequest(ApiError error) => TypedResults.BadRequest(error);

    public static Conflict<ApiError> Conflict(string code, string message) => TypedResults.Conflict(new ApiError(code, message));

    public static NotFound<ApiError> NotFound(string code, string message) => TypedResults.NotFound(new ApiError(code, message));
}
