using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Merchants;
using Zhifu.Server.Payments.Refunds;

namespace Zhifu.Server.Consoles.Merchant;

/// <summary>
/// 退款审核 (PAY-4, MER-3): the merchant's refunds, filtered by review state and order number and paged on the server;
/// admin and finance approve (the money moves) or reject (the amount becomes refundable again) one awaiting review, through
/// the same <see cref="RefundDesk"/> and policy as the console API. A cashier is refused the page.
/// </summary>
[Authorize(Policy = MerchantStaffAuth.Reviewers)]
public sealed class RefundsModel(DatabaseOptions database, RefundDesk desk) : PageModel
{
    public const int PageSize = 20;

    public static readonly (string Value, string Zh, string En)[] Reviews =
    [
        (PaymentRefunds.AwaitingReview, "待审核", "awaiting review"), (PaymentRefunds.Approved, "已通过", "approved"),
        (PaymentRefunds.Rejected, "已驳回", "rejected"), (PaymentRefunds.NoReview, "无需审核", "no review"),
        (PaymentRefunds.Lapsed, "未审核即关闭", "closed before review"),
    ];

    public static string ReviewText(string review, bool english) =>
        Reviews.FirstOrDefault(r => r.Value == review) is { Value: not null } r ? (english ? r.En : r.Zh) : review;

    /// <summary>Review state to list; "all" for every refund.</summary>
    [BindProperty(SupportsGet = true)]
    public string Review { get; set; } = PaymentRefunds.AwaitingReview;

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public int PageNumber { get; set; } = 1;

    [BindProperty]
    public string? Note { get; set; }

    public int Total { get; private set; }
    public IReadOnlyList<PaymentRefundRow> Rows { get; private set; } = [];
    public string? Message { get; private set; }
    public string? Error { get; private set; }

    /// <summary>The refund a refused review was about, to show its note's error next to it.</summary>
    public string? ErrorFor { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public Task OnPostApproveAsync(string refundId) => DecideAsync(refundId, approve: true);

    public Task OnPostRejectAsync(string refundId) => DecideAsync(refundId, approve: false);

    private async Task DecideAsync(string refundId, bool approve)
    {
        var en = ConsoleText.IsEnglish(HttpContext);
        var (refund, refusal) = await desk.ReviewAsync(User, refundId ?? "", approve, string.IsNullOrWhiteSpace(Note) ? null : Note.Trim(),
            HttpContext.RequestAborted);
        if (refusal is not null)
        {
            (Error, ErrorFor) = (refusal.Text(en), refundId);
        }
        else
        {
            Note = null;
            Message = approve
                ? (en ? $"Approved: {refund!.RefundId} ({refund.Status})" : $"已通过退款 {refund!.RefundId}（{refund.Status}）")
                : (en ? $"Rejected: {refund!.RefundId}" : $"已驳回退款 {refund!.RefundId}");
        }
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        PageNumber = Math.Clamp(PageNumber, 1, 100_000);
        Review = Review == "all" || Reviews.Any(r => r.Value == Review) ? Review : PaymentRefunds.AwaitingReview;
        Q = Q?.Trim() is { Length: > 0 and <= 64 } q ? q : null;
        var merchantId = User.MerchantId();
        await using var db = database.CreateContext();
        var query = db.Set<PaymentRefundRow>().AsNoTracking().Where(r => r.MerchantId == merchantId);
        query = Review == "all" ? query : PaymentRefunds.InReview(query, Review);
        if (Q is { } number)
        {
            query = query.Where(r => r.OutTradeNo == number || r.TransactionId == number || r.RefundId == number || r.OutRefundNo == number);
        }
        Total = await query.CountAsync(HttpContext.RequestAborted);
        Rows = await query.OrderByDescending(r => r.CreatedAt).Skip((PageNumber - 1) * PageSize).Take(PageSize)
            .ToListAsync(HttpContext.RequestAborted);
    }
}
