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

    /// <summary>
    /// A create's nonce, to be recorded in the commit that writes its order (one commit fewer a payment) — or, where the request
    /// ends without that commit, by <see cref="V3Protocol"/> after it, which then refuses a replay as <see cref="TryUseAsync"/> does.
    /// </summary>
    public async Task<PendingNonce> DeferAsync(string mchId, string nonce, CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        await PurgeIfDueAsync(now, cancellationToken);
        return new PendingNonce(mchId, nonce, now);
    }

    /// <summary>Whether (mchid, nonce) is recorded.</summary>
    public async Task<bool> SeenAsync(string mchId, string nonce)
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

/// <summary>A nonce a create records in its order's commit (<see cref="RequestNonces.DeferAsync"/>).</summary>
public sealed class PendingNonce(string mchId, string nonce, DateTimeOffset seenAt)
{
    public string MchId => mchId;

    public string Nonce => nonce;

    /// <summary>Recorded (by the order's commit, or found recorded by another request), or its one try made: nothing is left to record.</summary>
    public bool Recorded { get; private set; }

    /// <summary>Adds the nonce's row to <paramref name="db"/>'s next commit.</summary>
    public void AddTo(ZhifuDb db)
    {
        ArgumentNullException.ThrowIfNull(db);
        db.Add(new MerchantNonceRow { MchId = mchId, Nonce = nonce, SeenAt = seenAt });
    }

    public void MarkRecorded() => Recorded = true;
}
