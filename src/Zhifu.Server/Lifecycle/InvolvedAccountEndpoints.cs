using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Zhifu.Core;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Security;

namespace Zhifu.Server.Lifecycle;

/// <summary>Risk operators keep the involved-account list (ACC-5, RISK-3); every change audited (SEC-1).</summary>
public static class InvolvedAccountEndpoints
{
    public sealed record ListingRequest(string? Category, Guid? UserId, string? Phone, string? IdNumber, string? DeviceId, string? Reason,
        string? Source, DateTimeOffset? ExpiresAt);
    public sealed record RemovalRequest(string? Reason);
    public sealed record EntryDto(Guid Id, string Category, string Subject, Guid? UserId, string Reason, string Source, string ListedAt,
        string? ExpiresAt, string ListedBy, bool Active, string? RemovedAt, string? RemovedBy, string? RemovalReason);

    public static void Map(WebApplication app)
    {
        var group = app.MapGroup("/api/ops/involved-accounts").WithTags("Operator: involved-account list");
        group.MapPost("", AddAsync).RequireAuthorization(OperatorLifecycleEndpoints.Roles("risk"));
        group.MapDelete("/{id}", RemoveAsync).RequireAuthorization(OperatorLifecycleEndpoints.Roles("risk"));
        group.MapGet("", async (bool? active, int? limit, InvolvedAccountList list, IClock clock, HttpContext context) =>
        {
            var entries = await list.ListAsync(active ?? true, Math.Clamp(limit ?? 100, 1, 500), context.RequestAborted);
            return Results.Ok(entries.Select(e => ToDto(e, clock.UtcNow)).ToList());
        }).RequireAuthorization(OperatorLifecycleEndpoints.Roles("risk", "audit"));
    }

    private static async Task<IResult> AddAsync(ListingRequest request, ClaimsPrincipal principal, InvolvedAccountList list, AuditLog audit,
        IClock clock, HttpContext context)
    {
        var (listing, invalid) = Validate(request, clock.UtcNow);
        if (invalid is not null)
        {
            return invalid.ToResult(context);
        }
        var by = OperatorActor.Of(principal);
        var (entry, error) = await list.AddAsync(listing!, by.CreatedBy, context.RequestAborted);
        if (error is not null)
        {
            return error.ToResult(context);
        }
        await audit.AppendAsync(by.Username, by.Role, "involved-list.add", $"involved:{entry!.Id}",
            $"{entry.Category} {entry.SubjectMasked}, source {entry.Source}, reason: {entry.Reason}");
        return Results.Created($"/api/ops/involved-accounts/{entry.Id}", ToDto(entry, clock.UtcNow));
    }

    private static async Task<IResult> RemoveAsync(Guid id, [FromBody] RemovalRequest request, ClaimsPrincipal principal,
        InvolvedAccountList list, AuditLog audit, IClock clock, HttpContext context)
    {
        if (LifecycleInput.Reason(request.Reason) is not { } reason)
        {
            return LifecycleErrors.ReasonRequired.ToResult(context);
        }
        var by = OperatorActor.Of(principal);
        var (entry, error) = await list.RemoveAsync(id, reason, by.CreatedBy, context.RequestAborted);
        if (error is not null)
        {
            return error.ToResult(context);
        }
        await audit.AppendAsync(by.Username, by.Role, "involved-list.remove", $"involved:{id}",
            $"{entry!.Category} {entry.SubjectMasked}, reason: {reason}");
        return Results.Ok(ToDto(entry, clock.UtcNow));
    }

    private static (Listing? Listing, WalletError? Error) Validate(ListingRequest r, DateTimeOffset now)
    {
        if (r.Category is null || !InvolvedCategories.All.Contains(r.Category))
        {
            return (null, LifecycleErrors.InvalidCategory);
        }
        if (new object?[] { r.UserId, r.Phone, r.IdNumber, r.DeviceId }.Count(s => s is not null) != 1)
        {
            return (null, LifecycleErrors.OneSubject);
        }
        if (r.Phone is not null && !CredentialRules.IsPhone(r.Phone))
        {
            return (null, WalletErrors.InvalidPhone);
        }
        var idNumber = LifecycleInput.IdNumber(r.IdNumber);
        if (r.IdNumber is not null && idNumber is null)
        {
            return (null, LifecycleErrors.InvalidIdNumber);
        }
        if (r.DeviceId is { Length: 0 or > 64 })
        {
            return (null, LifecycleErrors.InvalidRequest);
        }
        if (r.DeviceId is not null && !InvolvedCategories.IsPersonPenalty(r.Category))
        {
            return (null, LifecycleErrors.DeviceNeedsPerson);
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
        return (new Listing(r.Category, r.UserId, r.Phone, idNumber, r.DeviceId, reason, source, r.ExpiresAt), null);
    }

    private static EntryDto ToDto(InvolvedAccountEntryRow e, DateTimeOffset now) => new(e.Id, e.Category, e.SubjectMasked, e.UserId,
        e.Reason, e.Source, ChinaTime.Format(e.ListedAt), e.ExpiresAt is { } x ? ChinaTime.Format(x) : null, e.ListedBy,
        e.RemovedAt is null && (e.ExpiresAt is null || e.ExpiresAt > now), e.RemovedAt is { } r ? ChinaTime.Format(r) : null, e.RemovedBy,
        e.RemovalReason);
}
