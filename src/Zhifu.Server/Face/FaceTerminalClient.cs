using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Zhifu.Server.Face;

/// <summary>
/// What a face-pay terminal does to call the platform (FACE-5): every request signed with its own key over
/// <c>METHOD\nPATH\nTIMESTAMP\nNONCE\nBODY\n</c> (RSA-SHA256, PKCS#1 v1.5) with the four <c>Zhifu-*</c> headers. Used by the
/// terminal simulator and the tests; the platform's side is <see cref="FaceTerminals.AuthenticateAsync"/>.
/// </summary>
public static class FaceTerminalClient
{
    /// <summary>A signed POST of <paramref name="body"/> (JSON) to <paramref name="path"/>, made at <paramref name="now"/>.</summary>
    public static HttpRequestMessage Post(string terminalId, RSA key, string path, string body, DateTimeOffset now, string? nonce = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        nonce ??= Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        var signature = key.SignData(Encoding.UTF8.GetBytes($"POST\n{path}\n{timestamp}\n{nonce}\n{body}\n"),
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Zhifu-Terminal", terminalId);
        request.Headers.Add("Zhifu-Timestamp", timestamp);
        request.Headers.Add("Zhifu-Nonce", nonce);
        request.Headers.Add("Zhifu-Signature", Convert.ToBase64String(signature));
        return request;
    }
}
