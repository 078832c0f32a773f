using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Security;
using Zhifu.Server.Statements;

namespace Zhifu.Server.RealName;

/// <summary>
/// Statement lines of wallet merges (账户合并, ACC-2): the kept wallet shows the money in, the closed one the money out; the
/// other wallet (the same person's) is named by its masked phone (ACC-8). Pending until the merge has moved everything.
/// </summary>
public sealed class MergeStatementSource(DatabaseOptions database, PersonalData personalData) : IStatementSource
{
    public const string MergeIn = "merge-in";
    public const string MergeOut = "merge-out";
    private static readonly string[] KindList = [MergeIn, MergeOut];

    public IReadOnlyCollection<string> Kinds => KindList;

    public async Task<IReadOnlyList<StatementEntry>> ReadAsync(StatementQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!query.Wants(KindList))
        {
            return [];
        }
        var user = query.UserId;
        var (into, outOf) = (query.Kinds?.Contains(MergeIn) ?? true, query.Kinds?.Contains(MergeOut) ?? true);
        await using var db = database.CreateContext();
        var rows = db.Set<WalletMergeRow>().AsNoTracking().Where(m => (into && m.ToUserId == user) || (outOf && m.FromUserId == user));
        var page = await StatementWindow.PageOf(rows, query, m => m.CreatedAt, m => m.Id)
            .ToListAsync(cancellationToken);
        return await EntriesAsync(db, page, user, cancellationToken);
    }

    public async Task<StatementEntry?> FindAsync(Guid userId, Guid recordId, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var row = await db.Set<WalletMergeRow>().AsNoTracking()
            .FirstOrDefaultAsync(m => m.Id == recordId && (m.ToUserId == userId || m.FromUserId == userId), cancellationToken);
        return row is null ? null : (await EntriesAsync(db, [row], userId, cancellationToken))[0];
    }

    private async Task<List<StatementEntry>> EntriesAsync(ZhifuDb db, List<WalletMergeRow> page, Guid user, CancellationToken ct)
    {
        var others = page.Select(m => m.ToUserId == user ? m.FromUserId : m.ToUserId).Distinct().ToList();
        var phones = await db.Users.AsNoTracking().Where(u => others.Contains(u.Id)).Select(u => new { u.Id, u.PhoneCipher })
            .ToDictionaryAsync(u => u.Id, u => PersonalDataMask.Phone(personalData.Unprotect(u.PhoneCipher, PersonalData.Phone)), ct);
        return [.. page.Select(m =>
        {
            var into = m.ToUserId == user;
            var amount = m.WalletFen + m.ConsumptionFen;
            var other = phones.GetValueOrDefault(into ? m.FromUserId : m.ToUserId);
            return new StatementEntry(m.Id, m.CreatedAt, into ? MergeIn : MergeOut, into ? amount : -amount,
                m.CompletedAt is null ? "pending" : "succeeded",
                into ? $"账户合并转入-{other}" : $"账户合并转出-{other}",
                into ? $"Wallet merged in from {other}" : $"Wallet merged out to {other}", other);
        })];
    }
}
