using System.Security.Claims;
using Zhifu.Server.MerchantApi;

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
        group.MapGet("", async (ClaimsPrincipal user, MerchantCredentialSettings settings, HttpContext h) =>
            Results.Ok(await settings.ViewAsync(user.MerchantId(), h.RequestAborted)))
            .RequireAuthorization(MerchantStaffAuth.AnyStaff);
        group.MapPost("/api-keys", async (AddKeyRequest request, ClaimsPrincipal user, MerchantCredentialSettings settings, HttpContext h) =>
            await settings.AddKeyAsync(user, request.Serial, request.PublicKeyPem, h.RequestAborted) is { } refusal
                ? refusal.ToResult(h) : Results.Ok(await settings.ViewAsync(user.MerchantId(), h.RequestAborted)))
            .RequireAuthorization(MerchantStaffAuth.Admins);
        group.MapDelete("/api-keys/{serial}", async (string serial, ClaimsPrincipal user, MerchantCredentialSettings settings, HttpContext h) =>
            await settings.RevokeKeyAsync(user, serial, h.RequestAborted) is { } refusal
                ? refusal.ToResult(h) : Results.Ok(await settings.ViewAsync(user.MerchantId(), h.RequestAborted)))
            .RequireAuthorization(MerchantStaffAuth.Admins);
        group.MapPost("/apiv3-key", async (ClaimsPrincipal user, MerchantCredentialSettings settings, HttpContext h) =>
            Results.Ok(new { apiV3Key = await settings.ResetApiV3KeyAsync(user, h.RequestAborted) }))
            .RequireAuthorization(MerchantStaffAuth.Admins);
        group.MapPut("/notify-url", async (NotifyUrlRequest request, ClaimsPrincipal user, MerchantCredentialSettings settings, HttpContext h) =>
            await settings.SetNotifyUrlAsync(user, request.NotifyUrl, h.RequestAborted) is { } refusal
                ? refusal.ToResult(h) : Results.Ok(await settings.ViewAsync(user.MerchantId(), h.RequestAborted)))
            .RequireAuthorization(MerchantStaffAuth.Admins);
    }
}
