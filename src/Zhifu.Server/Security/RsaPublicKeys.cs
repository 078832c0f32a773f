using System.Security.Cryptography;

namespace Zhifu.Server.Security;

/// <summary>
/// RSA public keys that merchants paste: their API keys (MER-6) and their face-pay terminals' keys (FACE-5). Only a public key
/// is taken — a private key pasted by mistake (<c>apiclient_key.pem</c> instead of the public key) is refused, never stored —
/// of 2048 to 4096 bits (a WECHATPAY2 signature is checked in a buffer of 512 bytes), and stored as its SubjectPublicKeyInfo
/// PEM, whatever form it came in.
/// </summary>
public static class RsaPublicKeys
{
    public const int MinBits = 2048;
    public const int MaxBits = 4096;

    /// <summary>The longest PEM text read.</summary>
    public const int MaxPemChars = 4096;

    /// <summary>The key as SubjectPublicKeyInfo PEM, or null when <paramref name="pem"/> is not one RSA public key of the size allowed.</summary>
    public static string? Normalize(string? pem)
    {
        if (pem is not { Length: > 0 and <= MaxPemChars } || !PemEncoding.TryFind(pem, out var fields)
            || pem[fields.Label] is not ("PUBLIC KEY" or "RSA PUBLIC KEY")
            || !string.IsNullOrWhiteSpace(pem[..fields.Location.Start]) || !string.IsNullOrWhiteSpace(pem[fields.Location.End..]))
        {
            return null;
        }
        using var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            return null; // not an RSA key, or not readable
        }
        return rsa.KeySize is >= MinBits and <= MaxBits ? rsa.ExportSubjectPublicKeyInfoPem() : null;
    }
}
