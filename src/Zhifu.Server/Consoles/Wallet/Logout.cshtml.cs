using Microsoft.AspNetCore.Mvc;
using Zhifu.Server.Accounts;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>Signs out: the session ends in the store (as the API's <c>DELETE /api/wallet/me/session</c>) and the cookie goes.</summary>
public sealed class LogoutModel(WalletSessions sessions) : WalletPage
{
    public IActionResult OnGet() => Redirect("/wallet/security");

    public async Task<IActionResult> OnPostAsync()
    {
        await sessions.RevokeAsync(User.SessionId(), Aborted);
        WalletText.SignOut(HttpContext);
        return Redirect(WalletAuthenticationHandler.LoginPath);
    }
}
