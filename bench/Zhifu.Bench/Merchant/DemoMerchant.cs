using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Zhifu.Server.MerchantApi;

namespace Zhifu.Bench.Merchant;

/// <summary>
/// The merchant's side of WeChat Pay API v3 as an SDK does it, with the demo merchant's credentials from
/// <c>{data}/demo/merchant/</c>: signs requests (WECHATPAY2-SHA256-RSA2048, PAY-6) and verifies the platform's response and
/// callback signatures and decrypts callbacks (PAY-5). The signing messages are the server's own
/// (<see cref="V3Authorization.Message"/>, <see cref="V3Authorization.ResponseMessage"/>), so both sides sign the same bytes.
/// </summary>
internal sealed class DemoMerchant
{
    public const string NativePath = "/v3/pay/transactions/native";

    private DemoMerchant(string mchId, string serial, RSA privateKey, RSA platformKey, string platformKeyId, byte[] apiV3Key)
    {
        MchId = mchId;
        Serial = serial;
        PrivateKey = privateKey;
        PlatformKey = platformKey;
        PlatformKeyId = platformKeyId;
        ApiV3Key = apiV3Key;
    }

    public string MchId { get; }

    public string Serial { get; }

    /// <summary>apiclient_key.pem: signs every request.</summary>
    public RSA PrivateKey { get; }

    /// <summary>platform_public_key.pem: verifies every answer and callback.</summary>
    public RSA PlatformKey { get; }

    public string PlatformKeyId { get; }

    public byte[] ApiV3Key { get; }

    public static DemoMerchant Load(string dataDirectory)
    {
        var dir = Path.Combine(dataDirectory, "demo", "merchant");
        string Read(string name) => File.ReadAllText(Path.Combine(dir, name)).Trim();
        var key = RSA.Create();
        key.ImportFromPem(Read("apiclient_key.pem"));
        var platform = RSA.Create();
        platform.ImportFromPem(Read("platform_public_key.pem"));
        return new DemoMerchant(Read("mchid"), Read("serial"), key, platform, Read("platform_public_key_id"),
            Encoding.ASCII.GetBytes(Read("apiv3_key")));
    }

    /// <summary>The Native下单 body as the tests send it.</summary>
    public string NativeOrder(string outTradeNo, long totalFen, string notifyUrl) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["appid"] = "wxd678efh567hg6787",
        ["mchid"] = MchId,
        ["description"] = "知付演示咖啡馆-拿铁",
        ["out_trade_no"] = outTradeNo,
        ["attach"] = "bench",
        ["notify_url"] = notifyUrl,
        ["amount"] = new Dictionary<string, object> { ["total"] = totalFen, ["currency"] = "CNY" },
    });

    public string Authorization(string method, string pathAndQuery, string body)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var signature = Sign(V3Authorization.Message(method, pathAndQuery, timestamp, nonce, body));
        return string.Create(CultureInfo.InvariantCulture,
            $"{V3Authorization.Scheme} mchid=\"{MchId}\",nonce_str=\"{nonce}\",signature=\"{signature}\",timestamp=\"{timestamp}\","
            + $"serial_no=\"{Serial}\"");
    }

    public string Sign(string message) =>
        Convert.ToBase64String(PrivateKey.SignData(Encoding.UTF8.GetBytes(message), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    /// <summary>Native下单, signed; the answer must be 200 and platform-signed. Returns the code of <c>code_url</c>.</summary>
    public async Task<string> CreateNativeAsync(HttpClient http, string outTradeNo, long totalFen, string notifyUrl, CancellationToken ct)
    {
        var body = NativeOrder(outTradeNo, totalFen, notifyUrl);
        using var request = new HttpRequestMessage(HttpMethod.Post, NativePath)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", Authorization("POST", NativePath, body));
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        string? One(string name) => response.Headers.TryGetValues(name, out var v) ? v.First() : null;
        if (!VerifyPlatform(One("Wechatpay-Serial"), One("Wechatpay-Timestamp"), One("Wechatpay-Nonce"), One("Wechatpay-Signature"), text))
        {
            throw new PaymentFailedException($"create {outTradeNo}: the answer is not signed by the platform key");
        }
        if ((int)response.StatusCode != 200)
        {
            throw new PaymentFailedException($"create {outTradeNo}: HTTP {(int)response.StatusCode} {text}");
        }
        return JsonDocument.Parse(text).RootElement.GetProperty("code_url").GetString()!.Split("pr=")[1];
    }

    /// <summary>Wechatpay-Serial is the platform key and Wechatpay-Signature signs timestamp\nnonce\nbody\n (验签).</summary>
    public bool VerifyPlatform(string? serial, string? timestamp, string? nonce, string? signature, string body)
    {
        if (serial != PlatformKeyId || timestamp is null || nonce is null || signature is null
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var ts))
        {
            return false;
        }
        var bytes = new byte[256];
        return Convert.TryFromBase64String(signature, bytes, out var length) && PlatformKey.VerifyData(
            Encoding.UTF8.GetBytes(V3Authorization.ResponseMessage(ts, nonce, body)), bytes.AsSpan(0, length), HashAlgorithmName.SHA256,
            RSASignaturePadding.Pkcs1);
    }

    /// <summary>AEAD_AES_256_GCM with the APIv3 key: ciphertext is base64(cipher ‖ 16-byte tag); throws on a wrong tag.</summary>
    public string Decrypt(string ciphertext, string nonce, string associatedData)
    {
        var bytes = Convert.FromBase64String(ciphertext);
        var plain = new byte[bytes.Length - 16];
        using var aes = new AesGcm(ApiV3Key, 16);
        aes.Decrypt(Encoding.ASCII.GetBytes(nonce), bytes.AsSpan(0, plain.Length), bytes.AsSpan(plain.Length), plain,
            Encoding.UTF8.GetBytes(associatedData));
        return Encoding.UTF8.GetString(plain);
    }
}

/// <summary>One payment did not complete as the protocol says (refused, unsigned, mismatched, or no callback in time).</summary>
internal sealed class PaymentFailedException(string message) : Exception(message);
