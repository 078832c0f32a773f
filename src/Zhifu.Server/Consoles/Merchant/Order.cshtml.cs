using System.Security.Cryptography;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Merchants;
using Zhifu.Server.Payments;
using Zhifu.Server.Payments.Refunds;

namespace Zhifu.Server.Consoles.Merchant;

/// <summary>
/// One order (MER-3) with its refunds; any staff member requests a refund of a paid order (PAY-4: amount up to what is left
/// to refund, a reason), through the same <see cref="RefundDesk"/> as the console API, so review applies when it is on.
/// </summary>
[Authorize(Policy = MerchantStaffAuth.AnyStaff)]
public sealed class OrderModel(DatabaseOptions database, RefundDesk desk, IClock clock) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    [BindProperty]
    public string? Amount { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    /// <summary>One id per form shown, so a double submit asks for one refund only (PAY-6).</summary>
    [BindProperty]
    public string? RequestId { get; set; }

    public PaymentOrderRow? Order { get; private set; }
    public IReadOnlyList<PaymentRefundRow> Refunds { get; private set; } = [];
    public string State => TransactionView.State(Order!, clock.UtcNow);
    public long RefundableFen => Order is { State: PaymentOrders.Success } o ? o.TotalFen - o.RefundedFen : 0;
    public string? AmountError { get; private set; }
    public string? ReasonError { get; private set; }
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        RequestId = NewRequestId();
        return await LoadAsync() ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostRefundAsync()
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }
        var en = ConsoleText.IsEnglish(HttpContext);
        if (!Money.TryParseYuan(Amount?.Trim(), out var amount) || amount.Fen <= 0)
        {
            AmountError = en ? "Enter an amount above 0 in yuan, e.g. 12.50" : "请输入大于 0 的退款金额（元），如 12.50";
        }
        else if (amount.Fen > RefundableFen)
        {
            AmountError = en ? $"At most {new Money(RefundableFen)} can still be refunded" : $"退款金额不能超过可退金额 {new Money(RefundableFen)}";
        }
        if (Reason?.Trim() is not { Length: > 0 and <= RefundDesk.ReasonMax })
        {
            ReasonError = en ? $"Give a reason of 1–{RefundDesk.ReasonMax} characters" : $"请填写退款原因（1–{RefundDesk.ReasonMax} 字）";
        }
        if (AmountError is not null || ReasonError is not null || RequestId is not { Length: 32 })
        {
            RequestId ??= NewRequestId();
            return Page();
        }
        var (refund, refusal) = await desk.RequestAsync(User, "C" + RequestId[..31], Order!.OutTradeNo, amount.Fen, Reason!.Trim(),
            HttpContext.RequestAborted);
        if (refusal is not null)
        {
            AmountError = refusal.Text(en);
            RequestId = NewRequestId();
            await LoadAsync();
            return Page();
        }
        (Amount, Reason, RequestId) = (null, null, NewRequestId());
        Message = refund!.Review == PaymentRefunds.AwaitingReview
            ? (en ? $"Refund {refund.RefundId} of {new Money(refund.RefundFen)} requested: it waits for review by admin or finance"
                : $"已申请退款 {new Money(refund.RefundFen)}（退款单号 {refund.RefundId}），等待管理员或财务审核")
            : (en ? $"Refund {refund.RefundId} of {new Money(refund.RefundFen)}: {refund.Status}"
                : $"已退款 {new Money(refund.RefundFen)}（退款单号 {refund.RefundId}），状态 {refund.Status}");
        await LoadAsync();
        return Page();
    }

    private static string NewRequestId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private async Task<bool> LoadAsync()
    {
        var mchId = User.MchId();
        await using var db = database.CreateContext();
        Order = await db.Set<PaymentOrderRow>().AsNoTracking().FirstOrDefaultAsync(o => o.Id == Id && o.MchId == mchId, HttpContext.RequestAborted);
        if (Order is null)
        {
            return false;
        }
        Refunds = await db.Set<PaymentRefundRow>().AsNoTracking().Where(r => r.OrderId == Id).OrderByDescending(r => r.CreatedAt).Take(100)
            .ToListAsync(HttpContext.RequestAborted);
        return true;
    }
}
