using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Security;

namespace Zhifu.Server.Payments.Codes;

/// <summary>
/// 付款码 (PAY-2): issues the wallet's rotating payment code — 18 digits starting 10–15 as the protocol's auth_code, valid
/// <c>Payments:PaymentCodeSeconds</c> (60) — and lets a merchant's charge consume it exactly once.
/// </summary>
public sealed class PaymentCodes(DatabaseOptions database, PaymentsOptions options, IClock clock)
{
    /// <summary>
    /// A fresh code for the user; every older unused code of theirs stops working at once. One live code per user is also a
    /// unique index: of two codes issued at once (the page's refresh and an API call), the later insert fails, retires the
    /// other and tries again — never two live codes.
    /// </summary>
    public async Task<(string Code, DateTimeOffset ExpiresAt)> IssueAsync(Guid userId, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var now = clock.UtcNow;
            var code = RandomNumberGenerator.GetInt32(10, 16).ToString(System.Globalization.CultureInfo.InvariantCulture)
                + RandomDigits.Of(16);
            await using var db = database.CreateContext();
            await db.Set<PaymentCodeRow>().Where(c => c.UserId == userId && c.UsedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now), ct);
            var expires = now.AddSeconds(options.PaymentCodeSeconds);
            db.Add(new PaymentCodeRow { CodeHash = BearerValues.Hash(code), UserId = userId, CreatedAt = now, ExpiresAt = expires });
            try
            {
                await db.SaveChangesAsync(ct);
                return (code, expires);
            }
            catch (DbUpdateException) when (attempt < IssueTriesMax && !ct.IsCancellationRequested)
            {
                // another code of this user was issued at the same moment: retire it too, and try again
            }
        }
    }

    private const int IssueTriesMax = 5;

    /// <summary>
    /// The code's owner when it is live, marking it used by <paramref name="usedFor"/> (the charge's <c>mchid/out_trade_no</c>)
    /// in the same statement (one charge wins); else null, and whether that charge itself used it (its repeat).
    /// </summary>
    public async Task<(Guid? Owner, bool UsedBySame)> ConsumeAsync(string code, string usedFor, CancellationToken ct)
    {
        var hash = BearerValues.Hash(code);
        var now = clock.UtcNow;
        await using var db = database.CreateContext();
        var owner = await db.Set<PaymentCodeRow>().AsNoTracking().Where(c => c.CodeHash == hash).Select(c => (Guid?)c.UserId)
            .FirstOrDefaultAsync(ct);
        var taken = await db.Set<PaymentCodeRow>().Where(c => c.CodeHash == hash && c.UsedAt == null && c.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now).SetProperty(c => c.UsedFor, usedFor), ct);
        return taken == 1 ? (owner, false)
            : (null, await db.Set<PaymentCodeRow>().AnyAsync(c => c.CodeHash == hash && c.UsedFor == usedFor, ct));
    }

    /// <summary>Forgets codes expired more than a day ago, so the table stays bounded (at most 1,000 a call).</summary>
    public async Task PurgeAsync(CancellationToken ct)
    {
        var before = clock.UtcNow.AddDays(-1);
        await using var db = database.CreateContext();
        var old = await db.Set<PaymentCodeRow>().Where(c => c.ExpiresAt < before).Select(c => c.CodeHash).Take(1_000).ToListAsync(ct);
        if (old.Count > 0)
        {
            await db.Set<PaymentCodeRow>().Where(c => old.Contains(c.CodeHash)).ExecuteDeleteAsync(ct);
        }
    }

    /// <summary>18 digits, the first two 10–15: what a payment code looks like to a scanner.</summary>
    public static bool IsWellFormed(string? code) =>
        code is { Length: 18 } && code.All(char.IsAsciiDigit) && code[0] == '1' && code[1] is >= '0' and <= '5';
}
