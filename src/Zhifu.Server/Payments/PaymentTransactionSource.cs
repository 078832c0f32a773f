using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Payments.Refunds;
using Zhifu.Server.Statements;

namespace Zhifu.Server.Payments;

/// <summary>
/// Merchant payment orders (PAY-1, PAY-3) and their refunds (PAY-4) as lines of the operators' transaction list: every order
/// whatever its state (an unpaid one moved no money and says so), every refund, each with its merchant's name.
/// </summary>
public sealed class PaymentTransactionSource : ITransactionSource
{
    public const string Refund = "refund";

    private static readonly string[] KindList = [PaymentStatementSource.Kind, Refund];

    public IReadOnlyCollection<string> Kinds => KindList;

    public IQueryable<TransactionLine> Lines(ZhifuDb db)
    {
        ArgumentNullException.ThrowIfNull(db);
        var orders = db.Set<PaymentOrderRow>().AsNoTracking();
        var merchants = db.Set<MerchantRow>().AsNoTracking();
        var paid = orders.Join(merchants, o => o.MerchantId, m => m.Id, (o, m) => new TransactionLine
        {
            Id = o.Id, Kind = PaymentStatementSource.Kind, Number = o.TransactionId, MerchantNumber = o.OutTradeNo, MchId = o.MchId,
            UserId = o.PayerUserId, Counterparty = m.Name, AmountFen = o.TotalFen, Status = o.State,
            Outcome = o.State == PaymentOrders.Success ? TransactionOutcomes.Succeeded
                : o.State == PaymentOrders.Closed ? TransactionOutcomes.Failed : TransactionOutcomes.Processing,
            At = o.CreatedAt,
        });
        var refunded = db.Set<PaymentRefundRow>().AsNoTracking()
            .Join(orders, r => r.OrderId, o => o.Id, (r, o) => new { Refund = r, o.PayerUserId })
            .Join(merchants, x => x.Refund.MerchantId, m => m.Id, (x, m) => new TransactionLine
            {
                Id = x.Refund.Id, Kind = Refund, Number = x.Refund.RefundId, MerchantNumber = x.Refund.OutRefundNo, MchId = x.Refund.MchId,
                UserId = x.PayerUserId, Counterparty = m.Name, AmountFen = x.Refund.RefundFen, Status = x.Refund.Status,
                Outcome = x.Refund.Status == PaymentRefunds.Success ? TransactionOutcomes.Succeeded
                    : x.Refund.Status == PaymentRefunds.Closed ? TransactionOutcomes.Failed : TransactionOutcomes.Processing,
                At = x.Refund.CreatedAt,
            });
        return paid.Concat(refunded);
    }

    public async Task<TransactionHistory?> HistoryAsync(ZhifuDb db, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var order = await db.Set<PaymentOrderRow>().AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, cancellationToken);
        if (order is not null)
        {
            return await OrderHistoryAsync(db, order, cancellationToken);
        }
        var refund = await db.Set<PaymentRefundRow>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        return refund is null ? null : RefundHistory(refund);
    }

    private static async Task<TransactionHistory> OrderHistoryAsync(ZhifuDb db, PaymentOrderRow o, CancellationToken ct)
    {
        // Bounded by Payments:RefundsPerOrderMax on the way in; the Take guards a list page against a changed setting.
        var refunds = await db.Set<PaymentRefundRow>().AsNoTracking().Where(r => r.OrderId == o.Id).OrderBy(r => r.CreatedAt)
            .Take(100).ToListAsync(ct);
        var steps = new List<TransactionStep> { new(o.CreatedAt, "商户下单", "Order created by the merchant") };
        steps.AddIf(o.PayingSince, "付款人确认支付", "Payer authorized the payment");
        steps.AddIf(o.SuccessTime, "支付成功", "Paid");
        var micro = o.TradeType == OrderRequest.MicroPay;
        steps.AddIf(o.ClosedAt, micro ? "已撤销" : "订单关闭", micro ? "Reversed" : "Closed");
        steps.AddRange(refunds.Select(r => new TransactionStep(r.CreatedAt, $"退款申请 {r.RefundId} {new Money(r.RefundFen)}",
            $"Refund {r.RefundId} of {new Money(r.RefundFen)} requested")));
        List<TransactionFact> facts =
        [
            new("支付方式", "Trade type", o.TradeType), new("商品描述", "Description", o.Description),
            new("手续费", "Fee", new Money(o.FeeFen).ToString()), new("已退款", "Refunded", new Money(o.RefundedFen).ToString()),
            new("协议状态", "trade_state", TransactionView.State(o, null)),
        ];
        return new TransactionHistory([.. steps.OrderBy(s => s.At)], facts, [.. refunds.Select(r => r.Id)]);
    }

    private static TransactionHistory RefundHistory(PaymentRefundRow r)
    {
        var steps = new List<TransactionStep> { new(r.CreatedAt, "退款申请", "Refund requested") };
        steps.AddIf(r.SuccessTime, "退款成功", "Refunded");
        steps.AddIf(r.ClosedAt, "退款关闭", "Refund closed");
        List<TransactionFact> facts =
        [
            new("原订单", "Order", r.TransactionId), new("退款原因", "Reason", r.Reason ?? "—"),
            new("审核", "Review", r.Review + (r.ReviewedBy is { } by ? $" ({by})" : "")),
            new("退还手续费", "Fee returned", new Money(r.FeeRefundFen).ToString()),
        ];
        if (r.ReviewNote is { } note)
        {
            facts.Add(new("审核备注", "Review note", note));
        }
        return new TransactionHistory([.. steps.OrderBy(s => s.At)], facts, [r.OrderId]);
    }
}
