using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Hosting;
using Zhifu.Server.MerchantApi;
using Zhifu.Server.Security;

namespace Zhifu.Server.Merchants;

/// <summary>
/// API credentials in the merchant console (MER-6, MER-5): any staff member sees the mchid, the API key serials, the notify
/// URL and the platform's public keys to verify us with; only admin adds or revokes API keys (rotation: add the new serial,
/// switch the SDK, revoke the old), resets the APIv3 key (shown once) and changes the notify URL. Audited.
/// </summary>
public static class MerchantCredentialEndpoints
{
    public sealed record ApiKeyDto(string Serial, string CreatedAt, string? RevokedAt);

    public sealed record CredentialsDto(string MchId, string? NotifyUrl, int FeeRatePpm, IReadOnlyList<ApiKeyDto> ApiKeys,
        IReadOnlyList<OperatorMerchantApiEndpoints.PlatformKeyDto> PlatformKeys);

    public sealed record AddKeyRequest(string? Serial, string? PublicKeyPem);

    public sealed record NotifyUrlRequest(string? NotifyUrl);

    /// <summary>API keys a merchant may have at once (old and new during a rotation, and spare ones).</summary>
    public const int ApiKeysMax = 5;

    public static void Map(WebApplication app)
    {
        var group = app.MapGroup("/api/merchant/credentials").WithTags("Merchant console: API credentials");
        group.MapGet("", async (ClaimsPrincipal user, DatabaseOptions database, PlatformKeys ring, HttpContext h) =>
            Results.Ok(await ViewAsync(user.MerchantId(), database, ring, h.RequestAborted)))
            .RequireAuthorization(MerchantStaffAuth.AnyStaff);
        group.MapPost("/api-keys", AddKeyAsync).RequireAuthorization(MerchantStaffAuth.Admins);
        group.MapDelete("/api-keys/{serial}", RevokeKeyAsync).RequireAuthorization(MerchantStaffAuth.Admins);
        group.MapPost("/apiv3-key", ResetApiV3KeyAsync).RequireAuthorization(MerchantStaffAuth.Admins);
        group.MapPut("/notify-url", SetNotifyUrlAsync).RequireAuthorization(MerchantStaffAuth.Admins);
    }

    private static async Task<CredentialsDto> ViewAsync(Guid merchantId, DatabaseOptions database, PlatformKeys ring, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var credential = await db.Set<MerchantCredentialRow>().AsNoTracking().FirstAsync(c => c.MerchantId == merchantId, ct);
        var keys = await db.Set<MerchantApiKeyRow>().AsNoTracking().Where(k => k.MerchantId == merchantId).ToListAsync(ct);
        return new CredentialsDto(credential.MchId, credential.NotifyUrl, credential.FeeRatePpm,
            [.. keys.OrderByDescending(k => k.CreatedAt).Select(k => new ApiKeyDto(k.Serial, ChinaTime.Format(k.CreatedAt),
                k.RevokedAt is { } r ? ChinaTime.Format(r) : null))],
            OperatorMerchantApiEndpoints.List(ring));
    }

    private static async Task<IResult> AddKeyAsync(AddKeyRequest request, ClaimsPrincipal user, DatabaseOptions database,
        MerchantCredentials credentials, PlatformKeys ring, AuditLog audit, HttpContext h)
    {
        if (request.Serial is not { Length: >= 8 and <= 64 } || !request.Serial.All(char.IsAsciiHexDigit))
        {
            return ApiProblem.Create(h, 400, "INVALID_SERIAL", "证书序列号须为 8–64 位十六进制字符", "The serial must be 8–64 hex digits", "serial");
        }
        if (request.PublicKeyPem is not { Length: <= 4096 } || !IsRsa2048(request.PublicKeyPem))
        {
            return ApiProblem.Create(h, 400, "INVALID_PUBLIC_KEY", "须为 PEM 格式、至少 2048 位的 RSA 公钥",
                "An RSA public key of at least 2048 bits in PEM form is required", "publicKeyPem");
        }
        var merchantId = user.MerchantId();
        await using var db = database.CreateContext();
        var merchant = await db.Merchants.AsNoTracking().FirstAsync(m => m.Id == merchantId, h.RequestAborted);
        if (await db.Set<MerchantApiKeyRow>().CountAsync(k => k.MerchantId == merchantId && k.RevokedAt == null, h.RequestAborted)
            >= ApiKeysMax)
        {
            return ApiProblem.Create(h, 409, "API_KEYS_FULL", $"最多 {ApiKeysMax} 个有效证书，请先作废旧证书",
                $"At most {ApiKeysMax} live keys: revoke an old one first");
        }
        if (await db.Set<MerchantApiKeyRow>().AnyAsync(k => k.MchId == merchant.MchId && k.Serial == request.Serial, h.RequestAborted))
        {
            return ApiProblem.Create(h, 409, "API_KEY_SERIAL_USED", "该证书序列号已登记", "That serial is already registered", "serial");
        }
        await credentials.AddPublicKeyAsync(merchant, request.Serial, request.PublicKeyPem, h.RequestAborted);
        await AuditAsync(audit, user, "merchant.api-key.add", $"{merchant.MchId} {request.Serial}", h);
        return Results.Ok(await ViewAsync(merchantId, database, ring, h.RequestAborted));
    }

