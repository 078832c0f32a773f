using Microsoft.AspNetCore.Mvc;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>
/// The H5 cashier the merchant API's <c>h5_url</c> points to (PAY-1): <c>/wallet/h5pay?prepay_id=…</c> opens the same payment
/// page as a scanned code (after signing in, if needed: the sign-in page comes back here).
/// </summary>
public sealed class H5PayModel : WalletPage
{
    public IActionResult OnGet(string? prepay_id) => prepay_id is { Length: > 0 and <= 64 }
        ? Redirect("/wallet/pay?code=" + Uri.EscapeDataString(prepay_id))
        : Redirect("/wallet/pay");
}
