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
/// The merchant console's refunds (PAY-4, MER-3, SEC-2): any staff member lists the merchant's refunds and requests one;
/// only admin and finance review (approve or reject) a refund awaiting review; only admin switches review on or off.
/// Every decision is in the audit log.
/// </summary>
public static class RefundReviewEndpoints
{
    /// <summary>Page size bound of the refund list.</summary>
    public const int PageMax = 100;

    public sealed record RefundDto(string RefundId, string OutRefundNo, string OutTradeNo, long AmountFen, string Amount, string? Reason,
        string Status, string Review, string? ReviewedBy, string CreatedAt, string? SuccessTime);

    public sealed record RefundRequestDto(string? RequestId, string? OutTradeNo, long AmountFen, string? Reason);

    public sealed record ReviewDto(string? Note);

    public sealed record ReviewSettingDto(bool Required);

    public static void Map(WebApplication app)
    {
        var group = app.MapGroup("/api/merchant").WithTags("Merchant console: refunds");
        group.MapGet("/refunds", ListAsync).RequireAuthorization(MerchantStaffAuth.AnyStaff);
        group.MapPost("/refunds", RequestAsync).RequireAuthorization(MerchantStaffAuth.AnyStaff);
        group.MapPost("/refunds/{refundId}/approve", (string refundId, ReviewDto? body, ClaimsPrincipal user, IServiceProvider s,
            HttpContext h) =>
            ReviewAsync(refundId, true, body?.Note, user, s, h)).RequireAuthorization(MerchantStaffAuth.Reviewers);
        group.MapPost("/refunds/{refundId}/reject", (string refundId, ReviewDto? body, ClaimsPrincipal user, IServiceProvider s,
            HttpContext h) =>
            ReviewAsync(refundId, false, body?.Note, user, s, h)).RequireAuthorization(MerchantStaffAuth.Reviewers);
        group.MapGet("/settings/refund-review", async (ClaimsPrincipal user, DatabaseOptions database, HttpContext h) =>
        {
            await using var db = database.CreateContext();
            var merchantId = user.MerchantId();
            return Results.Ok(new ReviewSettingDto(await db.Merchants.Where(m => m.Id == merchantId).Select(m => m.RefundReviewRequired)
                .FirstAsync(h.RequestAborted)));
        }).RequireAuthorization(MerchantStaffAuth.AnyStaff);
        group.MapPut("/settings/refund-review", SetReviewAsync).RequireAuthorization(MerchantStaffAuth.Admins);
    }

    private static async Task<IResult> ListAsync(string? review, int? limit, ClaimsPrincipal user, DatabaseOptions database, HttpContext h)
    {
        if (ApiProblem.PageLimit(h, limit, PageMax) is { } tooMany)
        {
            return tooMany;
        }
        var merchantId = user.MerchantId();
        await using var db = database.CreateContext();
        var query = db.Set<PaymentRefundRow>().AsNoTracking().Where(r => r.MerchantId == merchantId);
        if (review is not null)
        {
            query = query.Where(r => r.Review == review);
        }
        var rows = await query.OrderByDescending(r => r.CreatedAt).Take(limit ?? 20).ToListAsync(h.RequestAborted);
        return Results.Ok(rows.Select(Dto));
    }

