using Microsoft.EntityFrameworkCore;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Statements;

namespace Zhifu.Server.Payments.Refunds;

/// <summary>
/// Statement lines of merchant refunds (+) to the wallet (PAY-3, PAY-4), read from <c>payment_refunds</c> by its (payer,
/// created) index: <c>pending</c> while held for the merchant's review or in flight, <c>succeeded</c> once the money is back. A
/// closed refund (rejected, or refused by the ledger) moved nothing and is not shown. Its ledger transfers name the refund.
/// </summary>
public sealed class RefundStatementSource(DatabaseOptions database) : IStatementSource
{
    public const string Kind = "refund";

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
        var rows = db.Set<PaymentRefundRow>().AsNoTracking()
            .Where(r => r.PayerUserId == query.UserId && r.Status != PaymentRefunds.Closed);
        var page = await StatementWindow.PageOf(rows, query, r => r.CreatedAt, r => r.Id)
            .Join(db.Set<MerchantRow>(), r => r.MerchantId, m => m.Id, (r, m) => new { Refund = r, Merchant = m.Name })
            .ToListAsync(cancellationToken);
        return [.. page.Select(p => Entry(p.Refund, p.Merchant))];
    }

    public async Task<StatementEntry?> FindAsync(Guid userId, Guid recordId, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var found = await db.Set<PaymentRefundRow>().AsNoTracking()
            .Where(r => r.Id == recordId && r.PayerUserId == userId && r.Status != PaymentRefunds.Closed)
            .Join(db.Set<MerchantRow>(), r => r.MerchantId, m => m.Id, (r, m) => new { Refund = r, Merchant = m.Name })
            .FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : Entry(found.Refund, found.Merchant);
    }

    private static StatementEntry Entry(PaymentRefundRow r, string merchant) => new(
        r.Id, r.CreatedAt, Kind, r.RefundFen, r.Status == PaymentRefunds.Success ? "succeeded" : "pending",
        $"退款-{merchant}", $"Refund from {merchant}", merchant);
}
