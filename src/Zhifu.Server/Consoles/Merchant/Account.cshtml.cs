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
/// 账户设置 (MER-5): the merchant's information and the signed-in staff member's account (password change on its own page);
/// admin switches refund review on or off (the same <see cref="RefundDesk"/> call as the console API).
/// </summary>
[Authorize(Policy = MerchantStaffAuth.AnyStaff)]
public sealed class AccountModel(DatabaseOptions database, RefundDesk desk) : PageModel
{
    public MerchantRow? Merchant { get; private set; }
    public MerchantStaffRow? Me { get; private set; }
    public string? Message { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostReviewAsync(bool required)
    {
        if (!User.IsInRole("admin"))
        {
            return Forbid(MerchantStaffAuth.Scheme);
        }
        await desk.SetReviewRequiredAsync(User, required, HttpContext.RequestAborted);
        Message = ConsoleText.IsEnglish(HttpContext) ? "Saved" : "已保存";
        await LoadAsync();
        return Page();
    }

    public static string StatusText(int status, bool english) => status switch
    {
        MerchantRow.Active => english ? "active" : "正常",
        MerchantRow.Pending => english ? "pending" : "审核中",
        MerchantRow.Suspended => english ? "suspended" : "已暂停",
        _ => english ? "rejected" : "已驳回",
    };

    private async Task LoadAsync()
    {
        var (merchantId, name) = (User.MerchantId(), User.Identity!.Name);
        await using var db = database.CreateContext();
        Merchant = await db.Merchants.AsNoTracking().FirstAsync(m => m.Id == merchantId, HttpContext.RequestAborted);
        Me = await db.Set<MerchantStaffRow>().AsNoTracking().FirstAsync(s => s.Username == name, HttpContext.RequestAborted);
    }
}
