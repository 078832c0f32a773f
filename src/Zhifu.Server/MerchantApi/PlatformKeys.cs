using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Zhifu.Server.Security;

namespace Zhifu.Server.MerchantApi;

/// <summary>
/// 微信支付公钥模式 — the platform's own RSA-2048 signing keys, each named by a <c>PUB_KEY_ID_…</c> id (MER-6). Responses and
/// callbacks are signed with the active key and carry its id in <c>Wechatpay-Serial</c>. Rotation without downtime: an
/// operator adds a key (published to merchants at once, not yet used), activates it once merchants have it, and retires
/// the old one later; a signature and the id it names always come from one snapshot. Kept in
/// <c>{data}/secrets/merchant-platform-keys.json</c> (owner-only) like the other development secrets.
/// </summary>
public sealed class PlatformKeys
{
    /// <summary>Keys the ring may hold at once (active, next, and ones being retired).</summary>
    public const int KeysMax = 4;

    private readonly string _path;
    private readonly Lock _gate = new();
    private volatile Ring _ring;

    private PlatformKeys(string path, Ring ring) => (_path, _ring) = (path, ring);

    public string ActiveKeyId => _ring.ActiveKeyId;

    public IReadOnlyCollection<string> KeyIds => [.. _ring.Keys.Keys];

    public static PlatformKeys Load(string dataDirectory, ILogger logger)
    {
        var path = Path.Combine(dataDirectory, "secrets", "merchant-platform-keys.json");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var rsa = RSA.Create(2048);
            var id = NewKeyId();
            Write(path, new KeyFile(id, new() { [id] = rsa.ExportPkcs8PrivateKeyPem() }));
            logger.LogWarning("No platform signing key: generated {KeyId} in {KeyFile}", id, path);
        }
        var loaded = JsonSerializer.Deserialize<KeyFile>(SecretFiles.Read(path))
            ?? throw new InvalidOperationException($"unreadable {path}");
        var keys = loaded.Keys.ToDictionary(k => k.Key, k =>
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(k.Value);
            return rsa.KeySize >= 2048 ? rsa : throw new InvalidOperationException($"platform key {k.Key} is shorter than 2048 bits");
        });
        return keys.ContainsKey(loaded.ActiveKeyId)
            ? new PlatformKeys(path, new Ring(loaded.ActiveKeyId, keys))
            : throw new InvalidOperationException($"the active platform key {loaded.ActiveKeyId} is not in {path}");
    }

    /// <summary>
    /// The protocol's signature headers over <paramref name="body"/>: Wechatpay-Timestamp, -Nonce, -Serial, -Signature-Type and
    /// -Signature (SHA256withRSA, PKCS#1 v1.5, base64, over timestamp\nnonce\nbody\n) by the active key.
    /// </summary>
    public IEnumerable<KeyValuePair<string, string>> SignatureHeaders(long timestamp, string body)
    {
        var ring = _ring;
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var signature = Sign(ring, V3Authorization.ResponseMessage(timestamp, nonce, body));
        return
        [
            new("Wechatpay-Timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("Wechatpay-Nonce", nonce),
            new("Wechatpay-Serial", ring.ActiveKeyId),
            new("Wechatpay-Signature-Type", V3Authorization.Scheme),
            new("Wechatpay-Signature", signature),
        ];
    }

    /// <summary>SHA256withRSA (PKCS#1 v1.5) over the UTF-8 message with the active key, base64 (the bench's crypto floor).</summary>
    public string Sign(string message) => Sign(_ring, message);

    private static string Sign(Ring ring, string message) => Convert.ToBase64String(ring.Keys[ring.ActiveKeyId].SignData(
        Encoding.UTF8.GetBytes(message), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    /// <summary>The SubjectPublicKeyInfo PEM of a key (what merchants configure to verify us).</summary>
    public string PublicKeyPem(string keyId) => _ring.Keys[keyId].ExportSubjectPublicKeyInfoPem();

    /// <summary>Adds a new key, published but not yet signing; null when the ring is full.</summary>
    public string? Add()
    {
        lock (_gate)
        {
            if (_ring.Keys.Count >= KeysMax)
            {
                return null;
            }
            var id = NewKeyId();
            var keys = new Dictionary<string, RSA>(_ring.Keys) { [id] = RSA.Create(2048) };
            Save(new Ring(_ring.ActiveKeyId, keys));
            return id;
        }
    }

    /// <summary>Signs with <paramref name="keyId"/> from now on; false when there is no such key.</summary>
    public bool Activate(string keyId)
    {
        lock (_gate)
        {
            if (!_ring.Keys.ContainsKey(keyId))
            {
                return false;
            }
            Save(new Ring(keyId, _ring.Keys));
            return true;
        }
    }

    /// <summary>Removes a key that no longer signs; false when it is unknown or the active one.</summary>
    public bool Retire(string keyId)
    {
        lock (_gate)
        {
            if (keyId == _ring.ActiveKeyId || !_ring.Keys.ContainsKey(keyId))
            {
                return false;
            }
            Save(new Ring(_ring.ActiveKeyId, _ring.Keys.Where(k => k.Key != keyId).ToDictionary()));
            return true;
        }
    }

    /// <summary>The file first, then the ring in memory: a crash never leaves a signing key that was not saved.</summary>
    private void Save(Ring ring)
    {
        Write(_path, new KeyFile(ring.ActiveKeyId, ring.Keys.ToDictionary(k => k.Key, k => k.Value.ExportPkcs8PrivateKeyPem())));
        _ring = ring;
    }

    private static void Write(string path, KeyFile file) => SecretFiles.Write(path, JsonSerializer.Serialize(file));

    /// <summary>The protocol's ids are <c>PUB_KEY_ID_</c> followed by digits.</summary>
    private static string NewKeyId() => "PUB_KEY_ID_" + Zhifu.Core.RandomDigits.Of(32);

    private sealed record Ring(string ActiveKeyId, IReadOnlyDictionary<string, RSA> Keys);

    private sealed record KeyFile(string ActiveKeyId, Dictionary<string, string> Keys);
}
