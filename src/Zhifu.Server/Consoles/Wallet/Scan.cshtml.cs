using Microsoft.AspNetCore.Mvc;
using Zhifu.Server.Payments;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>
/// 扫一扫 (PAY-1): the merchant's <c>code_url</c> pasted as text, or a photo or screenshot of the merchant's QR code uploaded
/// and read on the server (<see cref="QrPictures"/>; an H5 page cannot use the camera without script, but a file input may
/// open it). Either way the code goes on to <c>/wallet/pay</c> only when it names one of our orders.
/// </summary>
[RequestSizeLimit(RequestBytesMax)]
[RequestFormLimits(MultipartBodyLengthLimit = RequestBytesMax)]
public sealed class ScanModel(WalletPayments payments) : WalletPage
{
    /// <summary>
    /// What the page reads at all: a phone photo over <see cref="QrPictures.BytesMax"/> is still read (and refused with a
    /// message by the field); past this the request itself is refused (400), never buffered.
    /// </summary>
    public const long RequestBytesMax = 16 * 1024 * 1024;

    [BindProperty]
    public string? Scanned { get; set; }

    /// <summary>A photo taken for this (the file input that asks the phone for its camera).</summary>
    [BindProperty]
    public IFormFile? Photo { get; set; }

    /// <summary>A picture chosen from the phone's album (a screenshot of the code, a saved QR picture).</summary>
    [BindProperty]
    public IFormFile? Picture { get; set; }

    public string? Error { get; private set; }
    public string? PictureError { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (await FindAsync(Scanned) is { } code)
        {
            return Redirect("/wallet/pay?code=" + Uri.EscapeDataString(code));
        }
        Error = T("无法识别该付款码，请粘贴商户二维码中的链接（zhifu://wxpay/bizpayurl?pr=…）",
            "Not a code we know: paste the link in the merchant's QR code (zhifu://wxpay/bizpayurl?pr=…)");
        return Page();
    }

    /// <summary>The uploaded picture's QR code, on exactly as if its link had been pasted; any failure is told by the field.</summary>
    public async Task<IActionResult> OnPostPictureAsync()
    {
        var (text, failure) = await QrPictures.ReadAsync(Photo is { Length: > 0 } ? Photo : Picture, Aborted);
        if (failure is null && await FindAsync(text) is { } code)
        {
            return Redirect("/wallet/pay?code=" + Uri.EscapeDataString(code));
        }
        PictureError = failure switch
        {
            QrPictureFailure.Missing => T("请先拍照或选择一张图片", "Take a photo or choose a picture first"),
            QrPictureFailure.TooLarge => T("图片太大（最大 2 MB、1600 万像素）：请截图后上传",
                "The picture is too large (2 MB and 16 megapixels at most): upload a screenshot"),
            QrPictureFailure.NotAPicture => T("无法读取该文件：请上传 PNG 或 JPG 图片", "Cannot read this file: upload a PNG or JPG picture"),
            QrPictureFailure.NoCode => T("图片中没有识别到二维码，请对准二维码重新拍照", "No QR code found in the picture: take it again, closer to the code"),
            _ => T("图片中的二维码不是知付商户收款码", "The QR code in the picture is not a Zhifu merchant's code"),
        };
        return Page();
    }

    /// <summary>The order code a pasted or read text names, when it is one of our orders.</summary>
    private async Task<string?> FindAsync(string? scanned)
    {
        var code = string.IsNullOrWhiteSpace(scanned) ? null : WalletPayments.CodeOf(scanned);
        return code is not null && (await payments.FindAsync(code, Aborted)).Order is not null ? code : null;
    }
}
