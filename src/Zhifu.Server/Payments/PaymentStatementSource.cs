using Microsoft.EntityFrameworkCore;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Statements;

namespace Zhifu.Server.Payments;

/// <summary>
/// Statement lines of merchant payments (−) the wallet authorized (PAY-1), read from <c>payment_orders</c> by its
/// (payer, paying-since) index: a line from the moment the payer authorized it, <c>pending</c> while the ledger batch is in
/// flight, <c>succeeded</c> once it moved. Its ledger transfers (payer → merchant, merchant → fee) name the order.
/// </summary>
public sealed class PaymentStatementSource(DatabaseOptions database) : IStatementSource
{
    public const string Kind = "payment";

    private static readonly string[] KindList = [Kind];
    private static readonly string[] Shown = [PaymentOrders.Paying, PaymentOrders.Review, PaymentOrders.Success];

    public IReadOnlyCollection<string> Kinds => KindList;

    public async Task<IReadOnlyList<StatementEntry>> ReadAsync(StatementQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!query.Wants(KindList))
        {
            return [];
        }
        await using var db = database.CreateContext();
        var rows = db.Set<PaymentOrderRow>().AsNoTracking()
            .Where(o => o.PayerUserId == query.UserId && o.PayingSince != null && Shown.Contains(o.State));
        var page = await StatementWindow.PageOf(rows, query, o => o.PayingSince!.Value, o => o.Id)
            .Join(db.Set<MerchantRow>(), o => o.MerchantId, m => m.Id, (o, m) => new { Order = o, Merchant = m.Name })
            .ToListAsync(cancellationToken);
        return [.. page.Select(p => Entry(p.Order, p.Merchant))];
    }

    public async Task<StatementEntry?> FindAsync(Guid userId, Guid recordId, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var found = await db.Set<PaymentOrderRow>().AsNoTracking()
            .Where(o => o.Id == recordId && o.PayerUserId == userId && o.PayingSince != null && Shown.Contains(o.State))
            .Join(db.Set<MerchantRow>(), o => o.MerchantId, m => m.Id, (o, m) => new { Order = o, Merchant = m.Name })
            .FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : Entry(found.Order, found.Merchant);
    }

    private static StatementEntry Entry(PaymentOrderRow o, string merchant) => new(
        o.Id, o.PayingSince!.Value, Kind, -o.TotalFen, o.State == PaymentOrders.Success ? "succeeded" : "pending",
        $"付款-{merchant}", $"Payment to {merchant}", merchant);
}
