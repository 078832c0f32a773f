using Microsoft.EntityFrameworkCore;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Statements;

namespace Zhifu.Server.Transfers;

/// <summary>
/// The transfers' statement lines: <c>transfer-out</c> and <c>transfer-to-card</c> for the payer (negative; pending and revoked
/// delayed transfers show with that status, refused ones — no money moved — not at all) at the time sent, <c>transfer-in</c>
/// for the payee once the money has arrived, at the time it arrived (a 24-hour transfer sent yesterday is today's income, and
/// a client paging from its newest line still finds it). A transfer to a card leaves through a fund movement's bank hold: its line names that
/// movement in <see cref="StatementEntry.AlsoExplainedBy"/>, so the detail shows the hold and its post or void, and Funds
/// shows no second line for it. A transfer to a card shows while still <c>processing</c> too (its money is held while the bank's
/// answer or a risk review is awaited — hours at times, CARD-4); a wallet transfer still processing has nothing held yet.
/// </summary>
public sealed class TransferStatementSource(DatabaseOptions database) : IStatementSource
{
    public const string Out = "transfer-out";
    public const string In = "transfer-in";
    public const string ToCard = "transfer-to-card";

    public IReadOnlyCollection<string> Kinds { get; } = [Out, In, ToCard];

    public async Task<IReadOnlyList<StatementEntry>> ReadAsync(StatementQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        bool Wants(string kind) => query.Kinds is null || query.Kinds.Contains(kind);
        var (outgoing, incoming, toCard) = (Wants(Out), Wants(In), Wants(ToCard));
        await using var db = database.CreateContext();
        var bounded = query with { Limit = Math.Clamp(query.Limit, 1, 500) };
        var page = new List<StatementEntry>();
        if (outgoing || toCard)
        {
            var sent = db.Set<WalletTransferRow>().AsNoTracking().Where(t =>
                t.PayerUserId == query.UserId && t.Status != WalletTransfers.Failed
                && ((outgoing && t.Kind == WalletTransfers.KindWallet && t.Status != WalletTransfers.Processing)
                    || (toCard && t.Kind == WalletTransfers.KindCard)));
            page.AddRange((await StatementWindow.PageOf(sent, bounded, t => t.CreatedAt, t => t.Id).ToListAsync(cancellationToken))
                .Select(t => Entry(t, query.UserId)));
        }
        if (incoming)
        {
            var received = db.Set<WalletTransferRow>().AsNoTracking().Where(t =>
                t.PayeeUserId == query.UserId && t.Status == WalletTransfers.Succeeded && t.ResolvedAt != null);
            page.AddRange((await StatementWindow.PageOf(received, bounded, t => t.ResolvedAt!.Value, t => t.Id).ToListAsync(cancellationToken))
                .Select(t => Entry(t, query.UserId)));
        }
        return [.. page.Order(StatementOrder.NewestFirst).Take(bounded.Limit)];
    }

    /// <summary>A direct lookup by id (the payer's line, or the payee's once arrived), instead of paging for it.</summary>
    public async Task<StatementEntry?> FindAsync(Guid userId, Guid recordId, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var t = await db.Set<WalletTransferRow>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == recordId, cancellationToken);
        var payerSees = t is not null && t.PayerUserId == userId && t.Status != WalletTransfers.Failed
            && (t.Status != WalletTransfers.Processing || t.Kind == WalletTransfers.KindCard);
        var shown = payerSees || (t is not null && t.PayeeUserId == userId && t.Status == WalletTransfers.Succeeded);
        return shown ? Entry(t!, userId) : null;
    }

    private static StatementEntry Entry(WalletTransferRow t, Guid userId)
    {
        if (t.PayerUserId != userId)
        {
            return new(t.Id, t.ResolvedAt ?? t.CreatedAt, In, t.AmountFen, t.Status, "转账收入", "Transfer received", t.PayerShown);
        }
        return t.Kind == WalletTransfers.KindCard
            ? new(t.Id, t.CreatedAt, ToCard, -t.AmountFen, t.Status, $"转账到银行卡-{t.PayeeNameMasked}", $"Transfer to card {t.PayeeNameMasked}",
                t.PayeeMasked) { AlsoExplainedBy = t.FundMovementId is { } movement ? [movement] : [] }
            : new(t.Id, t.CreatedAt, Out, -t.AmountFen, t.Status, $"转账-{t.PayeeNameMasked}", $"Transfer to {t.PayeeNameMasked}",
                $"{t.PayeeMasked}（{t.PayeeNameMasked}）");
    }
}
