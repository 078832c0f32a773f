using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Payments;
using Zhifu.Server.Security;

namespace Zhifu.Server.Consoles.Ops;

/// <summary>The merchant callback outbox (PAY-5) and the SMS outbox (CS-3): operations and customer service inspect and resend.</summary>
[Authorize(AuthenticationSchemes = OperatorAuth.Scheme, Roles = "operations,service,audit")]
public sealed class OutboxModel(DatabaseOptions database, PaymentNotifications notifications) : PageModel
{
    public const int RowsMax = 50;

    [BindProperty(SupportsGet = true)] public string? MchId { get; set; }
    [BindProperty(SupportsGet = true)] public string? Status { get; set; }

    public IReadOnlyList<PaymentNotificationRow> Notifications { get; private set; } = [];
    public IReadOnlyList<SmsMessageRow> Texts { get; private set; } = [];
    public string? Message { get; private set; }
    public string? Error { get; private set; }
    public bool CanResend => User.IsInRole("operations") || User.IsInRole("service");

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        if (!CanResend)
        {
            return Forbid();
        }
        var en = ConsoleText.IsEnglish(HttpContext);
        if (await notifications.ResendAsync(id, OperatorActor.Of(User), HttpContext.RequestAborted))
        {
            Message = en ? "Queued to be sent again now" : "已重新排队发送";
        }
        else
        {
            Error = en ? "No such notification" : "通知不存在";
        }
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        await using var db = database.CreateContext();
        var query = db.Set<PaymentNotificationRow>().AsNoTracking();
        query = MchId is { Length: > 0 and <= 32 } m ? query.Where(n => n.MchId == m) : query;
        query = Status is "pending" or "delivered" or "failed" ? query.Where(n => n.Status == Status) : query;
        Notifications = await query.OrderByDescending(n => n.CreatedAt).Take(RowsMax).ToListAsync(HttpContext.RequestAborted);
        Texts = await db.Set<SmsMessageRow>().AsNoTracking().OrderByDescending(s => s.CreatedAt).Take(RowsMax).ToListAsync(HttpContext.RequestAborted);
    }
}
