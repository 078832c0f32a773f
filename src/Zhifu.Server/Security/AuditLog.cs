using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Security;

/// <summary>
/// The tamper-evident audit log (SEC-1): each entry's hash covers its fields and the previous entry's hash. Details must
/// never carry personal data in clear — mask it first (ACC-8).
/// </summary>
public sealed class AuditLog(DatabaseOptions database, IClock clock)
{
    private const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task AppendAsync(string actor, string role, string action, string target, string details, CancellationToken cancellationToken)
    {
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
                row.Hash = HashOf(row);
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

    /// <summary>Walks the chain; returns the first broken sequence number, or null when every link holds.</summary>
    public async Task<(long Entries, long? BrokenAt)> VerifyAsync(CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var previous = Genesis;
        long count = 0;
        await foreach (var row in db.Set<AuditRow>().AsNoTracking().OrderBy(a => a.Sequence).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            count++;
            if (row.Sequence != count || row.PreviousHash != previous || row.Hash != HashOf(row))
            {
                return (count, row.Sequence);
            }
            previous = row.Hash;
        }
        return (count, null);
    }

    private static DateTimeOffset ToMilliseconds(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);

    private static string HashOf(AuditRow row)
    {
        var text = string.Join('\u001f', row.Sequence.ToString(CultureInfo.InvariantCulture), row.At.UtcTicks.ToString(CultureInfo.InvariantCulture),
            row.Actor, row.Role, row.Action, row.Target, row.Details, row.PreviousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