    private static async Task<IResult> RequestAsync(RefundRequestDto request, ClaimsPrincipal user, DatabaseOptions database,
        MerchantCredentials credentials, PaymentRefunds refunds, AuditLog audit, HttpContext h)
    {
        if (string.IsNullOrEmpty(request.RequestId) || string.IsNullOrEmpty(request.OutTradeNo) || request.AmountFen <= 0
            || request.AmountFen > int.MaxValue || request.Reason?.Length > 80)
        {
            return ApiProblem.Create(h, 400, "INVALID_REFUND_REQUEST", "请填写请求号、商户订单号和大于 0 的退款金额（原因不超过 80 字）",
                "requestId, outTradeNo and an amount above 0 are required (reason at most 80 characters)");
        }
        var (merchantId, mchId) = (user.MerchantId(), user.MchId());
        await using var db = database.CreateContext();
        var merchant = await credentials.FindAsync(mchId, h.RequestAborted);
        var total = await db.Set<PaymentOrderRow>().Where(o => o.MerchantId == merchantId && o.OutTradeNo == request.OutTradeNo)
            .Select(o => (long?)o.TotalFen).FirstOrDefaultAsync(h.RequestAborted);
        if (merchant is null || total is null)
        {
            return ApiProblem.Create(h, 404, "ORDER_NOT_FOUND", "订单不存在", "No such order");
        }
        if (V3Json.MerchantNumber("requestId", request.RequestId, 1, 64, "_-|*@") is { } bad)
        {
            return ApiProblem.Create(h, 400, "INVALID_REFUND_REQUEST", "请求号须为 1–64 位数字、字母或 _-|*@",
                "requestId must be 1–64 of 0-9A-Za-z_-|*@");
        }
        var (refund, _, refusal) = await refunds.ApplyAsync(merchant, new RefundRequest(null, request.OutTradeNo, request.RequestId,
            request.Reason, null, request.AmountFen, total.Value), h.RequestAborted);
        if (refusal is not null)
        {
            return ApiProblem.Create(h, refusal.Status, "REFUND_" + refusal.Code, refusal.Message, refusal.Message);
        }
        await audit.AppendAsync("merchant:" + user.Identity!.Name, user.FindFirstValue(ClaimTypes.Role)!, "refund.request",
            refund!.RefundId, $"{mchId} {request.OutTradeNo} {new Money(request.AmountFen)}", h.RequestAborted);
        return Results.Ok(Dto(refund));
    }

    private static async Task<IResult> ReviewAsync(string refundId, bool approve, string? note, ClaimsPrincipal user,
        IServiceProvider services, HttpContext h)
    {
        if (note?.Length > 200 || refundId.Length > 32)
        {
            return ApiProblem.Create(h, 400, "INVALID_REVIEW", "备注不超过 200 字", "The note is at most 200 characters");
        }
        var reviewer = "merchant:" + user.Identity!.Name;
        var (refund, refusal) = await services.GetRequiredService<PaymentRefunds>().ReviewAsync(user.MerchantId(), refundId, approve,
            reviewer, note, h.RequestAborted);
        switch (refusal)
        {
            case "REFUND_NOT_FOUND":
                return ApiProblem.Create(h, 404, refusal, "退款单不存在", "No such refund");
            case "REFUND_NOT_AWAITING_REVIEW":
                return ApiProblem.Create(h, 409, refusal, "该退款不在待审核状态", "The refund is not awaiting review");
            case not null:
                return ApiProblem.Create(h, 409, refusal, "退款正在处理中，请稍后再试", "The refund is being processed; try again shortly");
        }
        await services.GetRequiredService<AuditLog>().AppendAsync(reviewer, user.FindFirstValue(ClaimTypes.Role)!,
            approve ? "refund.approve" : "refund.reject", refundId, $"{refund!.MchId} {new Money(refund.RefundFen)} {note}",
            h.RequestAborted);
        return Results.Ok(Dto(refund));
    }

    private static async Task<IResult> SetReviewAsync(ReviewSettingDto setting, ClaimsPrincipal user, DatabaseOptions database,
        MerchantCredentials credentials, AuditLog audit, HttpContext h)
    {
        var merchantId = user.MerchantId();
        await using var db = database.CreateContext();
        var merchant = await db.Merchants.FirstAsync(m => m.Id == merchantId, h.RequestAborted);
        merchant.RefundReviewRequired = setting.Required;
        await db.SaveChangesAsync(h.RequestAborted);
        credentials.Forget(merchant.MchId);
        await audit.AppendAsync("merchant:" + user.Identity!.Name, "admin", "merchant.refund-review", merchant.MchId,
            setting.Required ? "on" : "off", h.RequestAborted);
        return Results.Ok(setting);
    }

    private static RefundDto Dto(PaymentRefundRow r) => new(r.RefundId, r.OutRefundNo, r.OutTradeNo, r.RefundFen,
        new Money(r.RefundFen).ToString(), r.Reason, r.Status, r.Review, r.ReviewedBy, ChinaTime.Format(r.CreatedAt),
        r.SuccessTime is { } t ? ChinaTime.Format(t) : null);
}
