using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Server.Merchants;

namespace Zhifu.Server.Consoles.Merchant;

/// <summary>A role refusal (403); a session that must first change its initial password is sent to do that instead.</summary>
[AllowAnonymous]
public sealed class DeniedModel : PageModel
{
    public async Task<IActionResult> OnGetAsync()
    {
        var session = await HttpContext.AuthenticateAsync(MerchantStaffAuth.Scheme);
        if (session.Succeeded && MerchantStaffAuth.Session(session.Principal).MustChangePassword)
        {
            return Redirect("/merchant/password");
        }
        if (session.Succeeded)
        {
            HttpContext.User = session.Principal; // the layout shows who is signed in
        }
        Response.StatusCode = 403;
        return Page();
    }
}
