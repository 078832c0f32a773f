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
            query = PaymentRefunds.InReview(query, review);
        }
        var rows = await query.OrderByDescending(r => r.CreatedAt).Take(limit ?? 20).ToListAsync(h.RequestAborted);
        return Results.Ok(rows.Select(Dto));
    }

    private static async Task<IResult> RequestAsync(RefundRequestDto request, ClaimsPrincipal user, RefundDesk desk, HttpContext h)
    {
        var (refund, refusal) = await desk.RequestAsync(user, request.RequestId, request.OutTradeNo, request.AmountFen, request.Reason,
            h.RequestAborted);
        return refusal?.ToResult(h) ?? Results.Ok(Dto(refund!));
    }

    private static async Task<IResult> ReviewAsync(string refundId, bool approve, string? note, ClaimsPrincipal user,
        IServiceProvider services, HttpContext h)
    {
        var (refund, refusal) = await services.GetRequiredService<RefundDesk>().ReviewAsync(user, refundId, approve, note, h.RequestAborted);
        return refusal?.ToResult(h) ?? Results.Ok(Dto(refund!));
    }

    private static async Task<IResult> SetReviewAsync(ReviewSettingDto setting, ClaimsPrincipal user, RefundDesk desk, HttpContext h)
    {
        await desk.SetReviewRequiredAsync(user, setting.Required, h.RequestAborted);
        return Results.Ok(setting);
    }

    private static RefundDto Dto(PaymentRefundRow r) => new(r.RefundId, r.OutRefundNo, r.OutTradeNo, r.RefundFen,
        new Money(r.RefundFen).ToString(), r.Reason, r.Status, r.Review, r.ReviewedBy, ChinaTime.Format(r.CreatedAt),
        r.SuccessTime is { } t ? ChinaTime.Format(t) : null);
}
