using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.MerchantApi;

namespace Zhifu.Server.Payments.Refunds;

/// <summary>
/// 退款 (PAY-3, PAY-4, PAY-6): applies refunds idempotently on (mchid, out_refund_no), full or several partial up to the
/// paid amount; moves the money at once or — when the merchant reviews refunds — holds it until a reviewer approves
/// (post) or rejects (void); tells the merchant by REFUND.SUCCESS / REFUND.CLOSED callbacks committed with the state.
/// </summary>
public sealed partial class PaymentRefunds(DatabaseOptions database, ILedger ledger, RefundLedger money, PaymentNotifications notifications,
    Lifecycle.IAccountGuard guard,
    PaymentsOptions options, IClock clock, ILogger<PaymentRefunds> logger)
{
    public const string Processing = "PROCESSING";
    public const string Success = "SUCCESS";
    public const string Closed = "CLOSED";

    public const string NoReview = "none";
    public const string AwaitingReview = "awaiting";

    public const string Approved = "approved";
    public const string Rejected = "rejected";

    /// <summary>Closed before anyone reviewed it (its holds were refused after an interruption): nothing left to decide.</summary>
    public const string Lapsed = "lapsed";

    /// <summary>
    /// Refunds in review state <paramref name="review"/>. Awaiting review means still to decide (PROCESSING): a refund that
    /// closed undecided — its holds refused after an interruption, its amount given back — has nothing left to approve.
    /// </summary>
    public static IQueryable<PaymentRefundRow> InReview(IQueryable<PaymentRefundRow> refunds, string review) => review == AwaitingReview
        ? refunds.Where(r => r.Review == review && r.Status == Processing)
        : refunds.Where(r => r.Review == review);

    /// <summary>Whether a reviewer can still approve or reject <paramref name="refund"/> (see <see cref="InReview"/>).</summary>
    public static bool Reviewable(PaymentRefundRow refund) =>
        refund is not null && refund.Review == AwaitingReview && refund.Status == Processing;

    /// <summary>
    /// 403 USER_ACCOUNT_ABNORMAL (the protocol's 退款请求失败 for an abnormal user account): the payer's wallet may not receive
    /// money now — closed, dormant or restricted.
    /// </summary>
    public static V3Error PayerUnavailable { get; } = new(403, "USER_ACCOUNT_ABNORMAL",
        "退款请求失败：付款用户的账户已注销或受限，请通过其他方式退款 (the payer's wallet cannot receive money; refund by other means)");

    /// <summary>The requester of a refund asked through the merchant API (no person is named).</summary>
    public const string RequestedByApi = "api";

    /// <summary>Attempts at reserving the refund on the order when other refunds of it race (optimistic version check).</summary>
    private const int ReserveAttemptsMax = 4;

    /// <summary>How long after its payment a payment-code charge may be reversed (the protocol: 7 天以内的交易单可调用撤销); later,
    /// only a refund (with its review, PAY-4) gives the money back.</summary>
    public static readonly TimeSpan ReverseWindow = TimeSpan.FromDays(7);

    /// <summary>撤销 of a paid payment-code charge (the caller checked it is one): a full refund without review, once
    /// (out_refund_no "REVERSE" + out_trade_no), within <see cref="ReverseWindow"/> of its payment.</summary>
    public async Task<V3Error?> ReverseAsync(ApiMerchant merchant, PaymentOrderRow order, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (order.SuccessTime is { } paid && clock.UtcNow > paid + ReverseWindow)
        {
            return V3Error.InvalidRequest("超过 7 天的交易单不能撤销，请调用申请退款", "a payment over 7 days old cannot be reversed; request a refund");
        }
        var request = new RefundRequest(null, order.OutTradeNo, "REVERSE" + order.OutTradeNo, "撤销", null, order.TotalFen, order.TotalFen);
        var (refund, _, error) = await ApplyAsync(merchant, request, ct, review: false);
        if (error is not null)
        {
            return error;
        }
        // 撤销成功 only once the money is back with the payer: a reversal whose ledger request is still under way (the ledger
        // was unreachable; the worker submits it again) answers SYSTEM_ERROR, which the protocol answers by reversing again;
        // one the ledger then refused (the merchant's balance spent meanwhile) answers TRADE_ERROR — nothing was returned.
        switch (refund!.Status)
        {
            case Processing:
                return ReverseUnderWay;
            case Closed:
                return ReverseFailed;
        }
        // the protocol's trade_state of a reversed paid charge is REVOKED (已撤销), not REFUND; a reverse asked again (its
        // answer lost) marks it again, as the refund it repeats answers as before
        await using var db = database.CreateContext();
        await db.Set<PaymentOrderRow>().Where(o => o.Id == order.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Reversed, true), CancellationToken.None);
        return null;
    }

    /// <summary>500 SYSTEM_ERROR: the reversal's money is still on its way back; the merchant reverses again (same answer or 200).</summary>
    public static V3Error ReverseUnderWay { get; } = V3Error.SystemError with
    {
        Message = "撤销处理中，请稍后再次调用撤销 (the reversal is still under way; call reverse again shortly)",
    };

    /// <summary>403 TRADE_ERROR: the reversal's refund closed without moving money; only a new refund can give it back.</summary>
    public static V3Error ReverseFailed { get; } = new(403, "TRADE_ERROR",
        "撤销未成功，款项未退回，请确认待结算余额后调用申请退款 (the reversal failed and nothing was returned; request a refund)");

    /// <param name="requestedBy">Who asks (<c>api</c> for the merchant API; <c>merchant:{username}</c> from the console): under
    /// review the approver must be someone else (PAY-4).</param>
    public async Task<(PaymentRefundRow? Refund, PaymentOrderRow? Order, V3Error? Error)> ApplyAsync(ApiMerchant merchant,
        RefundRequest request, CancellationToken ct, bool? review = null, string requestedBy = RequestedByApi)
    {
        var mchId = merchant.Merchant.MchId;
        var hash = request.Hash();
        for (var attempt = 0; attempt < ReserveAttemptsMax; attempt++)
        {
            await using var db = database.CreateContext();
            if (await db.Set<PaymentRefundRow>().AsNoTracking()
                .FirstOrDefaultAsync(r => r.MchId == mchId && r.OutRefundNo == request.OutRefundNo, ct) is { } earlier)
            {
                if (earlier.RequestHash != hash)
                {
                    return (null, null, V3Error.InvalidRequest("out_refund_no 已用于另一笔内容不同的退款",
                        "out_refund_no already used for a different refund"));
                }
                if (InFirstTry(earlier))
                {
                    // Its first request is still at the ledger and may yet be refused, leaving no refund: PROCESSING now would
                    // promise a refund that then vanished (PAY-5, PAY-6). Ask again in a moment, when the first answer stands.
                    return (null, null, V3Error.FrequencyLimited with
                    {
                        Message = "该退款正在处理，请稍后重试 (this refund's first request is still under way; retry shortly)",
                    });
                }
                if (earlier is { Status: Processing, ChainJson: not null, Version: 0 }
                    && await db.Set<PaymentRefundRow>().Where(r => r.Id == earlier.Id && r.Version == 0)
                        .ExecuteUpdateAsync(u => u.SetProperty(r => r.Version, 1), ct) == 0)
                {
                    continue; // its first try recorded an outcome (or removed it) meanwhile: read it again
                }
                // Past its first try's window, and claimed just above (Version 1) before this repeat is told PROCESSING: a first
                // try that reached its refusal before the window closed but commits only now finds the refund taken — its
                // removal carries Version 0 as concurrency token and fails — so the refund ends CLOSED with a callback, never
                // vanishing after a PROCESSING answer (PAY-5, PAY-6).
                return (earlier, await db.Set<PaymentOrderRow>().AsNoTracking().FirstAsync(o => o.Id == earlier.OrderId, ct), null);
            }
            var order = await db.Set<PaymentOrderRow>().FirstOrDefaultAsync(o => o.MchId == mchId
                && (request.TransactionId != null ? o.TransactionId == request.TransactionId : o.OutTradeNo == request.OutTradeNo), ct);
            if (order is null
                || (request.TransactionId is not null && request.OutTradeNo is not null && order.OutTradeNo != request.OutTradeNo))
            {
                return (null, null, V3Error.NotFound with { Message = "订单不存在 (no such order)" });
            }
            if (Refusal(order, request) is { } refusal)
            {
                return (null, null, refusal);
            }
            if (order.TradeType == OrderRequest.FacePay && await db.Set<FaceClaimRow>().AnyAsync(c => c.OrderId == order.Id
                && c.State == FaceClaimRow.Compensated && c.CompensatedFen > 0, ct))
            {
                // FACE-6: the risk fund already paid the user for this payment; a refund would pay them twice
                return (null, null, V3Error.InvalidRequest("该笔刷脸支付已由平台先行赔付，不能再退款",
                    "the platform already compensated the payer for this face payment; it cannot be refunded"));
            }
            var payer = await db.Users.AsNoTracking().FirstAsync(u => u.Id == order.PayerUserId, ct);
            if (await guard.EnsureCanTransactAsync(payer.Id, Lifecycle.Business.NonCounterIn, ct) is not null)
            {
                // money must not land in a wallet that may not receive (closed, dormant, listed: ACC-4 … ACC-6)
                return (null, null, PayerUnavailable);
            }
            // PAY-4: the review setting as it stands, not as the merchant cache read it (up to CredentialCacheSeconds old): review
            // switched on by the merchant's admin through another server process holds the very next refund
            review ??= await db.Merchants.Where(m => m.Id == order.MerchantId).Select(m => m.RefundReviewRequired).FirstAsync(ct);
            var refund = await NewRefundAsync(db, order, request, hash, review.Value, ct);
            refund.RequestedBy = requestedBy;
            (order.RefundedFen, order.RefundCount) = (order.RefundedFen + refund.RefundFen, order.RefundCount + 1);
            order.Version++;
            var chain = money.Moves(refund, merchant.Merchant, payer, hold: refund.Review == AwaitingReview);
            (refund.ChainJson, refund.SubmittedAt) = (JsonSerializer.Serialize(chain), clock.UtcNow);
            db.Add(refund);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                continue; // another refund of the order (or a repeat of this one) committed first: read again
            }
            var (done, error) = await CommitAsync(refund.Id, chain, firstTry: true);
            return error is null ? (done, order, null) : (null, null, error);
        }
        return (null, null, V3Error.FrequencyLimited with
        {
            Message = "该订单退款请求过于频繁，请稍后重试 (too many refunds of this order at once; retry later)",
        });
    }

    /// <summary>Why this order cannot be refunded this amount, or null.</summary>
    private V3Error? Refusal(PaymentOrderRow order, RefundRequest request)
    {
        if (order.State != PaymentOrders.Success)
        {
            return V3Error.InvalidRequest("订单未支付成功，不能退款", "the order is not paid; it cannot be refunded");
        }
        if (request.TotalFen != order.TotalFen)
        {
            return V3Error.ParamError("amount.total 与订单金额不一致", "amount.total differs from the order's amount");
        }
        if (clock.UtcNow > order.SuccessTime!.Value.AddDays(options.RefundWindowDays))
        {
            return V3Error.InvalidRequest($"订单支付已超过 {options.RefundWindowDays} 天，不能退款",
                $"paid more than {options.RefundWindowDays} days ago");
        }
        if (order.RefundCount >= options.RefundsPerOrderMax)
        {
            return V3Error.InvalidRequest($"同一订单最多退款 {options.RefundsPerOrderMax} 次",
                $"an order can be refunded at most {options.RefundsPerOrderMax} times");
        }
        return request.RefundFen > order.TotalFen - order.RefundedFen
            ? V3Error.InvalidRequest($"申请退款金额超过订单可退金额 {new Money(order.TotalFen - order.RefundedFen)}",
                $"the refund exceeds what is left to refund ({new Money(order.TotalFen - order.RefundedFen)})")
            : null;
    }

    private async Task<PaymentRefundRow> NewRefundAsync(ZhifuDb db, PaymentOrderRow order, RefundRequest request, string hash, bool review,
        CancellationToken ct)
    {
        var earlier = await db.Set<PaymentRefundRow>().AsNoTracking().Where(r => r.OrderId == order.Id && r.Status != Closed)
            .Select(r => new { r.ConsumptionFen, r.FeeRefundFen }).ToListAsync(ct);
        var consumptionBack = earlier.Sum(r => r.ConsumptionFen);
        var now = clock.UtcNow;
        return new PaymentRefundRow
        {
            Id = Guid.CreateVersion7(), RefundId = NewRefundId(now), OutRefundNo = request.OutRefundNo, OrderId = order.Id,
            MerchantId = order.MerchantId, MchId = order.MchId, OutTradeNo = order.OutTradeNo, TransactionId = order.TransactionId,
            Reason = request.Reason, NotifyUrl = request.NotifyUrl ?? order.NotifyUrl, RefundFen = request.RefundFen,
            ConsumptionFen = Math.Min(request.RefundFen, order.ConsumptionFen - consumptionBack),
            FeeRefundFen = RefundLedger.FeeShareFen(order.FeeFen, order.TotalFen, order.RefundedFen, earlier.Sum(r => r.FeeRefundFen),
                request.RefundFen),
            RequestHash = hash, Status = Processing, Review = review ? AwaitingReview : NoReview, CreatedAt = now,
            PayerUserId = order.PayerUserId!.Value,
        };
    }

    /// <summary>A refund id in the protocol's shape: 29 digits, with the China date in it.</summary>
    private static string NewRefundId(DateTimeOffset now) => RandomDigits.Dated("50", now, 19);
}
