using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Server.Merchants;

namespace Zhifu.Server.Consoles.Merchant;

/// <summary>Ends the staff member's session (a POST with the anti-forgery token, like every form here).</summary>
[AllowAnonymous]
public sealed class LogoutModel : PageModel
{
    public IActionResult OnGet() => Redirect("/merchant");

    public async Task<IActionResult> OnPostAsync()
    {
        await MerchantStaffAuth.SignOutAsync(HttpContext);
        return Redirect("/merchant/login");
    }
}
