using System.Security.Cryptography;
using System.Text.Json;
using Zhifu.Server.Security;

namespace Zhifu.Server.Face;

/// <summary>
/// The face store's own keys (FACE-2, FACE-3), apart from the platform's data keys: an AES-256 key that encrypts templates at
/// rest, and an RSA-2048 transport key pair whose public half devices encrypt captured templates to (end to end: merchants'
/// systems on the way only ever carry ciphertext). From <c>Face:StoreKey</c> (base64) and <c>Face:TransportKeyPem</c>, or
/// generated once into <c>{data}/secrets/face-keys.json</c> (owner-only) for development.
/// </summary>
public sealed class FaceKeys : IDisposable
{
    private FaceKeys(byte[] storeKey, RSA transport)
    {
        StoreKey = storeKey;
        Transport = transport;
        TransportKeyId = "FACE_KEY_" + Convert.ToHexString(SHA256.HashData(transport.ExportSubjectPublicKeyInfo()))[..16];
    }

    public byte[] StoreKey { get; }

    public RSA Transport { get; }

    /// <summary>Names the transport key in envelopes, so a rotated key is told apart.</summary>
    public string TransportKeyId { get; }

    public string TransportPublicKeyPem => Transport.ExportSubjectPublicKeyInfoPem();

    public static FaceKeys Load(IConfiguration configuration, string dataDirectory, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration["Face:StoreKey"] is { Length: > 0 } configured && configuration["Face:TransportKeyPem"] is { Length: > 0 } pem)
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return new FaceKeys(Convert.FromBase64String(configured), rsa);
        }
        var path = Path.Combine(dataDirectory, "secrets", "face-keys.json");
        if (!File.Exists(path))
        {
            using var fresh = RSA.Create(2048);
            SecretFiles.Write(path, JsonSerializer.Serialize(new KeyFile(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                fresh.ExportPkcs8PrivateKeyPem())));
            logger.LogWarning("No face store keys configured: generated development keys in {KeyFile}", path);
        }
        var file = JsonSerializer.Deserialize<KeyFile>(SecretFiles.Read(path)) ?? throw new InvalidOperationException($"unreadable {path}");
        var transport = RSA.Create();
        transport.ImportFromPem(file.TransportKeyPem);
        return new FaceKeys(Convert.FromBase64String(file.StoreKey), transport);
    }

    public void Dispose() => Transport.Dispose();

    private sealed record KeyFile(string StoreKey, string TransportKeyPem);
}
