using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Server.Security;

namespace Zhifu.Server.Consoles.Ops;

/// <summary>Ends the operator's session (a POST with the anti-forgery token, like every form here), the full one or the one that
/// may only change its initial password: the token is checked against whichever the browser holds.</summary>
[AllowAnonymous]
[Authorize(AuthenticationSchemes = OperatorAuth.AnySession)]
public sealed class LogoutModel : PageModel
{
    public IActionResult OnGet() => Redirect("/ops");

    public async Task<IActionResult> OnPostAsync()
    {
        await OperatorAuth.SignOutAsync(HttpContext);
        return Redirect("/ops/login");
    }
}
