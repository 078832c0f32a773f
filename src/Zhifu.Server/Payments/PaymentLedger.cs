using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data.Entities;
using Zhifu.Server.Ledger;
using Zhifu.Server.Security;

namespace Zhifu.Server.Payments;

/// <summary>
/// The money of one payment as ONE linked ledger request (PAY-1): ACC-2's limit legs, then the payer's consumption-only
/// funds (CARD-3, spent first: they can pay for nothing else) and balance to the merchant's pending settlement account,
/// then the merchant's fee to the institution's fee income. All apply or none do.
/// </summary>
public sealed class PaymentLedger(InstitutionChart chart, PersonalData personalData)
{
    /// <summary>
    /// 手续费: total × rate, rounded half up to the fen (e.g. 0.6 % of ¥0.83 = 0.498 fen → 0 fen; of ¥1.00 = 0.6 → 1 fen).
    /// </summary>
    public static long FeeFen(long totalFen, int feeRatePpm) => Math.Min(totalFen, (totalFen * feeRatePpm + 500_000) / 1_000_000);

    public IReadOnlyList<Transfer> Moves(PaymentOrderRow order, MerchantRow merchant, UserRow payer, long consumptionFen, long feeFen,
        Guid attemptId)
    {
        var moves = new List<Transfer>();
        var balanceFen = order.TotalFen - consumptionFen;
        if (consumptionFen > 0)
        {
            moves.Add(Move(balanceFen > 0 ? DerivedIds.For(attemptId, "consumption") : attemptId, payer.ConsumptionAccountId,
                merchant.PendingAccountId, consumptionFen, PaymentTransferCodes.Payment, order.Id));
        }
        if (balanceFen > 0)
        {
            moves.Add(Move(attemptId, payer.WalletAccountId, merchant.PendingAccountId, balanceFen, PaymentTransferCodes.Payment, order.Id));
        }
        if (feeFen > 0)
        {
            moves.Add(Move(DerivedIds.For(attemptId, "fee"), merchant.PendingAccountId, chart[InstitutionChart.FeeIncome], feeFen,
                PaymentTransferCodes.PaymentFee, order.Id));
        }
        return TransferChain.Link(moves);
    }

    /// <summary>
    /// The payer's id towards one app (openid): a keyed hash, stable per (appid, user), so merchants never see who pays and
    /// two apps cannot join their users.
    /// </summary>
    public string OpenId(string appId, Guid userId) =>
        "o" + System.Buffers.Text.Base64Url.EncodeToString(
            personalData.BlindIndex(appId + ":" + userId.ToString("N"), "merchant-openid"))[..27];

    private static Transfer Move(Guid id, Guid debit, Guid credit, long amountFen, ushort code, Guid businessId) => new()
    {
        Id = id, DebitAccountId = debit, CreditAccountId = credit, AmountFen = amountFen, Ledger = Ledgers.Cny, Code = code,
        BusinessId = businessId,
    };
}
