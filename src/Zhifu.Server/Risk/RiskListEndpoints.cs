using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Zhifu.Core;
using Zhifu.Data.Entities;
using Zhifu.Server.Hosting;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Security;

namespace Zhifu.Server.Risk;

/// <summary>Operator API for the risk lists (RISK-3) and a user's behavioural profile (RISK-2); changes audited.</summary>
public static class RiskListEndpoints
{
    public sealed record ListingRequest(string? List, Guid? UserId, string? DeviceId, string? CardToken, string? MchId, string? Reason,
        string? Source, DateTimeOffset? ExpiresAt);
    public sealed record RemovalRequest(string? Reason);
    public sealed record EntryDto(Guid Id, string List, string Subject, string Reason, string Source, string ListedAt, string? ExpiresAt,
        string ListedBy, bool Active, string? RemovedAt, string? RemovedBy, string? RemovalReason);
    public sealed record ProfileDto(Guid UserId, long Movements, string UsualAmount, int[] BusiestHours, IReadOnlyList<string> Merchants,
        int Devices, IReadOnlyList<string> Regions);

    public static void Map(RouteGroupBuilder risk)
    {
        ArgumentNullException.ThrowIfNull(risk);
        risk.MapGet("/lists", async (string? list, bool? active, int? limit, RiskLists lists, IClock clock, HttpContext h) =>
        {
            if (ApiProblem.PageLimit(h, limit, 500) is { } tooMany)
            {
                return tooMany;
            }
            if (list is not null && !RiskLists.All.Contains(list))
            {
                return RiskErrors.InvalidList.ToResult(h);
            }
            var rows = await lists.ListAsync(list, active ?? true, limit ?? 100, h.RequestAborted);
            return Results.Ok(rows.Select(e => Dto(e, clock.UtcNow)).ToList());
        }).RequireAuthorization(OperatorLifecycleEndpoints.Roles("risk", "audit"));
        risk.MapPost("/lists", AddAsync).RequireAuthorization(OperatorLifecycleEndpoints.Roles("risk"));
        risk.MapDelete("/lists/{id:guid}", RemoveAsync).RequireAuthorization(OperatorLifecycleEndpoints.Roles("risk"));
        risk.MapGet("/profiles/{userId:guid}", async (Guid userId, RiskProfiles profiles, HttpContext h) =>
        {
            var p = await profiles.GetAsync(userId, h.RequestAborted);
            lock (p)
            {
                return Results.Ok(new ProfileDto(userId, p.Count, new Money((long)Math.Round(Math.Exp(p.LogMean))).ToString(),
                    [.. Enumerable.Range(0, 24).OrderByDescending(i => p.Hours[i]).Take(3).Where(i => p.Hours[i] > 0)],
                    [.. p.Merchants.OrderByDescending(m => m.Value).Select(m => m.Key).Take(10)], p.Devices.Count, [.. p.Regions]));
            }
        }).RequireAuthorization(OperatorLifecycleEndpoints.Roles("risk", "audit"));
    }

    private static async Task<IResult> AddAsync(ListingRequest r, ClaimsPrincipal principal, RiskLists lists, IClock clock,
        HttpContext context)
    {
        var (listing, invalid) = Validate(r, clock.UtcNow);
        if (invalid is not null)
        {
            return invalid.ToResult(context);
        }
        var entry = await lists.AddAsync(listing!, OperatorActor.Of(principal), context.RequestAborted);
        return Results.Created($"/api/ops/risk/lists/{entry.Id}", Dto(entry, clock.UtcNow));
    }

    /// <summary>A listing request checked (exactly the list's one subject, reason, source, expiry ahead); the API and the console.</summary>
    public static (RiskListing? Listing, Accounts.WalletError? Error) Validate(ListingRequest r, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(r);
        var subjects = new object?[] { r.UserId, r.DeviceId, r.CardToken, r.MchId }.Count(s => s is not null);
        var named = r.List switch
        {
            RiskLists.Account => r.UserId is not null,
            RiskLists.Device => r.DeviceId is { Length: > 0 and <= 64 },
            RiskLists.Card => r.CardToken is { Length: > 0 and <= 64 },
            RiskLists.Merchant => r.MchId is { Length: > 0 and <= 32 },
            _ => false,
        };
        if (subjects != 1 || !named)
        {
            return (null, RiskErrors.InvalidList);
        }
        if (LifecycleInput.Reason(r.Reason) is not { } reason)
        {
            return (null, LifecycleErrors.ReasonRequired);
        }
        if (r.Source?.Trim() is not { Length: > 0 and <= 64 } source)
        {
            return (null, LifecycleErrors.SourceRequired);
        }
        if (r.ExpiresAt is { } expires && expires <= now)
        {
            return (null, LifecycleErrors.ExpiryInPast);
        }
        return (new RiskListing(r.List!, r.UserId, r.DeviceId, r.CardToken, r.MchId, reason, source, r.ExpiresAt), null);
    }

    private static async Task<IResult> RemoveAsync(Guid id, [FromBody] RemovalRequest request, ClaimsPrincipal principal, RiskLists lists,
        IClock clock, HttpContext context)
    {
        if (LifecycleInput.Reason(request.Reason) is not { } reason)
        {
            return LifecycleErrors.ReasonRequired.ToResult(context);
        }
        var entry = await lists.RemoveAsync(id, reason, OperatorActor.Of(principal), context.RequestAborted);
        if (entry is null)
        {
            return RiskErrors.ListEntryNotFound.ToResult(context);
        }
        return Results.Ok(Dto(entry, clock.UtcNow));
    }

    public static EntryDto Dto(RiskListEntryRow e, DateTimeOffset now) => new(e.Id, e.List, e.SubjectMasked, e.Reason, e.Source,
        ChinaTime.Format(e.ListedAt), e.ExpiresAt is { } x ? ChinaTime.Format(x) : null, e.ListedBy,
        e.RemovedAt is null && (e.ExpiresAt is null || e.ExpiresAt > now), e.RemovedAt is { } r ? ChinaTime.Format(r) : null, e.RemovedBy,
        e.RemovalReason);
}
