using Microsoft.AspNetCore.Http.HttpResults;
using Zhifu.Bank.Hosting;

namespace Zhifu.Bank.Faults;

/// <summary><c>GET/PUT /admin/faults</c>: read or replace the whole fault plan while the simulator runs.</summary>
internal static class FaultAdminEndpoints
{
    public static void MapFaultAdmin(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/faults", (FaultInjector faults) => TypedResults.Ok(faults.Plan));
        app.MapPut("/admin/faults", Replace);
    }

    private static Results<Ok<FaultPlan>, BadRequest<ApiError>> Replace(FaultPlan plan, FaultInjector faults)
    {
        if (plan.Check() is { } error)
        {
            return ApiError.BadRequest(error);
        }
        faults.Replace(plan);
        return TypedResults.Ok(plan);
    }
}
