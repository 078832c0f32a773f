using Microsoft.EntityFrameworkCore;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Statements;

namespace Zhifu.Server.Funds;

/// <summary>
/// Statement lines of top-ups (+) and withdrawals (−) (CARD-2), read from <c>fund_movements</c> by its (user, created)
/// index. Every movement is shown, whatever the bank answered: its status says whether money moved. A movement of kind
/// <see cref="FundMovements.CardTransfer"/> is not: it is the bank leg of a transfer to a card, whose own line (Transfers'
/// <c>transfer-to-card</c>) names it in <see cref="StatementEntry.AlsoExplainedBy"/> — one transfer, one line.
/// </summary>
public sealed class FundsStatementSource(DatabaseOptions database) : IStatementSource
{
    private static readonly string[] KindList = [FundMovements.TopUp, FundMovements.Withdrawal];

    public IReadOnlyCollection<string> Kinds => KindList;

    public async Task<IReadOnlyList<StatementEntry>> ReadAsync(StatementQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!query.Wants(KindList))
        {
            return [];
        }
        await using var db = database.CreateContext();
        var wanted = query.Kinds is { } kinds ? KindList.Where(kinds.Contains).ToList() : [.. KindList];
        var rows = db.Set<FundMovementRow>().AsNoTracking().Where(m => m.UserId == query.UserId && wanted.Contains(m.Kind));
        var page = await StatementWindow.PageOf(rows, query, m => m.CreatedAt, m => m.Id)
            .ToListAsync(cancellationToken);
        return [.. page.Select(Entry)];
    }

    public async Task<StatementEntry?> FindAsync(Guid userId, Guid recordId, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var row = await db.Set<FundMovementRow>().AsNoTracking()
            .FirstOrDefaultAsync(m => m.Id == recordId && m.UserId == userId && KindList.Contains(m.Kind), cancellationToken);
        return row is null ? null : Entry(row);
    }

    private static StatementEntry Entry(FundMovementRow m)
    {
        var topUp = m.Kind == FundMovements.TopUp;
        var last4 = m.CardMasked.Length >= 4 ? m.CardMasked[^4..] : m.CardMasked;
        var credit = m.CardType == "credit";
        var zh = BankNames.Zh(m.Bank) + (credit ? "信用卡" : "") + $"({last4})";
        var en = BankNames.En(m.Bank) + (credit ? " credit card" : "") + $" ({last4})";
        return new StatementEntry(m.Id, m.CreatedAt, m.Kind, topUp ? m.AmountFen : -m.AmountFen, m.Status,
            topUp ? "充值-" + zh : "提现-" + zh, topUp ? "Top-up from " + en : "Withdrawal to " + en, m.CardMasked);
    }
}
