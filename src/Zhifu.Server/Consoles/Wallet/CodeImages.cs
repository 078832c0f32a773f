using Microsoft.AspNetCore.Html;
using ZXing;
using ZXing.Common;
using ZXing.QrCode;
using ZXing.QrCode.Internal;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>The payment code drawn on the server as inline SVG (ZXing.Net): a QR code and a Code 128 barcode, no script needed.</summary>
public static class CodeImages
{
    public static IHtmlContent Qr(string text, int size = 240) => Inline(new BarcodeWriterSvg
    {
        Format = BarcodeFormat.QR_CODE,
        Options = new QrCodeEncodingOptions { Width = size, Height = size, Margin = 1, ErrorCorrection = ErrorCorrectionLevel.M, CharacterSet = "UTF-8" },
    }.Write(text).Content, "qr");

    public static IHtmlContent Barcode(string text, int width = 320, int height = 80) => Inline(new BarcodeWriterSvg
    {
        Format = BarcodeFormat.CODE_128,
        Options = new EncodingOptions { Width = width, Height = height, Margin = 0, PureBarcode = true },
    }.Write(text).Content, "barcode");

    /// <summary>Only the &lt;svg&gt; element (no XML prolog or doctype inside HTML), scaled to its box.</summary>
    private static HtmlString Inline(string svg, string id)
    {
        var start = svg.IndexOf("<svg", StringComparison.Ordinal);
        var body = start >= 0 ? svg[start..] : svg;
        return new HtmlString(body.Replace("<svg", $"<svg id=\"{id}\" role=\"img\" preserveAspectRatio=\"none\"", StringComparison.Ordinal));
    }
}
