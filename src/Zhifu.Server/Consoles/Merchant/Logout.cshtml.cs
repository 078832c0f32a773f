using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Server.Merchants;

namespace Zhifu.Server.Consoles.Merchant;

/// <summary>Ends the staff member's session (a POST with the anti-forgery token, like every form here). The page authenticates
/// the merchant scheme (the default one is the operators'): the token was issued to the staff member and is checked against
/// them — without it every sign-out was refused as a forgery and the session stayed open.</summary>
[AllowAnonymous]
[Authorize(AuthenticationSchemes = MerchantStaffAuth.Scheme)]
public sealed class LogoutModel : PageModel
{
    public IActionResult OnGet() => Redirect("/merchant");

    public async Task<IActionResult> OnPostAsync()
    {
        await MerchantStaffAuth.SignOutAsync(HttpContext);
        return Redirect("/merchant/login");
    }
}
