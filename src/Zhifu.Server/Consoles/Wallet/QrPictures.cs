using StbImageSharp;
using ZXing;
using ZXing.Common;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>Why an uploaded picture gave no code.</summary>
public enum QrPictureFailure
{
    /// <summary>Nothing was uploaded.</summary>
    Missing,

    /// <summary>Over <see cref="QrPictures.BytesMax"/>, or wider, taller or larger than the decoder takes.</summary>
    TooLarge,

    /// <summary>Not a PNG or JPEG picture the decoder can read.</summary>
    NotAPicture,

    /// <summary>A picture, but no QR code found in it.</summary>
    NoCode,
}

/// <summary>
/// 扫一扫 from a picture (PAY-1, PAY-2): the QR code in an uploaded photo or screenshot, read on the server — the picture
/// decoded by StbImageSharp (a managed port of stb_image, no native libraries) to grey levels, the code found by ZXing.Net.
/// Bounded everywhere, since the bytes come from anyone signed in: the upload's size, the picture's sides and pixels (read from
/// its header before anything is decoded), the formats (PNG and JPEG only: stb_image's other parsers are not exposed), and
/// how many pictures are decoded at once.
/// </summary>
public static class QrPictures
{
    /// <summary>The largest upload read: 2 MiB (a phone screenshot is far less; a photo can be resized by the phone).</summary>
    public const long BytesMax = 2 * 1024 * 1024;

    public const int SideMax = 8_192;

    /// <summary>16 megapixels: 16 MB of grey levels at most per picture.</summary>
    public const long PixelsMax = 16_000_000;

    public const int DecodingMax = 2;

    private static readonly SemaphoreSlim Decoding = new(DecodingMax, DecodingMax);

    private static readonly DecodingOptions Options = new()
    {
        PossibleFormats = [BarcodeFormat.QR_CODE], TryHarder = true, TryInverted = true, CharacterSet = "UTF-8",
    };

    /// <summary>The text of the QR code in <paramref name="picture"/>, or why there is none. Never throws for bad input.</summary>
    public static async Task<(string? Text, QrPictureFailure? Failure)> ReadAsync(IFormFile? picture, CancellationToken cancellationToken)
    {
        if (picture is null || picture.Length == 0)
        {
            return (null, QrPictureFailure.Missing);
        }
        if (picture.Length > BytesMax)
        {
            return (null, QrPictureFailure.TooLarge);
        }
        var bytes = new byte[picture.Length];
        await using (var stream = picture.OpenReadStream())
        {
            await stream.ReadExactlyAsync(bytes, cancellationToken);
        }
        if (!IsPng(bytes) && !IsJpeg(bytes))
        {
            return (null, QrPictureFailure.NotAPicture);
        }
        await Decoding.WaitAsync(cancellationToken);
        try
        {
            return await Task.Run(() => Read(bytes), cancellationToken);
        }
        finally
        {
            Decoding.Release();
        }
    }

    private static (string?, QrPictureFailure?) Read(byte[] bytes)
    {
        ImageResult image;
        try
        {
            using (var header = new MemoryStream(bytes, writable: false))
            {
                if (ImageInfo.FromStream(header) is not { } info)
                {
                    return (null, QrPictureFailure.NotAPicture);
                }
                if (info.Width <= 0 || info.Height <= 0 || info.Width > SideMax || info.Height > SideMax
                    || (long)info.Width * info.Height > PixelsMax)
                {
                    return (null, QrPictureFailure.TooLarge);
                }
            }
            image = ImageResult.FromMemory(bytes, ColorComponents.Grey);
        }
#pragma warning disable CA1031 // a damaged or hostile picture may fail in any way the decoder has; it is the sender's problem, never a 500
        catch (Exception e) when (e is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            return (null, QrPictureFailure.NotAPicture);
        }
        var source = new RGBLuminanceSource(image.Data, image.Width, image.Height, RGBLuminanceSource.BitmapFormat.Gray8);
        var result = new BarcodeReaderGeneric { Options = Options, AutoRotate = true }.Decode(source);
        return result?.Text is { Length: > 0 } text ? (text, null) : (null, QrPictureFailure.NoCode);
    }

    private static bool IsPng(ReadOnlySpan<byte> b) => b.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);

    private static bool IsJpeg(ReadOnlySpan<byte> b) => b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]);
}
