using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using ZXing;
using ZXing.QrCode;

namespace Zhifu.E2E;

/// <summary>
/// Pictures a phone might upload, made in the test: a screenshot-like PNG with a merchant's QR code on it (ZXing draws the
/// code, this writes the PNG: 8-bit RGB, zlib-compressed scanlines, CRC-32 per chunk) and a PNG without any code.
/// </summary>
internal static class Pictures
{
    private static readonly uint[] CrcTable = [.. Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++)
        {
            c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        return c;
    })];

    /// <summary>A 540 × 960 "screenshot": a coloured banner, a grey page and <paramref name="text"/>'s QR code in a white card.</summary>
    public static byte[] QrScreenshot(string text)
    {
        var code = new BarcodeWriterPixelData
        {
            Format = BarcodeFormat.QR_CODE,
            Options = new QrCodeEncodingOptions { Width = 360, Height = 360, Margin = 2, CharacterSet = "UTF-8" },
        }.Write(text);
        const int width = 540, height = 960;
        int left = (width - code.Width) / 2, top = 300;
        return Png(width, height, (x, y) =>
        {
            if (y < 120)
            {
                return (0x07, 0xC1, 0x60); // the merchant's banner
            }
            if (x >= left && x < left + code.Width && y >= top && y < top + code.Height)
            {
                var i = ((y - top) * code.Width + (x - left)) * 4; // BGRA
                return (code.Pixels[i + 2], code.Pixels[i + 1], code.Pixels[i]);
            }
            return (0xF0, 0xF0, 0xF0);
        });
    }

    /// <summary>A 320 × 240 colour gradient: a perfectly good picture with no code in it.</summary>
    public static byte[] Gradient() => Png(320, 240, (x, y) => ((byte)(x * 255 / 320), (byte)(y * 255 / 240), 0x80));

    /// <summary>A small PNG whose header claims <paramref name="width"/> × <paramref name="height"/> (a decompression bomb's trick).</summary>
    public static byte[] Claiming(int width, int height)
    {
        var png = Gradient();
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width); // IHDR's data starts after the signature, length and type
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        return png;
    }

    public static byte[] Png(int width, int height, Func<int, int, (byte R, byte G, byte B)> pixel)
    {
        ArgumentNullException.ThrowIfNull(pixel);
        var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
        {
            var line = new byte[1 + width * 3]; // filter byte 0 (none), then RGB
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    (line[1 + x * 3], line[2 + x * 3], line[3 + x * 3]) = pixel(x, y);
                }
                z.Write(line);
            }
        }
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // truecolour
        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", raw.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        png.Write(number);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        var crc = 0xFFFFFFFFu;
        foreach (var b in typed)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }
        BinaryPrimitives.WriteUInt32BigEndian(number, crc ^ 0xFFFFFFFFu);
        png.Write(number);
    }
}
