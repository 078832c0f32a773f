using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Security;

namespace Zhifu.Server.MerchantApi;

/// <summary>An authenticated merchant of a /v3 request.</summary>
public sealed record ApiMerchant(MerchantRow Merchant, MerchantCredentialRow Credential);

/// <summary>
/// 商户 API 凭据 (MER-6): merchants' public keys by serial, their APIv3 keys (encrypted under the key ring, ACC-8's
/// mechanism), notify URL and fee rate.
/// </summary>
public sealed class MerchantCredentials(DatabaseOptions database, PersonalData protector, IClock clock)
{
    /// <summary>Encryption purpose (associated data) of APIv3 keys.</summary>
    public const string ApiV3KeyPurpose = "merchant-apiv3-key";

    /// <summary>The merchant and its credentials, or null when the mchid has none.</summary>
    public async Task<ApiMerchant?> FindAsync(string mchId, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var credential = await db.Set<MerchantCredentialRow>().AsNoTracking().FirstOrDefaultAsync(c => c.MchId == mchId, cancellationToken);
        if (credential is null)
        {
            return null;
        }
        var merchant = await db.Merchants.AsNoTracking().FirstOrDefaultAsync(m => m.Id == credential.MerchantId, cancellationToken);
        return merchant is { Status: MerchantRow.Active } ? new ApiMerchant(merchant, credential) : null;
    }

    /// <summary>The merchant's current public key under that serial, or null (unknown or revoked).</summary>
    public async Task<RSA?> PublicKeyAsync(string mchId, string serial, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var row = await db.Set<MerchantApiKeyRow>().AsNoTracking()
            .FirstOrDefaultAsync(k => k.MchId == mchId && k.Serial == serial && k.RevokedAt == null, cancellationToken);
        if (row is null)
        {
            return null;
        }
        var rsa = RSA.Create();
        rsa.ImportFromPem(row.PublicKeyPem);
        return rsa;
    }

    /// <summary>The 32-byte APIv3 key that encrypts this merchant's callbacks.</summary>
    public byte[] ApiV3Key(MerchantCredentialRow credential) =>
        System.Text.Encoding.ASCII.GetBytes(protector.Unprotect(credential.ApiV3KeyCipher, ApiV3KeyPurpose));

    /// <summary>Sets (or replaces) a merchant's APIv3 key, notify URL and fee rate; idempotent per merchant.</summary>
    public async Task SetAsync(MerchantRow merchant, string apiV3Key, string? notifyUrl, int feeRatePpm, CancellationToken ct)
    {
        if (apiV3Key.Length != 32 || !apiV3Key.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException("the APIv3 key is 32 ASCII letters or digits", nameof(apiV3Key));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(feeRatePpm);
        await using var db = database.CreateContext();
        var row = await db.Set<MerchantCredentialRow>().FirstOrDefaultAsync(c => c.MerchantId == merchant.Id, ct);
        if (row is null)
        {
            row = new MerchantCredentialRow { MerchantId = merchant.Id, MchId = merchant.MchId, ApiV3KeyCipher = [] };
            db.Add(row);
        }
        row.ApiV3KeyCipher = protector.Protect(apiV3Key, ApiV3KeyPurpose);
        row.NotifyUrl = notifyUrl;
        row.FeeRatePpm = feeRatePpm;
        row.UpdatedAt = clock.UtcNow;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Adds a merchant API public key under its serial (rotation: old serials stay valid until revoked).</summary>
    public async Task AddPublicKeyAsync(MerchantRow merchant, string serial, string publicKeyPem, CancellationToken ct)
    {
        using (var check = RSA.Create())
        {
            check.ImportFromPem(publicKeyPem); // refuse a key we could never verify with
        }
        await using var db = database.CreateContext();
        if (!await db.Set<MerchantApiKeyRow>().AnyAsync(k => k.MchId == merchant.MchId && k.Serial == serial, ct))
        {
            db.Add(new MerchantApiKeyRow
            {
                Serial = serial, MerchantId = merchant.Id, MchId = merchant.MchId, PublicKeyPem = publicKeyPem, CreatedAt = clock.UtcNow,
            });
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>A new APIv3 key: 32 random letters and digits, as the merchant platform sets them.</summary>
    public static string NewApiV3Key()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        return string.Concat(Enumerable.Range(0, 32).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]));
    }
}
