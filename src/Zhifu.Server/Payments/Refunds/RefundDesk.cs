using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Hosting;
using Zhifu.Server.MerchantApi;
using Zhifu.Server.Merchants;
using Zhifu.Server.Security;

namespace Zhifu.Server.Payments.Refunds;

/// <summary>
/// 退款申请与审核 by merchant staff (PAY-4, MER-3): a staff member requests a refund of one of their merchant's orders; a
/// reviewer approves or rejects one awaiting review. Validated and audited here, so the merchant console API and the console
/// pages do exactly the same; who may review is the caller's policy (<see cref="MerchantStaffAuth.Reviewers"/>).
/// </summary>
public sealed class RefundDesk(DatabaseOptions database, MerchantCredentials credentials, PaymentRefunds refunds, AuditLog audit)
{
    /// <summary>Characters of a refund reason, as the protocol bounds it.</summary>
    public const int ReasonMax = 80;

    /// <summary>Characters of a reviewer's note.</summary>
    public const int NoteMax = 200;

    public async Task<(PaymentRefundRow? Refund, Refusal? Refusal)> RequestAsync(ClaimsPrincipal user, string? requestId, string? outTradeNo,
        long amountFen, string? reason, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (string.IsNullOrEmpty(requestId) || string.IsNullOrEmpty(outTradeNo) || amountFen <= 0 || amountFen > int.MaxValue
            || reason?.Length > ReasonMax)
        {
            return (null, new Refusal(400, "INVALID_REFUND_REQUEST", "请填写请求号、商户订单号和大于 0 的退款金额（原因不超过 80 字）",
                "requestId, outTradeNo and an amount above 0 are required (reason at most 80 characters)"));
        }
        var (merchantId, mchId) = (user.MerchantId(), user.MchId());
        await using var db = database.CreateContext();
        var merchant = await credentials.FindAsync(mchId, ct);
        var total = await db.Set<PaymentOrderRow>().Where(o => o.MerchantId == merchantId && o.OutTradeNo == outTradeNo)
            .Select(o => (long?)o.TotalFen).FirstOrDefaultAsync(ct);
        if (merchant is null || total is null)
        {
            return (null, new Refusal(404, "ORDER_NOT_FOUND", "订单不存在", "No such order"));
        }
        if (V3Json.MerchantNumber("requestId", requestId, 1, 64, "_-|*@") is not null)
        {
            return (null, new Refusal(400, "INVALID_REFUND_REQUEST", "请求号须为 1–64 位数字、字母或 _-|*@",
                "requestId must be 1–64 of 0-9A-Za-z_-|*@"));
        }
        var (refund, _, refusal) = await refunds.ApplyAsync(merchant, new RefundRequest(null, outTradeNo, requestId, reason, null, amountFen,
            total.Value), ct, requestedBy: StaffName(user));
        if (refusal is not null)
        {
            return (null, new Refusal(refusal.Status, "REFUND_" + refusal.Code, refusal.Message, refusal.Message, "amount"));
        }
        await audit.AppendAsync(StaffName(user), user.FindFirstValue(ClaimTypes.Role)!, "refund.request",
            refund!.RefundId, $"{mchId} {outTradeNo} {new Money(amountFen)}");
        return (refund, null);
    }

    /// <summary>How a staff member is named on the refunds they request and review.</summary>
    private static string StaffName(ClaimsPrincipal user) => "merchant:" + user.Identity!.Name;

    public async Task<(PaymentRefundRow? Refund, Refusal? Refusal)> ReviewAsync(ClaimsPrincipal user, string refundId, bool approve,
        string? note, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(refundId);
        if (note?.Length > NoteMax || refundId.Length > 32)
        {
            return (null, new Refusal(400, "INVALID_REVIEW", "备注不超过 200 字", "The note is at most 200 characters", "note"));
        }
        var reviewer = StaffName(user);
        var (refund, refusal) = await refunds.ReviewAsync(user.MerchantId(), refundId, approve, reviewer, note, ct);
        switch (refusal)
        {
            case "REFUND_NOT_FOUND":
                return (null, new Refusal(404, refusal, "退款单不存在", "No such refund"));
            case "REFUND_NOT_AWAITING_REVIEW":
                return (null, new Refusal(409, refusal, "该退款不在待审核状态", "The refund is not awaiting review"));
            case "REFUND_REVIEWER_IS_REQUESTER":
                return (null, new Refusal(403, refusal, "退款须由申请人以外的人员审核通过", "A refund is approved by someone other than who requested it"));
            case "REFUND_PAYER_UNAVAILABLE":
                return (null, new Refusal(403, refusal, "付款用户账户状态异常，暂不能收款；可驳回该退款",
                    "The payer's wallet cannot receive money now; the refund may be rejected"));
            case not null:
                return (null, new Refusal(409, refusal, "退款正在处理中，请稍后再试", "The refund is being processed; try again shortly"));
        }
        await audit.AppendAsync(reviewer, user.FindFirstValue(ClaimTypes.Role)!, approve ? "refund.approve" : "refund.reject", refundId,
            $"{refund!.MchId} {new Money(refund.RefundFen)} {note}");
        return (refund, null);
    }

    /// <summary>Switches refund review (退款审核) on or off for the admin's merchant; audited.</summary>
    public async Task SetReviewRequiredAsync(ClaimsPrincipal user, bool required, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var merchantId = user.MerchantId();
        await using var db = database.CreateContext();
        var merchant = await db.Merchants.FirstAsync(m => m.Id == merchantId, ct);
        merchant.RefundReviewRequired = required;
        await db.SaveChangesAsync(ct);
        credentials.Forget(merchant.MchId);
        await audit.AppendAsync(StaffName(user), "admin", "merchant.refund-review", merchant.MchId, required ? "on" : "off");
    }
}
