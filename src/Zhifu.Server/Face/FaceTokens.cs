using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Security;

namespace Zhifu.Server.Face;

/// <summary>
/// The state between a terminal's face scan and its payment (FACE-4), in the database so that any server replica answers the
/// same (architecture.md: stateless replicas) and a restart loses nothing: the face token a scan yields — bound to the
/// terminal, valid <see cref="Lifetime"/>, claimed by one payment in one statement — and the count of wrong phone digits a
/// terminal gave to tell a lookalike pair apart.
/// </summary>
public sealed class FaceTokens(DatabaseOptions database, IClock clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    /// <summary>Wrong sets of phone digits a terminal may give within <see cref="DigitWindow"/> before it must wait.</summary>
    public const int DigitMissesMax = 5;

    public static readonly TimeSpan DigitWindow = TimeSpan.FromMinutes(10);

    private readonly OncePer _purge = new(TimeSpan.FromMinutes(1));

    /// <summary>A new token for the payer a scan at <paramref name="terminalId"/> found.</summary>
    public async Task<string> IssueAsync(string terminalId, Guid userId, CancellationToken ct)
    {
        var now = clock.UtcNow;
        await using var db = database.CreateContext();
        if (_purge.TryEnter(now))
        {
            await db.Set<FaceTokenRow>().Where(t => t.ExpiresAt < now).ExecuteDeleteAsync(ct); // keeps the table to minutes of scans
        }
        var token = "ft_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        db.Add(new FaceTokenRow { TokenHash = BearerValues.Hash(token), TerminalId = terminalId, UserId = userId, CreatedAt = now, ExpiresAt = now + Lifetime });
        await db.SaveChangesAsync(ct);
        return token;
    }

    /// <summary>
    /// The payer the token stands for, the token marked used in the same statement — of payments racing with one token, one
    /// gets it; null when it is unknown, another terminal's, expired or used.
    /// </summary>
    public async Task<Guid?> ClaimAsync(string token, string terminalId, string usedFor, CancellationToken ct)
    {
        var (hash, now) = (BearerValues.Hash(token), clock.UtcNow);
        await using var db = database.CreateContext();
        var claimed = await db.Set<FaceTokenRow>()
            .Where(t => t.TokenHash == hash && t.TerminalId == terminalId && t.UsedAt == null && t.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now).SetProperty(t => t.UsedFor, usedFor), ct);
        return claimed == 1
            ? await db.Set<FaceTokenRow>().Where(t => t.TokenHash == hash).Select(t => (Guid?)t.UserId).FirstAsync(CancellationToken.None)
            : null;
    }

    /// <summary>The payer a token of this terminal stood for when it was used by <paramref name="usedFor"/> (kept while the
    /// token lasts), else null.</summary>
    public async Task<Guid?> UsedByAsync(string token, string terminalId, string usedFor, CancellationToken ct)
    {
        var hash = BearerValues.Hash(token);
        await using var db = database.CreateContext();
        return await db.Set<FaceTokenRow>()
            .Where(t => t.TokenHash == hash && t.TerminalId == terminalId && t.UsedAt != null && t.UsedFor == usedFor)
            .Select(t => (Guid?)t.UserId).FirstOrDefaultAsync(ct);
    }

    /// <summary>Hands a claimed token back: its payment was refused before any charge was tried (a wrong passcode, an order
    /// refused at creation, e.g. an out_trade_no reused with other content), so the user may try again while it lives.</summary>
    public async Task ReleaseAsync(string token)
    {
        var hash = BearerValues.Hash(token);
        await using var db = database.CreateContext();
        await db.Set<FaceTokenRow>().Where(t => t.TokenHash == hash)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, (DateTimeOffset?)null).SetProperty(t => t.UsedFor, (string?)null), CancellationToken.None);
    }

    /// <summary>
    /// Counts one attempt at a lookalike pair's phone digits at the terminal <em>before</em> the digits are checked, in one
    /// conditional statement: null when its window already holds <see cref="DigitMissesMax"/> — refused unchecked. Attempts
    /// sent at once each take a count first, so no more are checked than the window allows (checking first and counting the
    /// miss after let every guess of a parallel wave be checked). A right answer gives its count back
    /// (<see cref="RightDigitsAsync"/>), so the count is of wrong sets. Null when refused, else when it was counted.
    /// </summary>
    public async Task<DateTimeOffset?> TryDigitAttemptAsync(string terminalId, CancellationToken ct)
    {
        var now = clock.UtcNow;
        var windowStart = now - DigitWindow;
        await using var db = database.CreateContext();
        var misses = db.Set<FaceDigitMissRow>().Where(m => m.TerminalId == terminalId);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (await misses.Where(m => m.Since > windowStart && m.Count < DigitMissesMax)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Count, m => m.Count + 1), CancellationToken.None) == 1)
            {
                return now;
            }
            if (await misses.AnyAsync(m => m.Since > windowStart, ct))
            {
                return null; // the window's count is spent
            }
            if (await misses.Where(m => m.Since <= windowStart)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Count, 1).SetProperty(m => m.Since, now), CancellationToken.None) == 1)
            {
                return now; // the first of a new window
            }
            db.Add(new FaceDigitMissRow { TerminalId = terminalId, Count = 1, Since = now });
            try
            {
                await db.SaveChangesAsync(CancellationToken.None);
                return now;
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear(); // another replica counted this terminal's first attempt at the same moment: count on it
            }
        }
        return null;
    }

    /// <summary>The digits told the pair apart: the attempt's count (made at <paramref name="countedAt"/>) is given back — to
    /// its own window only: one begun since holds only later attempts.</summary>
    public async Task RightDigitsAsync(string terminalId, DateTimeOffset countedAt)
    {
        await using var db = database.CreateContext();
        await db.Set<FaceDigitMissRow>().Where(m => m.TerminalId == terminalId && m.Count > 0 && m.Since <= countedAt)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Count, m => m.Count - 1), CancellationToken.None);
    }
}
