using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Security;

namespace Zhifu.Server.MerchantApi;

/// <summary>What became of adding a merchant API key.</summary>
public enum AddKeyOutcome
{
    Added,
    SerialUsed,
    Full,
}

/// <summary>An authenticated merchant of a /v3 request.</summary>
public sealed record ApiMerchant(MerchantRow Merchant, MerchantCredentialRow Credential);

/// <summary>
/// 商户 API 凭据 (MER-6): merchants' public keys by serial, their APIv3 keys (encrypted under the key ring, ACC-8's
/// mechanism), notify URL and fee rate.
/// </summary>
public sealed class MerchantCredentials(DatabaseOptions database, PersonalData protector, MerchantApiOptions options, IClock clock)
{
    /// <summary>Encryption purpose (associated data) of APIv3 keys.</summary>
    public const string ApiV3KeyPurpose = "merchant-apiv3-key";

    /// <summary>Merchants (and their public keys) read in the last few seconds, by mchid: every /v3 request needs them.</summary>
    private readonly ConcurrentDictionary<string, Cached> _cache = new(StringComparer.Ordinal);

    /// <summary>Forgets so far: a load that began before one is answered but not cached, for it may hold what was just changed.</summary>
    private long _forgets;

    /// <summary>Merchants the cache may hold; past it the cache starts over (bounded memory).</summary>
    private const int CachedMerchantsMax = 10_000;

    private sealed record Cached(ApiMerchant? Merchant, ConcurrentDictionary<string, RSA?> Keys, DateTimeOffset Until);

    /// <summary>
    /// The merchant and its credentials, or null when the mchid has none or the merchant is neither active nor suspended
    /// (a suspended one takes no new payment: check <see cref="ApiMerchant.Merchant"/>'s status before charging). Kept for
    /// <c>MerchantApi:CredentialCacheSeconds</c> (10): a change made here is seen at once, one made by another server
    /// process within that time.
    /// </summary>
    public async Task<ApiMerchant?> FindAsync(string mchId, CancellationToken cancellationToken) =>
        (await CachedAsync(mchId, cancellationToken)).Merchant;

    /// <summary>Forgets what is cached of a merchant: call after changing its credentials, keys or settings.</summary>
    public void Forget(string mchId)
    {
        Interlocked.Increment(ref _forgets);
        _cache.TryRemove(mchId, out _);
    }

