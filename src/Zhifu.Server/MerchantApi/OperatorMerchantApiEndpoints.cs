using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Hosting;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Payments;
using Zhifu.Server.Security;

namespace Zhifu.Server.MerchantApi;

/// <summary>
/// The merchant API's operations in the Operator API: the callback outbox (PAY-5, CS-3) that operations and customer service
/// inspect and send again, and the platform key ring (MER-6) rotated without downtime — add, activate, retire — audited.
/// </summary>
public static class OperatorMerchantApiEndpoints
{
    public const int PageMax = 100;

    public sealed record NotificationDto(Guid Id, string MchId, string EventType, string Url, string Status, int Attempts,
        string NextAttemptAt, string? LastError, string CreatedAt, string? DeliveredAt);

    public sealed record PlatformKeyDto(string KeyId, bool Active, string PublicKeyPem);

    public static void Map(WebApplication app)
    {
        var outbox = app.MapGroup("/api/ops/merchant-notifications").WithTags("Operator: merchant callbacks");
        outbox.MapGet("", ListAsync).RequireAuthorization(OperatorLifecycleEndpoints.Roles("operations", "service", "audit"));
        outbox.MapPost("/{id:guid}/resend", ResendAsync).RequireAuthorization(OperatorLifecycleEndpoints.Roles("operations", "service"));

        var keys = app.MapGroup("/api/ops/platform-keys").WithTags("Operator: platform keys");
        keys.MapGet("", (PlatformKeys ring) => Results.Ok(List(ring)))
            .RequireAuthorization(OperatorLifecycleEndpoints.Roles("operations", "audit"));
        keys.MapPost("", async (PlatformKeys ring, AuditLog audit, ClaimsPrincipal user, HttpContext h) =>
        {
            var id = ring.Add();
            if (id is null)
            {
                return ApiProblem.Create(h, 409, "PLATFORM_KEYS_FULL", $"平台密钥最多 {PlatformKeys.KeysMax} 个，请先停用旧密钥",
                    $"At most {PlatformKeys.KeysMax} platform keys: retire an old one first");
            }
            await AuditAsync(audit, user, "platform-key.add", id, h);
            return Results.Ok(List(ring));
        }).RequireAuthorization(OperatorLifecycleEndpoints.Roles("operations"));
        keys.MapPost("/{keyId}/activate", async (string keyId, PlatformKeys ring, AuditLog audit, ClaimsPrincipal user, HttpContext h) =>
        {
            if (!ring.Activate(keyId))
            {
                return ApiProblem.Create(h, 404, "PLATFORM_KEY_NOT_FOUND", "平台密钥不存在", "No such platform key");
            }
            await AuditAsync(audit, user, "platform-key.activate", keyId, h);
            return Results.Ok(List(ring));
        }).RequireAuthorization(OperatorLifecycleEndpoints.Roles("operations"));
        keys.MapDelete("/{keyId}", async (string keyId, PlatformKeys ring, AuditLog audit, ClaimsPrincipal user, HttpContext h) =>
        {
            if (!ring.Retire(keyId))
            {
                return ApiProblem.Create(h, 409, "PLATFORM_KEY_NOT_RETIRABLE", "只能停用存在且未在使用中的密钥",
                    "Only an existing key that is not active can be retired");
            }
            await AuditAsync(audit, user, "platform-key.retire", keyId, h);
            return Results.Ok(List(ring));
        }).RequireAuthorization(OperatorLifecycleEndpoints.Roles("operations"));
    }

    /// <summary>The published keys, the active one first: what merchants must configure to verify our signatures.</summary>
    public static IReadOnlyList<PlatformKeyDto> List(PlatformKeys ring) =>
        [.. ring.KeyIds.Select(id => new PlatformKeyDto(id, id == ring.ActiveKeyId, ring.PublicKeyPem(id)))
            .OrderByDescending(k => k.Active)];

    private static async Task<IResult> ListAsync(string? mchid, string? status, int? limit, DatabaseOptions database, HttpContext h)
    {
        if (ApiProblem.PageLimit(h, limit, PageMax) is { } tooMany)
        {
            return tooMany;
        }
        await using var db = database.CreateContext();
        var query = db.Set<PaymentNotificationRow>().AsNoTracking();
        if (mchid is not null)
        {
            query = query.Where(n => n.MchId == mchid);
        }
        if (status is not null)
        {
            query = query.Where(n => n.Status == status);
        }
        var rows = await query.OrderByDescending(n => n.CreatedAt).Take(limit ?? 20).ToListAsync(h.RequestAborted);
        return Results.Ok(rows.Select(n => new NotificationDto(n.Id, n.MchId, n.EventType, n.Url, n.Status, n.Attempts,
            ChinaTime.Format(n.NextAttemptAt), n.LastError, ChinaTime.Format(n.CreatedAt),
            n.DeliveredAt is { } d ? ChinaTime.Format(d) : null)));
    }

    private static async Task<IResult> ResendAsync(Guid id, PaymentNotifications notifications, ClaimsPrincipal user, HttpContext h) =>
        await notifications.ResendAsync(id, OperatorActor.Of(user), h.RequestAborted) ? Results.Accepted()
            : ApiProblem.Create(h, 404, "NOTIFICATION_NOT_FOUND", "通知不存在", "No such notification");

    private static Task AuditAsync(AuditLog audit, ClaimsPrincipal user, string action, string target, HttpContext h)
    {
        var actor = OperatorActor.Of(user);
        return audit.AppendAsync(actor.Username, actor.Role, action, target, "");
    }
}
