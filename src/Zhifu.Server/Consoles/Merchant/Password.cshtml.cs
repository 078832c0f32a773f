using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Server.Merchants;

namespace Zhifu.Server.Consoles.Merchant;

/// <summary>
/// Password change (MER-2, MER-5, ACC-7): the forced change of an initial password (a session that may do nothing else) and
/// any later change, through the same rule and audit as the merchant console API.
/// </summary>
[Authorize(Policy = MerchantStaffAuth.SessionOnly)]
public sealed class PasswordModel : PageModel
{
    [BindProperty]
    public string? CurrentPassword { get; set; }

    [BindProperty]
    public string? NewPassword { get; set; }

    [BindProperty]
    public string? ConfirmPassword { get; set; }

    public bool MustChange => MerchantStaffAuth.Session(User).MustChangePassword;
    public bool Done { get; private set; }
    public string? CurrentError { get; private set; }
    public string? NewError { get; private set; }
    public string? ConfirmError { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var en = ConsoleText.IsEnglish(HttpContext);
        if (string.IsNullOrEmpty(CurrentPassword) || CurrentPassword.Length > 128)
        {
            CurrentError = en ? "Enter the current password" : "请输入当前密码";
            return Page();
        }
        if (NewPassword != ConfirmPassword)
        {
            ConfirmError = en ? "The two new passwords differ" : "两次输入的新密码不一致";
            return Page();
        }
        var wasForced = MustChange;
        var (_, refusal) = await MerchantStaffAuth.ChangePasswordAsync(HttpContext, User, CurrentPassword, NewPassword);
        if (refusal is not null)
        {
            if (refusal.Field == "newPassword")
            {
                NewError = refusal.Text(en);
            }
            else
            {
                CurrentError = refusal.Text(en);
            }
            return Page();
        }
        if (wasForced)
        {
            return Redirect("/merchant");
        }
        Done = true;
        return Page();
    }
}
