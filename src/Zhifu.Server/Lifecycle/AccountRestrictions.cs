using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;

namespace Zhifu.Server.Lifecycle;

/// <summary>A restriction in force on a wallet now.</summary>
/// <param name="Kind">One of <see cref="RestrictionKinds"/>.</param>
/// <param name="Reason">Why, as recorded (the operator's words, the carrier event, the dormancy rule).</param>
/// <param name="Since">When it began.</param>
/// <param name="Until">When it ends by itself, if it does.</param>
/// <param name="CreatedBy">Who placed it: <c>holder</c>, <c>ops:&lt;username&gt;</c>, <c>carrier</c>, <c>dormancy-scan</c>.</param>
/// <param name="SourceId">The restriction row or list entry behind it.</param>
public sealed record ActiveRestriction(
    string Kind, string Reason, DateTimeOffset Since, DateTimeOffset? Until, string CreatedBy, Guid? SourceId)
{
    /// <summary>Whether it stops this business: the involved person's penalty spares counter business; the rest stop everything.</summary>
    public bool Blocks(Business business) => Kind != RestrictionKinds.InvolvedPerson || business.Channel == BusinessChannel.NonCounter;
}

/// <summary>
/// Records and lifts a wallet's restrictions (rows are never deleted: lifting records who and when), and gathers every
/// restriction in force from the restrictions table, the wallet's status and the involved-account list.
/// </summary>
public sealed class AccountRestrictions(DatabaseOptions database, InvolvedAccountList involved, IClock clock)
{
    /// <summary>The open restriction of a kind, if any.</summary>
    public async Task<AccountRestrictionRow?> FindOpenAsync(Guid userId, string kind, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        return await Open(db, userId, kind).AsNoTracking().OrderBy(r => r.CreatedAt).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The open restrictions of a kind, as a query — for a statement that must hold only while none stands.</summary>
    public static IQueryable<AccountRestrictionRow> Open(ZhifuDb db, Guid userId, string kind)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Set<AccountRestrictionRow>().Where(r => r.UserId == userId && r.Kind == kind && r.LiftedAt == null);
    }

    /// <summary>A new restriction row, for callers that save it together with other changes in one transaction.</summary>
    public AccountRestrictionRow NewRow(Guid userId, string kind, string reason, string createdBy) => new()
    {
        Id = Guid.CreateVersion7(), UserId = userId, Kind = kind, Reason = reason, CreatedBy = createdBy, CreatedAt = clock.UtcNow,
    };

    public async Task<AccountRestrictionRow> AddAsync(Guid userId, string kind, string reason, string createdBy,
        CancellationToken cancellationToken)
    {
        var row = NewRow(userId, kind, reason, createdBy);
        await using var db = database.CreateContext();
        db.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        return row;
    }

    /// <summary>Lifts every open restriction of a kind; returns how many were open.</summary>
    public async Task<int> LiftAsync(Guid userId, string kind, string liftedBy, CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        await using var db = database.CreateContext();
        return await db.Set<AccountRestrictionRow>().Where(r => r.UserId == userId && r.Kind == kind && r.LiftedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.LiftedAt, now).SetProperty(r => r.LiftedBy, liftedBy), cancellationToken);
    }

    /// <summary>Read before every movement of money: compiled once (no per-call query translation).</summary>
    private static readonly ModelCompiled<Func<ZhifuDb, Guid, IAsyncEnumerable<AccountRestrictionRow>>> OpenOf =
        new(() => EF.CompileAsyncQuery((ZhifuDb db, Guid userId) => db.Set<AccountRestrictionRow>().AsNoTracking()
            .Where(r => r.UserId == userId && r.LiftedAt == null)));

    /// <summary>The restrictions in force, most decisive first (see <see cref="RestrictionKinds.Precedence"/>).</summary>
    public async Task<IReadOnlyList<ActiveRestriction>> ActiveAsync(UserRow user, CancellationToken cancellationToken)
    {
        var found = new List<ActiveRestriction>();
        if (user.Status == WalletAccounts.StatusClosed)
        {
            found.Add(new ActiveRestriction(RestrictionKinds.Closed, "closed", user.ClosedAt ?? user.CreatedAt, null, "holder", null));
        }
        await using (var db = database.CreateContext())
        {
            var rows = await OpenOf.For(db)(db, user.Id).ToListAsync(cancellationToken);
            found.AddRange(rows.Select(r => new ActiveRestriction(r.Kind, r.Reason, r.CreatedAt, null, r.CreatedBy, r.Id)));
        }
        found.AddRange(await involved.RestrictionsOfAsync(user, cancellationToken));
        return [.. found.OrderBy(r => Rank(r.Kind)).ThenBy(r => r.Since)];
    }

    private static int Rank(string kind)
    {
        var order = RestrictionKinds.Precedence;
        for (var i = 0; i < order.Count; i++)
        {
            if (order[i] == kind)
            {
                return i;
            }
        }
        return int.MaxValue;
    }
}
