using Microsoft.AspNetCore.Mvc;
using Zhifu.Server.Payments;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>扫一扫 (PAY-1): the merchant's <c>code_url</c> pasted as text (an H5 page cannot use the camera without script).</summary>
public sealed class ScanModel(WalletPayments payments) : WalletPage
{
    [BindProperty]
    public string? Scanned { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var code = string.IsNullOrWhiteSpace(Scanned) ? null : WalletPayments.CodeOf(Scanned);
        if (code is null || (await payments.FindAsync(code, Aborted)).Order is null)
        {
            Error = T("无法识别该付款码，请粘贴商户二维码中的链接（zhifu://wxpay/bizpayurl?pr=…）",
                "Not a code we know: paste the link in the merchant's QR code (zhifu://wxpay/bizpayurl?pr=…)");
            return Page();
        }
        return Redirect("/wallet/pay?code=" + Uri.EscapeDataString(code));
    }
}
