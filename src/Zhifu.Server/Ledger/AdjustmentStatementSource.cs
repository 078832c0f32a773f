using Microsoft.EntityFrameworkCore;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Statements;

namespace Zhifu.Server.Ledger;

/// <summary>
/// Statement lines of adjustments (调账) that touched the wallet — the demo opening balance, an operator's correction. An
/// adjustment names ledger accounts, not users, so it is found by the wallet's two account ids. <c>adjustments</c> has no
/// index on them: a scan, fine while adjustments are rare; an index on each account column makes it a seek.
/// </summary>
public sealed class AdjustmentStatementSource(DatabaseOptions database) : IStatementSource
{
    public const string Kind = "adjustment";
    private static readonly string[] KindList = [Kind];

    public IReadOnlyCollection<string> Kinds => KindList;

    public async Task<IReadOnlyList<StatementEntry>> ReadAsync(StatementQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!query.Wants(KindList))
        {
            return [];
        }
        await using var db = database.CreateContext();
        if (await AccountsOfAsync(db, query.UserId, cancellationToken) is not { } accounts)
        {
            return [];
        }
        var (wallet, consumption) = accounts;
        var rows = Shown(db).Where(a => a.CreditAccountId == wallet || a.CreditAccountId == consumption
            || a.DebitAccountId == wallet || a.DebitAccountId == consumption);
        var page = await StatementWindow.PageOf(rows, query, a => a.CreatedAt, a => a.Id)
            .ToListAsync(cancellationToken);
        return await EntriesAsync(db, page, wallet, consumption, cancellationToken);
    }

    public async Task<StatementEntry?> FindAsync(Guid userId, Guid recordId, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        if (await AccountsOfAsync(db, userId, cancellationToken) is not { } accounts)
        {
            return null;
        }
        var (wallet, consumption) = accounts;
        var row = await Shown(db).FirstOrDefaultAsync(a => a.Id == recordId && (a.CreditAccountId == wallet
            || a.CreditAccountId == consumption || a.DebitAccountId == wallet || a.DebitAccountId == consumption), cancellationToken);
        return row is null ? null : (await EntriesAsync(db, [row], wallet, consumption, cancellationToken)).FirstOrDefault();
    }

    /// <summary>
    /// The adjustments a statement shows: all but a compensation the ledger refused (the fund short in a race), which moved
    /// nothing and was undone — left out in SQL, before the page is cut, so a page never comes back short and its cursor never
    /// skips the adjustments behind the ones left out.
    /// </summary>
    private static IQueryable<AdjustmentRow> Shown(ZhifuDb db) => db.Adjustments.AsNoTracking().Where(a => a.Kind != Face.FaceClaims.CompensationKind
        || !db.LedgerTransfers.Any(t => t.Id == a.Id && t.Result != (int)TransferResult.Ok));

    private static async Task<(Guid Wallet, Guid Consumption)?> AccountsOfAsync(ZhifuDb db, Guid userId, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.WalletAccountId, u.ConsumptionAccountId }).FirstOrDefaultAsync(ct);
        return user is null ? null : (user.WalletAccountId, user.ConsumptionAccountId);
    }

    /// <summary>
    /// The record is written before its transfer (whose id is the record's), so the status is the transfer's outcome:
    /// applied, refused, or not sent yet — one primary-key lookup per page.
    /// </summary>
    private static async Task<List<StatementEntry>> EntriesAsync(ZhifuDb db, List<AdjustmentRow> page, Guid wallet, Guid consumption,
        CancellationToken ct)
    {
        var ids = page.Select(a => a.Id).ToList();
        var outcomes = await db.LedgerTransfers.AsNoTracking().Where(t => ids.Contains(t.Id))
            .Select(t => new { t.Id, t.Result }).ToDictionaryAsync(t => t.Id, t => t.Result, ct);
        return [.. page.Select(a =>
        {
            var into = a.CreditAccountId == wallet || a.CreditAccountId == consumption;
            var status = !outcomes.TryGetValue(a.Id, out var result) ? "pending"
                : result == (int)TransferResult.Ok ? "succeeded" : "failed";
            var (zh, en) = a.Kind switch
            {
                "demo-funding" => ("演示开户余额", "Demo opening balance"),
                Face.FaceClaims.CompensationKind => ("刷脸支付先行赔付", "Face-pay compensation"),
                _ => ("调账", "Adjustment"),
            };
            return new StatementEntry(a.Id, a.CreatedAt, Kind, into ? a.AmountFen : -a.AmountFen, status, zh, en, "知付");
        })];
    }
}