    private async Task<Cached> CachedAsync(string mchId, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(mchId, out var cached) && cached.Until > clock.UtcNow)
        {
            return cached;
        }
        if (_cache.Count >= CachedMerchantsMax)
        {
            _cache.Clear();
        }
        var forgets = Interlocked.Read(ref _forgets);
        cached = new Cached(await LoadAsync(mchId, cancellationToken), new ConcurrentDictionary<string, RSA?>(StringComparer.Ordinal),
            clock.UtcNow.AddSeconds(options.CredentialCacheSeconds));
        // Only merchants are kept: an unknown mchid (any unsigned request can name one) is looked up again each time rather than
        // filling the cache until it is cleared and every real merchant's keys with it. A change that came while loading: the
        // next request loads again.
        if (cached.Merchant is not null && Interlocked.Read(ref _forgets) == forgets)
        {
            _cache[mchId] = cached;
        }
        return cached;
    }

    private async Task<ApiMerchant?> LoadAsync(string mchId, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var credential = await db.Set<MerchantCredentialRow>().AsNoTracking().FirstOrDefaultAsync(c => c.MchId == mchId, cancellationToken);
        if (credential is null)
        {
            return null;
        }
        var merchant = await db.Merchants.AsNoTracking().FirstOrDefaultAsync(m => m.Id == credential.MerchantId, cancellationToken);
        // a suspended merchant keeps the API for what it owes its payers (queries, closes, refunds, bills, callbacks);
        // PaymentOrders.CreateAsync and the wallet refuse it new payments
        return merchant is { Status: MerchantRow.Active or MerchantRow.Suspended } ? new ApiMerchant(merchant, credential) : null;
    }

    /// <summary>
    /// The merchant's current public key under that serial, or null (unknown or revoked); cached with the merchant, so the
    /// caller must not dispose it.
    /// </summary>
    public async Task<RSA?> PublicKeyAsync(string mchId, string serial, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(serial);
        serial = serial.ToUpperInvariant(); // hex: SDKs send it as the certificate shows it, in either case
        var cached = await CachedAsync(mchId, cancellationToken);
        if (cached.Keys.TryGetValue(serial, out var known))
        {
            return known;
        }
        if (cached.Keys.Count >= 16)
        {
            return await LoadKeyAsync(mchId, serial, cancellationToken); // a flood of unknown serials is not cached
        }
        return cached.Keys[serial] = await LoadKeyAsync(mchId, serial, cancellationToken);
    }

    private async Task<RSA?> LoadKeyAsync(string mchId, string serial, CancellationToken cancellationToken)
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
        CheckApiV3Key(apiV3Key);
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
        Forget(merchant.MchId);
    }

    /// <summary>
    /// A new merchant's first credentials (MER-1 approval): a random APIv3 key the merchant resets to read, no notify URL, the
    /// fee rate — only where it has none yet, so an approval sent twice at once, or made again after a crash, never replaces
    /// what an approved merchant has.
    /// </summary>
    public async Task CreateIfMissingAsync(MerchantRow merchant, int feeRatePpm, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(merchant);
        await using var db = database.CreateContext();
        if (await db.Set<MerchantCredentialRow>().AnyAsync(c => c.MerchantId == merchant.Id, ct))
        {
            return;
        }
        db.Add(new MerchantCredentialRow
        {
            MerchantId = merchant.Id, MchId = merchant.MchId, ApiV3KeyCipher = protector.Protect(NewApiV3Key(), ApiV3KeyPurpose),
            FeeRatePpm = feeRatePpm, UpdatedAt = clock.UtcNow,
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (!ct.IsCancellationRequested)
        {
            if (!await HasCredentialAsync(merchant.Id))
            {
                throw; // not the other approval's row: a real failure
            }
        }
        Forget(merchant.MchId);
    }

    private async Task<bool> HasCredentialAsync(Guid merchantId)
    {
        await using var db = database.CreateContext();
        return await db.Set<MerchantCredentialRow>().AnyAsync(c => c.MerchantId == merchantId);
    }

    /// <summary>
    /// Replaces only the APIv3 key (MER-6 reset): the notify URL and the fee rate stay as they are now, not as they were read
    /// before — a notify-URL change or an operator's fee change made meanwhile is kept. Callbacks still due are sealed again
    /// under the new key at their next attempt (<see cref="Payments.PaymentNotifications"/>).
    /// </summary>
    public async Task ReplaceApiV3KeyAsync(MerchantRow merchant, string apiV3Key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(merchant);
        CheckApiV3Key(apiV3Key);
        await using var db = database.CreateContext();
        var cipher = protector.Protect(apiV3Key, ApiV3KeyPurpose);
        await db.Set<MerchantCredentialRow>().Where(c => c.MerchantId == merchant.Id).ExecuteUpdateAsync(set => set
            .SetProperty(c => c.ApiV3KeyCipher, cipher).SetProperty(c => c.UpdatedAt, clock.UtcNow), ct);
        Forget(merchant.MchId);
    }

    private static void CheckApiV3Key(string apiV3Key)
    {
        if (apiV3Key.Length != 32 || !apiV3Key.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException("the APIv3 key is 32 ASCII letters or digits", nameof(apiV3Key));
        }
    }

    /// <summary>
    /// Adds a merchant API public key under its serial (rotation: old serials stay valid until revoked), with at most
    /// <paramref name="liveMax"/> live keys. One merchant's key changes are one at a time (<see cref="LockKeysAsync"/>), so two
    /// adds at once of one serial, or past the limit, are told apart and refused.
    /// </summary>
    public async Task<AddKeyOutcome> AddPublicKeyAsync(MerchantRow merchant, string serial, string publicKeyPem, int liveMax,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(merchant);
        using (var check = RSA.Create())
        {
            check.ImportFromPem(publicKeyPem); // refuse a key we could never verify with
        }
        await using var db = database.CreateContext();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await LockKeysAsync(db, merchant.Id, ct);
        if (await db.Set<MerchantApiKeyRow>().AnyAsync(k => k.MchId == merchant.MchId && k.Serial == serial, ct))
        {
            return AddKeyOutcome.SerialUsed;
        }
        if (await db.Set<MerchantApiKeyRow>().CountAsync(k => k.MerchantId == merchant.Id && k.RevokedAt == null, ct) >= liveMax)
        {
            return AddKeyOutcome.Full;
        }
        db.Add(new MerchantApiKeyRow
        {
            Serial = serial, MerchantId = merchant.Id, MchId = merchant.MchId, PublicKeyPem = publicKeyPem, CreatedAt = clock.UtcNow,
        });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        Forget(merchant.MchId);
        return AddKeyOutcome.Added;
    }

    /// <summary>
    /// Inside the caller's transaction, makes one merchant's key changes one at a time: its credentials row is written first
    /// (PostgreSQL's row lock until commit; SQLite has one writer), so counts of live keys read after it stand until commit.
    /// </summary>
    public Task<int> LockKeysAsync(ZhifuDb db, Guid merchantId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Set<MerchantCredentialRow>().Where(c => c.MerchantId == merchantId)
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.UpdatedAt, clock.UtcNow), ct);
    }

    /// <summary>A new APIv3 key: 32 random letters and digits, as the merchant platform sets them.</summary>
    public static string NewApiV3Key()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        return string.Concat(Enumerable.Range(0, 32).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]));
    }
}
