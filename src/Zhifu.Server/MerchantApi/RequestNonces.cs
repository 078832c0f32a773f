using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;

namespace Zhifu.Server.MerchantApi;

/// <summary>
/// PAY-6 replay protection: a merchant's nonce is accepted once within the timestamp window. Nonces are remembered in the
/// database (so every replica sees them) for three windows (a timestamp may run up to a window ahead) and purged after, which bounds the table.
/// </summary>
public sealed class RequestNonces(DatabaseOptions database, MerchantApiOptions options, IClock clock)
{
    private readonly OncePer _purge = new(TimeSpan.FromMinutes(1));

    /// <summary>True the first time (mchid, nonce) is seen; false for a replay.</summary>
    public async Task<bool> TryUseAsync(string mchId, string nonce, CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        await PurgeIfDueAsync(now, cancellationToken);
        await using var db = database.CreateContext();
        db.Add(new MerchantNonceRow { MchId = mchId, Nonce = nonce, SeenAt = now });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            if (await SeenAsync(mchId, nonce))
            {
                return false; // the primary key (mchid, nonce) already holds it
            }
            // any other failure (the database unreachable, busy) is the platform's: answered 500 SYSTEM_ERROR, which SDKs
            // retry — never SIGN_ERROR, which a merchant reads as its own keys being wrong and does not retry
            throw;
        }
    }

    private async Task<bool> SeenAsync(string mchId, string nonce)
    {
        await using var db = database.CreateContext();
        return await db.Set<MerchantNonceRow>().AnyAsync(n => n.MchId == mchId && n.Nonce == nonce, CancellationToken.None);
    }

    private async Task PurgeIfDueAsync(DateTimeOffset now, CancellationToken ct)
    {
        if (!_purge.TryEnter(now))
        {
            return;
        }
        var before = now.AddSeconds(-3 * options.TimestampWindowSeconds);
        await using var db = database.CreateContext();
        await db.Set<MerchantNonceRow>().Where(n => n.SeenAt < before).ExecuteDeleteAsync(ct);
    }
}
