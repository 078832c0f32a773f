using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Hosting;
using Zhifu.Server.MerchantApi;
using Zhifu.Server.Security;
using static Zhifu.Server.Merchants.MerchantCredentialEndpoints;

namespace Zhifu.Server.Merchants;

/// <summary>
/// A merchant's API credentials as its staff manage them (MER-6): the view (serials, notify URL, platform keys — never a
/// secret), adding and revoking API keys, resetting the APIv3 key (answered once) and the notify URL. Validated and audited
/// here, so the merchant console API and the console pages do exactly the same.
/// </summary>
public sealed class MerchantCredentialSettings(DatabaseOptions database, MerchantCredentials credentials, PlatformKeys ring, AuditLog audit,
    IClock clock)
{
    public async Task<CredentialsDto> ViewAsync(Guid merchantId, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var credential = await db.Set<MerchantCredentialRow>().AsNoTracking().FirstAsync(c => c.MerchantId == merchantId, ct);
        var keys = await db.Set<MerchantApiKeyRow>().AsNoTracking().Where(k => k.MerchantId == merchantId).ToListAsync(ct);
        return new CredentialsDto(credential.MchId, credential.NotifyUrl, credential.FeeRatePpm,
            [.. keys.OrderByDescending(k => k.CreatedAt).Select(k => new ApiKeyDto(k.Serial, ChinaTime.Format(k.CreatedAt),
                k.RevokedAt is { } r ? ChinaTime.Format(r) : null))],
            OperatorMerchantApiEndpoints.List(ring));
    }

    public async Task<Refusal?> AddKeyAsync(ClaimsPrincipal user, string? serial, string? publicKeyPem, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (serial is not { Length: >= 8 and <= 64 } || !serial.All(char.IsAsciiHexDigit))
        {
            return new Refusal(400, "INVALID_SERIAL", "证书序列号须为 8–64 位十六进制字符", "The serial must be 8–64 hex digits", "serial");
        }
        if (RsaPublicKeys.Normalize(publicKeyPem) is not { } publicKey)
        {
            return new Refusal(400, "INVALID_PUBLIC_KEY", "须为 PEM 格式、2048–4096 位的 RSA 公钥（不是私钥）",
                "An RSA public key of 2048–4096 bits in PEM form is required (not the private key)", "publicKeyPem");
        }
        serial = serial.ToUpperInvariant(); // hex, kept in upper case: a serial is one whichever case it is typed in
        var merchantId = user.MerchantId();
        await using var db = database.CreateContext();
        var merchant = await db.Merchants.AsNoTracking().FirstAsync(m => m.Id == merchantId, ct);
        switch (await credentials.AddPublicKeyAsync(merchant, serial, publicKey, ApiKeysMax, ct))
        {
            case AddKeyOutcome.Full:
                return new Refusal(409, "API_KEYS_FULL", $"最多 {ApiKeysMax} 个有效证书，请先作废旧证书",
                    $"At most {ApiKeysMax} live keys: revoke an old one first");
            case AddKeyOutcome.SerialUsed:
                return new Refusal(409, "API_KEY_SERIAL_USED", "该证书序列号已登记", "That serial is already registered", "serial");
        }
        await AuditAsync(user, "merchant.api-key.add", $"{merchant.MchId} {serial}", ct);
        return null;
    }

    public async Task<Refusal?> RevokeKeyAsync(ClaimsPrincipal user, string serial, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var merchantId = user.MerchantId();
        await using var db = database.CreateContext();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // one merchant's key changes one at a time: two revocations at once of its last two keys leave one, never none
        await credentials.LockKeysAsync(db, merchantId, ct);
        serial = serial.ToUpperInvariant();
        var keys = await db.Set<MerchantApiKeyRow>().Where(k => k.MerchantId == merchantId && k.RevokedAt == null).ToListAsync(ct);
        var key = keys.FirstOrDefault(k => k.Serial == serial);
        if (key is null)
        {
            return new Refusal(404, "API_KEY_NOT_FOUND", "证书不存在或已作废", "No such live key");
        }
        if (keys.Count == 1)
        {
            return new Refusal(409, "API_KEY_LAST", "不能作废唯一的有效证书，请先添加新证书",
                "The only live key cannot be revoked: add the new one first");
        }
        key.RevokedAt = clock.UtcNow;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        credentials.Forget(key.MchId);
        await AuditAsync(user, "merchant.api-key.revoke", $"{key.MchId} {serial}", ct);
        return null;
    }

    /// <summary>A new APIv3 key, answered this once only; callbacks are encrypted with it from now on.</summary>
    public async Task<string> ResetApiV3KeyAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var merchantId = user.MerchantId();
        await using var db = database.CreateContext();
        var merchant = await db.Merchants.AsNoTracking().FirstAsync(m => m.Id == merchantId, ct);
        var key = MerchantCredentials.NewApiV3Key();
        await credentials.ReplaceApiV3KeyAsync(merchant, key, ct);
        await AuditAsync(user, "merchant.apiv3-key.reset", merchant.MchId, ct);
        return key;
    }

    /// <summary>Sets (or, null, removes) the default notify URL: http(s), no query.</summary>
    public async Task<Refusal?> SetNotifyUrlAsync(ClaimsPrincipal user, string? notifyUrl, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (notifyUrl is not null && (notifyUrl.Length > 255 || V3Json.NotifyUrl(notifyUrl) is not null))
        {
            return new Refusal(400, "INVALID_NOTIFY_URL", "通知地址须为不带查询参数的 http(s) 地址",
                "The notify URL must be an http(s) URL without a query", "notifyUrl");
        }
        var merchantId = user.MerchantId();
        await using var db = database.CreateContext();
        await db.Set<MerchantCredentialRow>().Where(c => c.MerchantId == merchantId).ExecuteUpdateAsync(s => s
            .SetProperty(c => c.NotifyUrl, notifyUrl).SetProperty(c => c.UpdatedAt, clock.UtcNow), ct);
        credentials.Forget(user.MchId());
        await AuditAsync(user, "merchant.notify-url", notifyUrl ?? "(none)", ct);
        return null;
    }

    private Task AuditAsync(ClaimsPrincipal user, string action, string target, CancellationToken ct) =>
        audit.AppendAsync("merchant:" + user.Identity!.Name, user.FindFirstValue(ClaimTypes.Role)!, action, target, "");
}