    private static async Task<IResult> RevokeKeyAsync(string serial, ClaimsPrincipal user, DatabaseOptions database,
        MerchantCredentials credentials, PlatformKeys ring, AuditLog audit, IClock clock, HttpContext h)
    {
        var merchantId = user.MerchantId();
        await using var db = database.CreateContext();
        var keys = await db.Set<MerchantApiKeyRow>().Where(k => k.MerchantId == merchantId && k.RevokedAt == null)
            .ToListAsync(h.RequestAborted);
        var key = keys.FirstOrDefault(k => k.Serial == serial);
        if (key is null)
        {
            return ApiProblem.Create(h, 404, "API_KEY_NOT_FOUND", "证书不存在或已作废", "No such live key");
        }
        if (keys.Count == 1)
        {
            return ApiProblem.Create(h, 409, "API_KEY_LAST", "不能作废唯一的有效证书，请先添加新证书",
                "The only live key cannot be revoked: add the new one first");
        }
        key.RevokedAt = clock.UtcNow;
        await db.SaveChangesAsync(h.RequestAborted);
        credentials.Forget(key.MchId);
        await AuditAsync(audit, user, "merchant.api-key.revoke", $"{key.MchId} {serial}", h);
        return Results.Ok(await ViewAsync(merchantId, database, ring, h.RequestAborted));
    }

    /// <summary>A new APIv3 key, answered this once only; callbacks are encrypted with it from now on.</summary>
    private static async Task<IResult> ResetApiV3KeyAsync(ClaimsPrincipal user, DatabaseOptions database, MerchantCredentials credentials,
        AuditLog audit, HttpContext h)
    {
        var merchantId = user.MerchantId();
        await using var db = database.CreateContext();
        var merchant = await db.Merchants.AsNoTracking().FirstAsync(m => m.Id == merchantId, h.RequestAborted);
        var credential = await db.Set<MerchantCredentialRow>().AsNoTracking().FirstAsync(c => c.MerchantId == merchantId, h.RequestAborted);
        var key = MerchantCredentials.NewApiV3Key();
        await credentials.SetAsync(merchant, key, credential.NotifyUrl, credential.FeeRatePpm, h.RequestAborted);
        await AuditAsync(audit, user, "merchant.apiv3-key.reset", merchant.MchId, h);
        return Results.Ok(new { apiV3Key = key });
    }

    private static async Task<IResult> SetNotifyUrlAsync(NotifyUrlRequest request, ClaimsPrincipal user, DatabaseOptions database,
        MerchantCredentials credentials, PlatformKeys ring, AuditLog audit, IClock clock, HttpContext h)
    {
        if (request.NotifyUrl is not null && (request.NotifyUrl.Length > 255 || V3Json.NotifyUrl(request.NotifyUrl) is not null))
        {
            return ApiProblem.Create(h, 400, "INVALID_NOTIFY_URL", "通知地址须为不带查询参数的 http(s) 地址",
                "The notify URL must be an http(s) URL without a query", "notifyUrl");
        }
        var merchantId = user.MerchantId();
        await using var db = database.CreateContext();
        await db.Set<MerchantCredentialRow>().Where(c => c.MerchantId == merchantId).ExecuteUpdateAsync(s => s
            .SetProperty(c => c.NotifyUrl, request.NotifyUrl).SetProperty(c => c.UpdatedAt, clock.UtcNow), h.RequestAborted);
        credentials.Forget(user.MchId());
        await AuditAsync(audit, user, "merchant.notify-url", request.NotifyUrl ?? "(none)", h);
        return Results.Ok(await ViewAsync(merchantId, database, ring, h.RequestAborted));
    }

    private static bool IsRsa2048(string pem)
    {
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return rsa.KeySize >= 2048;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            return false;
        }
    }

    private static Task AuditAsync(AuditLog audit, ClaimsPrincipal user, string action, string target, HttpContext h) =>
        audit.AppendAsync("merchant:" + user.Identity!.Name, user.FindFirstValue(ClaimTypes.Role)!, action, target, "", h.RequestAborted);
}
