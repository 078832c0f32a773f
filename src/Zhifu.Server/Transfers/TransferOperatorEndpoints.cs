using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Security;

namespace Zhifu.Server.Transfers;

/// <summary>
/// Operators view a wallet's transfer limits and set the agreed ones (PAY-7: adjustable), roles risk and operations, every
/// change audited (SEC-1). A null field goes back to the credit level's automatic limit.
/// </summary>
public static class TransferOperatorEndpoints
{
    public sealed record LimitsRequest(long? SingleAmountFen, long? DailyAmountFen, int? DailyCount, long? YearlyAmountFen, string? Reason);

    public static void Map(WebApplication app)
    {
        var limits = app.MapGroup("/api/ops/accounts/{userId:guid}/transfer-limits").WithTags("Operator: transfer limits");
        limits.MapGet("", async (Guid userId, WalletAccounts a, TransferLimits l, HttpContext h) =>
            await a.FindAsync(userId, h.RequestAborted) is { } user
                ? Results.Ok(await TransferLimitDto.OfAsync(user, l, h.RequestAborted)) : TransferErrors.UserNotFound.ToResult(h))
            .RequireAuthorization(OperatorLifecycleEndpoints.Roles("risk", "operations", "service", "audit"));
        limits.MapPut("", SetAsync).RequireAuthorization(OperatorLifecycleEndpoints.Roles("risk", "operations"));
    }

    private static async Task<IResult> SetAsync(Guid userId, LimitsRequest? request, ClaimsPrincipal principal, IServiceProvider services,
        HttpContext context)
    {
        var options = services.GetRequiredService<TransferOptions>();
        var max = options.OperatorLimitMaxFen;
        if (request is null || LifecycleInput.Reason(request.Reason) is not { } reason
            || request.SingleAmountFen is <= 0 || request.SingleAmountFen > max
            || request.DailyAmountFen is <= 0 || request.DailyAmountFen > max
            || request.YearlyAmountFen is <= 0 || request.YearlyAmountFen > max || request.DailyCount is <= 0 or > 10_000)
        {
            return TransferErrors.InvalidLimits.ToResult(context);
        }
        var user = await services.GetRequiredService<WalletAccounts>().FindAsync(userId, context.RequestAborted);
        if (user is null)
        {
            return TransferErrors.UserNotFound.ToResult(context);
        }
        var actor = OperatorActor.Of(principal);
        await using (var db = services.GetRequiredService<DatabaseOptions>().CreateContext())
        {
            var row = await db.Set<TransferLimitOverrideRow>().FirstOrDefaultAsync(o => o.UserId == userId, context.RequestAborted);
            if (row is null)
            {
                row = new TransferLimitOverrideRow { UserId = userId, Reason = reason, SetBy = actor.CreatedBy };
                db.Add(row);
            }
            (row.SingleAmountFen, row.DailyAmountFen, row.DailyCount, row.YearlyAmountFen) =
                (request.SingleAmountFen, request.DailyAmountFen, request.DailyCount, request.YearlyAmountFen);
            (row.Reason, row.SetBy, row.SetAt) = (reason, actor.CreatedBy, services.GetRequiredService<Core.IClock>().UtcNow);
            row.Version++;
            await db.SaveChangesAsync(context.RequestAborted);
        }
        string Show(object? v) => v is null ? "auto" : Convert.ToString(v, CultureInfo.InvariantCulture)!;
        await services.GetRequiredService<AuditLog>().AppendAsync(actor.Username, actor.Role, "transfer-limits.set", userId.ToString(),
            $"single={Show(request.SingleAmountFen)} daily={Show(request.DailyAmountFen)} count={Show(request.DailyCount)} "
            + $"yearly={Show(request.YearlyAmountFen)} reason={reason}");
        return Results.Ok(await TransferLimitDto.OfAsync(user, services.GetRequiredService<TransferLimits>(), context.RequestAborted));
    }
}
