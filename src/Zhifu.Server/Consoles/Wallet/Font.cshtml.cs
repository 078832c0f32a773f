using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary><c>/wallet/font?to=large|normal&amp;back=/wallet</c>: remembers the text size for a year and goes back (to a wallet page).</summary>
[AllowAnonymous]
public sealed class FontModel : PageModel
{
    public IActionResult OnGet(string? to, string? back)
    {
        Response.Cookies.Append(WalletText.FontCookie, to == "large" ? "large" : "normal", new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromDays(365), IsEssential = true, Path = "/",
        });
        return LocalRedirect(WalletText.Local(back, "/wallet") ?? "/wallet");
    }
}
