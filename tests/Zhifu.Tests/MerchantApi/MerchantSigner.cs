using System.Security.Cryptography;
using System.Text;

namespace Zhifu.Tests.MerchantApi;

/// <summary>
/// A merchant's side of the WeChat Pay API v3 protocol, as a test needs it: signs requests with the merchant's private key
/// (<c>WECHATPAY2-SHA256-RSA2048</c>) and verifies the platform's response and callback signatures. Every part of the
/// request can be overridden, so tests can send exactly the wrong thing.
/// </summary>
internal sealed class MerchantSigner(Uri baseAddress, string mchId, string serial, RSA privateKey, RSA platformKey, string platformKeyId,
    byte[] apiV3Key)
{
    public string MchId => mchId;

    public byte[] ApiV3Key => apiV3Key;

    /// <summary>The merchant's clock (a test on a moved server clock signs with the server's time).</summary>
    public Func<DateTimeOffset> Now { get; init; } = () => DateTimeOffset.UtcNow;

    public HttpClient Http { get; } = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The demo merchant, from the files the server wrote to {data}/demo/merchant/.</summary>
    public static MerchantSigner Demo(Uri baseAddress, string dataDirectory)
    {
        var dir = Path.Combine(dataDirectory, "demo", "merchant");
        string Read(string name) => File.ReadAllText(Path.Combine(dir, name));
        var key = RSA.Create();
        key.ImportFromPem(Read("apiclient_key.pem"));
        var platform = RSA.Create();
        platform.ImportFromPem(Read("platform_public_key.pem"));
        return new MerchantSigner(baseAddress, Read("mchid"), Read("serial"), key, platform, Read("platform_public_key_id"),
            Encoding.ASCII.GetBytes(Read("apiv3_key")));
    }

    public MerchantSigner With(string? mchId = null, string? serial = null, RSA? privateKey = null) =>
        new(Http.BaseAddress!, mchId ?? this.MchId, serial ?? _serial, privateKey ?? _key, platformKey, platformKeyId,
            apiV3Key) { Now = Now };

    public MerchantSigner WithClock(Func<DateTimeOffset> now) => new(Http.BaseAddress!, MchId, _serial, _key, platformKey, platformKeyId,
        apiV3Key) { Now = now };

    private readonly string _serial = serial;
    private readonly RSA _key = privateKey;

    /// <summary>The Authorization header of a request signed now, as an SDK sends it.</summary>
    public string Authorization(string method, string pathAndQuery, string body)
    {
        var ts = Now().ToUnixTimeSeconds();
        var n = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var signature = Convert.ToBase64String(_key.SignData(Encoding.UTF8.GetBytes($"{method}\n{pathAndQuery}\n{ts}\n{n}\n{body}\n"),
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        return $"WECHATPAY2-SHA256-RSA2048 mchid=\"{MchId}\",nonce_str=\"{n}\",signature=\"{signature}\","
            + $"timestamp=\"{ts}\",serial_no=\"{_serial}\"";
    }

    public async Task<(HttpResponseMessage Response, string Body)> SendAsync(HttpMethod method, string pathAndQuery, string? body = null,
        long? timestamp = null, string? nonce = null, Func<string, string>? tamper = null)
    {
        var ts = timestamp ?? Now().ToUnixTimeSeconds();
        var n = nonce ?? Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var message = $"{method.Method}\n{pathAndQuery}\n{ts}\n{n}\n{body ?? ""}\n";
        var signature = Convert.ToBase64String(_key.SignData(Encoding.UTF8.GetBytes(tamper?.Invoke(message) ?? message),
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        using var request = new HttpRequestMessage(method, pathAndQuery);
        request.Headers.TryAddWithoutValidation("Authorization",
            $"WECHATPAY2-SHA256-RSA2048 mchid=\"{MchId}\",nonce_str=\"{n}\",signature=\"{signature}\","
            + $"timestamp=\"{ts}\",serial_no=\"{_serial}\"");
        request.Headers.Accept.ParseAdd("application/json");
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(VerifyPlatform(response.Headers, text), $"response to {pathAndQuery} is not signed by the platform key");
        return (response, text);
    }

    /// <summary>Checks Wechatpay-Serial is the platform key id and Wechatpay-Signature signs timestamp\nnonce\nbody\n.</summary>
    public bool VerifyPlatform(System.Net.Http.Headers.HttpHeaders headers, string body)
    {
        string One(string name) => headers.TryGetValues(name, out var v) ? v.First() : "";
        if (One("Wechatpay-Serial") != platformKeyId)
        {
            return false;
        }
        var message = $"{One("Wechatpay-Timestamp")}\n{One("Wechatpay-Nonce")}\n{body}\n";
        return platformKey.VerifyData(Encoding.UTF8.GetBytes(message), Convert.FromBase64String(One("Wechatpay-Signature")),
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    /// <summary>AEAD_AES_256_GCM with the APIv3 key: ciphertext is base64(cipher ‖ 16-byte tag).</summary>
    public string Decrypt(string ciphertext, string nonce, string associatedData)
    {
        var bytes = Convert.FromBase64String(ciphertext);
        var plain = new byte[bytes.Length - 16];
        using var aes = new AesGcm(apiV3Key, 16);
        aes.Decrypt(Encoding.ASCII.GetBytes(nonce), bytes.AsSpan(0, plain.Length), bytes.AsSpan(plain.Length), plain,
            Encoding.UTF8.GetBytes(associatedData));
        return Encoding.UTF8.GetString(plain);
    }
}
