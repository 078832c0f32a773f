using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Zhifu.Server.MerchantApi;

/// <summary>
/// 微信支付公钥模式 — the platform's own RSA-2048 signing keys, each named by a <c>PUB_KEY_ID_…</c> id. Responses and
/// callbacks are signed with the active key and carry its id in <c>Wechatpay-Serial</c>; older keys stay in the ring (and
/// their public keys stay published) so merchants can switch over during a rotation. Kept in
/// <c>{data}/secrets/merchant-platform-keys.json</c> (owner-only) like the other development secrets; to rotate, add a key
/// to <c>Keys</c> and point <c>ActiveKeyId</c> at it.
/// </summary>
public sealed class PlatformKeys
{
    private readonly Dictionary<string, RSA> _keys;

    private PlatformKeys(string activeKeyId, Dictionary<string, RSA> keys) => (ActiveKeyId, _keys) = (activeKeyId, keys);

    public string ActiveKeyId { get; }

    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    public static PlatformKeys Load(string dataDirectory, ILogger logger)
    {
        var path = Path.Combine(dataDirectory, "secrets", "merchant-platform-keys.json");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var rsa = RSA.Create(2048);
            var id = NewKeyId();
            var file = new KeyFile(id, new() { [id] = rsa.ExportPkcs8PrivateKeyPem() });
            File.WriteAllText(path, JsonSerializer.Serialize(file));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            logger.LogWarning("No platform signing key: generated {KeyId} in {KeyFile}", id, path);
        }
        var loaded = JsonSerializer.Deserialize<KeyFile>(File.ReadAllText(path)) ?? throw new InvalidOperationException($"unreadable {path}");
        var keys = loaded.Keys.ToDictionary(k => k.Key, k =>
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(k.Value);
            return rsa.KeySize >= 2048 ? rsa : throw new InvalidOperationException($"platform key {k.Key} is shorter than 2048 bits");
        });
        return keys.ContainsKey(loaded.ActiveKeyId)
            ? new PlatformKeys(loaded.ActiveKeyId, keys)
            : throw new InvalidOperationException($"the active platform key {loaded.ActiveKeyId} is not in {path}");
    }

    /// <summary>SHA256withRSA (PKCS#1 v1.5) over the UTF-8 message with the active key, base64.</summary>
    public string Sign(string message) => Convert.ToBase64String(
        _keys[ActiveKeyId].SignData(Encoding.UTF8.GetBytes(message), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    /// <summary>The SubjectPublicKeyInfo PEM of a key (what merchants configure to verify us).</summary>
    public string PublicKeyPem(string keyId) => _keys[keyId].ExportSubjectPublicKeyInfoPem();

    /// <summary>The protocol's ids are <c>PUB_KEY_ID_</c> followed by digits.</summary>
    private static string NewKeyId() => "PUB_KEY_ID_" + string.Concat(Enumerable.Range(0, 32).Select(_ => RandomNumberGenerator.GetInt32(10)));

    private sealed record KeyFile(string ActiveKeyId, Dictionary<string, string> Keys);
}
