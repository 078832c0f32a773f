using Microsoft.EntityFrameworkCore;
using Zhifu.Data;

namespace Zhifu.Server.Security;

/// <summary>The columns of one secret on its row: its hash, its count of wrong attempts, and the lock.</summary>
public sealed record SecretColumns(string Hash, string Failed, string LockedUntil);

/// <summary>What became of an attempt at a secret.</summary>
public enum SecretCheck
{
    /// <summary>Locked (or its count spent by attempts still under way): refused without a check.</summary>
    Locked,
    Right,
    Wrong,

    /// <summary>Wrong, and the attempt that reached the maximum: the secret is locked from now.</summary>
    WrongNowLocked,
}

/// <summary>
/// Attempts at a secret with a failure count and a lock (ACC-7, SEC-1) — wallet passwords and passcodes, operators and merchant
/// staff. The attempt is counted before the secret is checked, in one conditional statement: of guesses sent at once only as
/// many as the count still allows are checked at all, the rest are refused as locked without a check — a parallel brute
/// force gets no more tries than a patient one. (Reading the count, checking, then writing count + 1 let every guess of a
/// parallel wave count as the same one.)
/// </summary>
public sealed class SecretAttempts(PasswordHasher passwords, Zhifu.Core.IClock clock)
{
    /// <summary>How long an attempt waits for attempts under way to give back the count before it is refused as locked.</summary>
    private static readonly TimeSpan InFlightWaitMax = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan InFlightPoll = TimeSpan.FromMilliseconds(20);

    /// <param name="db">A context the statements run on.</param>
    /// <param name="id">The key (<c>Id</c>) of the one row of <typeparamref name="TRow"/> holding the secret.</param>
    public async Task<SecretCheck> CheckAsync<TRow>(ZhifuDb db, Guid id, SecretColumns columns, string password, string hash, int max,
        int lockMinutes, CancellationToken ct) where TRow : class
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(columns);
        var now = clock.UtcNow;
        var row = db.Set<TRow>().Where(r => EF.Property<Guid>(r, "Id") == id);
        var sql = SecretStatements.For<TRow>(db, columns);
        var unlocked = row.Where(r => EF.Property<DateTimeOffset?>(r, columns.LockedUntil) == null
            || EF.Property<DateTimeOffset?>(r, columns.LockedUntil) <= now);
        // The lock: the count starts again and the secret refuses every attempt until it ends.
        Task<int> LockAsync(IQueryable<TRow> which) => which.ExecuteUpdateAsync(set => set.SetProperty(r => EF.Property<int>(r, columns.Failed), 0)
            .SetProperty(r => EF.Property<DateTimeOffset?>(r, columns.LockedUntil), now.AddMinutes(lockMinutes)), CancellationToken.None);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        // Not cancelled once sent: a counted attempt always reaches its check and answer. Neither the count nor the reset waits
        // for the disk (UnsyncedCommit): a count is there to make guesses sent at once wait for each other, which it does once
        // committed; only a power failure could lose one, and with it everything committed after (docs/ledger.md). The lock
        // does wait: a locked secret stays locked.
        while (await UnsyncedCommit.ExecuteSqlAsync(db, sql.Count, sql.CountParameters(db, id, now, max)) == 0)
        {
            // Not counted: locked, or the count is spent by attempts still under way — the holder's own requests sent at once
            // (several transfers) are each right and give their count back in a moment. Wait for that, never for a lock, and
            // never check more attempts than the count allows.
            if (await row.AnyAsync(r => EF.Property<DateTimeOffset?>(r, columns.LockedUntil) > now, ct))
            {
                return SecretCheck.Locked;
            }
            if (waited.Elapsed >= InFlightWaitMax)
            {
                // Still spent with no lock: attempts that never finished (a server stopped mid-check). Make it an ordinary lock,
                // which ends, rather than a count nobody gives back.
                await LockAsync(unlocked.Where(r => EF.Property<int>(r, columns.Failed) >= max));
                return SecretCheck.Locked;
            }
            await Task.Delay(InFlightPoll, ct);
        }
        if (passwords.Verify(password, hash))
        {
            // right: the count starts again, and a hash made with earlier work factors moves to the current ones
            await UnsyncedCommit.ExecuteSqlAsync(db, sql.Reset, sql.ResetParameters(db, id));
            if (passwords.Rehashed(password, hash) is { } rehashed)
            {
                // only over the hash just checked: a password reset or change committed meanwhile is never written back over
                await row.Where(r => EF.Property<string?>(r, columns.Hash) == hash)
                    .ExecuteUpdateAsync(set => set.SetProperty(r => EF.Property<string?>(r, columns.Hash), rehashed), CancellationToken.None);
            }
            return SecretCheck.Right;
        }
        // wrong: the count stands; the attempt that brought it to the maximum locks the secret, and the count starts again
        var lockedNow = await LockAsync(row.Where(r => EF.Property<int>(r, columns.Failed) >= max));
        return lockedNow == 1 ? SecretCheck.WrongNowLocked : SecretCheck.Wrong;
    }
}

/// <summary>
/// The two statements every attempt makes — count it, and start the count again when it was right — as SQL written once per
/// model, table and columns (<see cref="ModelSql"/>): a LINQ <c>ExecuteUpdate</c> over <c>EF.Property</c> columns was
/// translated again on every payment password (2.4 % of the merchant bench's CPU). The rarer statements (lock, rehash) stay LINQ.
/// </summary>
internal sealed record SecretStatements(ModelSql Table, SecretColumns Columns, string Count, string Reset)
{
    public static SecretStatements For<TRow>(ZhifuDb db, SecretColumns columns) where TRow : class
    {
        var t = ModelSql.Of<TRow>(db);
        return new SecretStatements(t, columns,
            t.Statement((columns, "count"), static (k, t) => $"UPDATE {t.Table} SET {t.Column(k.columns.Failed)} = {t.Column(k.columns.Failed)} + 1"
                + $" WHERE {t.Column("Id")} = {{0}} AND ({t.Column(k.columns.LockedUntil)} IS NULL OR {t.Column(k.columns.LockedUntil)} <= {{1}})"
                + $" AND {t.Column(k.columns.Failed)} < {{2}}"),
            t.Statement((columns, "reset"), static (k, t) =>
                $"UPDATE {t.Table} SET {t.Column(k.columns.Failed)} = 0, {t.Column(k.columns.LockedUntil)} = NULL WHERE {t.Column("Id")} = {{0}}"));
    }

    /// <summary>Count the attempt: only while the secret is unlocked at <paramref name="now"/> and its count is under the maximum.</summary>
    public object[] CountParameters(ZhifuDb db, Guid id, DateTimeOffset now, int max) =>
        ModelSql.Parameters(db, (Table, "Id", id), (Table, Columns.LockedUntil, now), (Table, Columns.Failed, max));

    public object[] ResetParameters(ZhifuDb db, Guid id) => ModelSql.Parameters(db, (Table, "Id", id));
}
