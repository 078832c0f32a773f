using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Security;

/// <summary>
/// The tamper-evident audit log (SEC-1): each entry's hash is an HMAC-SHA256 of its fields, each length-prefixed, and of the
/// previous entry's hash, under a key derived from the server's secrets — which live outside the database, so whoever can
/// rewrite the table cannot rewrite the chain to match. Details must never carry personal data in clear — mask it first (ACC-8).
/// </summary>
public sealed class AuditLog(DatabaseOptions database, IClock clock, SecretKeys keys)
{
    private const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly byte[] _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, keys.BlindIndexKey, 32, info: "zhifu audit chain v1"u8.ToArray());

    /// <summary>
    /// Appends an entry. It takes no cancellation: an entry is asked for once the change it records is made, and no client
    /// going away may leave that change unaudited (SEC-1).
    /// </summary>
    public async Task AppendAsync(string actor, string role, string action, string target, string details)
    {
        var cancellationToken = CancellationToken.None;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                await using var db = database.CreateContext();
                var last = await db.Set<AuditRow>().OrderByDescending(a => a.Sequence).Select(a => new { a.Sequence, a.Hash })
                    .FirstOrDefaultAsync(cancellationToken);
                var row = new AuditRow
                {
                    Sequence = (last?.Sequence ?? 0) + 1,
                    At = ToMilliseconds(clock.UtcNow), // both databases keep at least this precision, so the hash survives a round trip
                    Actor = actor,
                    Role = role,
                    Action = action,
                    Target = target,
                    Details = details.Length > 1024 ? details[..1024] : details,
                    PreviousHash = last?.Hash ?? Genesis,
                    Hash = "",
                };
                row.Hash = HashOf(row, _key);
                db.Set<AuditRow>().Add(row);
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                    return;
                }
                catch (DbUpdateException) when (attempt < 5)
                {
                    // Another server process appended the same sequence number first: chain onto its entry instead.
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The last walk of the chain in this process: when, how many entries, where it broke (null: it held).</summary>
    public (DateTimeOffset At, long Entries, long? BrokenAt)? LastVerification { get; private set; }

    /// <summary>
    /// The last walk when it is younger than <paramref name="maxAge"/>, else a new one: a console page shows the chain's state
    /// without reading the whole log on every visit (it grows without end); asking anew walks it at once.
    /// </summary>
    public async Task<(DateTimeOffset At, long Entries, long? BrokenAt)> VerifiedAsync(TimeSpan maxAge, CancellationToken cancellationToken)
    {
        if (LastVerification is { } last && clock.UtcNow - last.At < maxAge)
        {
            return last;
        }
        await VerifyAsync(cancellationToken);
        return LastVerification!.Value;
    }

    /// <summary>Walks the chain; returns the first broken sequence number, or null when every link holds.</summary>
    public async Task<(long Entries, long? BrokenAt)> VerifyAsync(CancellationToken cancellationToken)
    {
        var at = clock.UtcNow;
        var result = await WalkAsync(cancellationToken);
        LastVerification = (at, result.Entries, result.BrokenAt);
        return result;
    }

    private async Task<(long Entries, long? BrokenAt)> WalkAsync(CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var previous = Genesis;
        long count = 0;
        await foreach (var row in db.Set<AuditRow>().AsNoTracking().OrderBy(a => a.Sequence).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            count++;
            if (row.Sequence != count || row.PreviousHash != previous || row.Hash != HashOf(row, _key))
            {
                return (count, row.Sequence);
            }
            previous = row.Hash;
        }
        return (count, null);
    }

    private static DateTimeOffset ToMilliseconds(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);

    /// <summary>The entry's HMAC: each field as its UTF-8 length (4 bytes, little-endian) then its bytes, so no text typed into one
    /// field can pass for another's.</summary>
    private static string HashOf(AuditRow row, byte[] key)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        Span<byte> length = stackalloc byte[4];
        foreach (var field in new[]
        {
            row.Sequence.ToString(CultureInfo.InvariantCulture), row.At.UtcTicks.ToString(CultureInfo.InvariantCulture), row.Actor, row.Role,
            row.Action, row.Target, row.Details, row.PreviousHash,
        })
        {
            var bytes = Encoding.UTF8.GetBytes(field);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
            hmac.AppendData(length);
            hmac.AppendData(bytes);
        }
        return Convert.ToHexStringLower(hmac.GetHashAndReset());
    }
}
