using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data.Entities;
using Zhifu.Server.Ledger;

namespace Zhifu.Server.Payments.Refunds;

/// <summary>
/// The money of one refund as ONE linked ledger request (PAY-3): the refunded share of the fee from fee income back to the
/// merchant's pending settlement account, then the refund from there to the payer — consumption-only funds first (CARD-3:
/// credit-card money that paid must not come back as withdrawable balance), the rest to the wallet balance. Under review
/// (PAY-4) the payer's legs are holds, posted on approval and voided on rejection; the fee leg moves at once even then (a
/// held credit would not count towards the merchant's balance, and the last refund needs the whole fee back to be covered)
/// and is reversed on rejection.
/// </summary>
public sealed class RefundLedger(InstitutionChart chart)
{
    public IReadOnlyList<Transfer> Moves(PaymentRefundRow refund, MerchantRow merchant, UserRow payer, bool hold)
    {
        var legs = new List<Transfer>();
        if (refund.FeeRefundFen > 0)
        {
            legs.Add(Leg(refund, "fee", chart[InstitutionChart.FeeIncome], merchant.PendingAccountId, refund.FeeRefundFen,
                PaymentTransferCodes.RefundFee, hold: false));
        }
        if (refund.ConsumptionFen > 0)
        {
            legs.Add(Leg(refund, "consumption", merchant.PendingAccountId, payer.ConsumptionAccountId, refund.ConsumptionFen,
                PaymentTransferCodes.Refund, hold));
        }
        var balanceFen = refund.RefundFen - refund.ConsumptionFen;
        if (balanceFen > 0)
        {
            legs.Add(Leg(refund, "balance", merchant.PendingAccountId, payer.WalletAccountId, balanceFen, PaymentTransferCodes.Refund,
                hold));
        }
        return TransferChain.Link(legs);
    }

    /// <summary>
    /// Posts (approve) or voids (reject) every hold of <paramref name="moves"/>; a rejection also takes the fee back. Ids are
    /// derived, so a repeat is idempotent.
    /// </summary>
    public static IReadOnlyList<Transfer> Resolve(IReadOnlyList<Transfer> moves, bool post)
    {
        var legs = moves.Where(m => m.Flags.HasFlag(TransferFlags.Pending)).Select(h => new Transfer
        {
            Id = DerivedIds.For(h.Id, post ? "post" : "void"), PendingId = h.Id, DebitAccountId = h.DebitAccountId,
            CreditAccountId = h.CreditAccountId, AmountFen = h.AmountFen, Ledger = h.Ledger, Code = h.Code, BusinessId = h.BusinessId,
            Flags = post ? TransferFlags.PostPending : TransferFlags.VoidPending,
        }).ToList();
        if (!post && moves.FirstOrDefault(m => m.Code == PaymentTransferCodes.RefundFee) is { AmountFen: > 0 } fee)
        {
            legs.Add(fee with
            {
                Id = DerivedIds.For(fee.Id, "back"), DebitAccountId = fee.CreditAccountId, CreditAccountId = fee.DebitAccountId,
                Flags = TransferFlags.None,
            });
        }
        return TransferChain.Link(legs);
    }

    /// <summary>The fee given back with a refund: the order's fee in proportion, cumulative so a full refund returns it exactly.</summary>
    public static long FeeShareFen(long orderFeeFen, long orderTotalFen, long refundedBeforeFen, long feeRefundedBeforeFen, long refundFen)
    {
        if (refundedBeforeFen + refundFen >= orderTotalFen)
        {
            return orderFeeFen - feeRefundedBeforeFen;
        }
        long Share(long fen) => (orderFeeFen * fen * 2 + orderTotalFen) / (orderTotalFen * 2); // half up
        return Math.Clamp(Share(refundedBeforeFen + refundFen) - Share(refundedBeforeFen), 0, orderFeeFen - feeRefundedBeforeFen);
    }

    private static Transfer Leg(PaymentRefundRow refund, string purpose, Guid debit, Guid credit, long amountFen, ushort code,
        bool hold) => new()
    {
        Id = DerivedIds.For(refund.Id, purpose), DebitAccountId = debit, CreditAccountId = credit, AmountFen = amountFen,
        Ledger = Ledgers.Cny, Code = code, BusinessId = refund.Id, Flags = hold ? TransferFlags.Pending : TransferFlags.None,
    };
}
