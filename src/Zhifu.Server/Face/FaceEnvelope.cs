using System.Security.Cryptography;
using System.Text;

namespace Zhifu.Server.Face;

/// <summary>
/// A face template as a device sends it (FACE-3): the 512 float components (little-endian, 2,048 bytes) sealed with a fresh
/// AES-256-GCM key, that key wrapped with RSA-OAEP-SHA256 under the platform's face transport key. Associated data
/// "face-template". Whoever carries it (the merchant's systems, the wallet page) cannot read it.
/// </summary>
public sealed record FaceEnvelope(string? KeyId, string? WrappedKey, string? Nonce, string? Ciphertext)
{
    private static readonly byte[] AssociatedData = Encoding.ASCII.GetBytes("face-template");

    /// <summary>The template inside, or null when the envelope is malformed, for another key, or does not authenticate.</summary>
    public float[]? Open(FaceKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (KeyId != keys.TransportKeyId || WrappedKey is not { Length: <= 1024 } || Nonce is not { Length: <= 64 }
            || Ciphertext is not { Length: <= 4096 })
        {
            return null;
        }
        try
        {
            var key = keys.Transport.Decrypt(Convert.FromBase64String(WrappedKey), RSAEncryptionPadding.OaepSHA256);
            var nonce = Convert.FromBase64String(Nonce);
            var sealedBytes = Convert.FromBase64String(Ciphertext);
            if (key.Length != 32 || nonce.Length != 12 || sealedBytes.Length != FaceIndex.Dimensions * 4 + 16)
            {
                return null;
            }
            var plain = new byte[FaceIndex.Dimensions * 4];
            using (var aes = new AesGcm(key, 16))
            {
                aes.Decrypt(nonce, sealedBytes.AsSpan(0, plain.Length), sealedBytes.AsSpan(plain.Length), plain, AssociatedData);
            }
            var template = FaceIndex.FromBytes(plain);
            return template.All(float.IsFinite) && template.Any(x => x != 0) ? template : null;
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return null;
        }
    }

    /// <summary>What a certified device (or a test, or the terminal simulator) does: seal a template to the transport key.</summary>
    public static FaceEnvelope Seal(ReadOnlySpan<float> template, string keyId, RSA transportPublicKey)
    {
        ArgumentNullException.ThrowIfNull(transportPublicKey);
        var plain = FaceIndex.ToBytes(template);
        var key = RandomNumberGenerator.GetBytes(32);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var sealedBytes = new byte[plain.Length + 16];
        using (var aes = new AesGcm(key, 16))
        {
            aes.Encrypt(nonce, plain, sealedBytes.AsSpan(0, plain.Length), sealedBytes.AsSpan(plain.Length), AssociatedData);
        }
        return new FaceEnvelope(keyId, Convert.ToBase64String(transportPublicKey.Encrypt(key, RSAEncryptionPadding.OaepSHA256)),
            Convert.ToBase64String(nonce), Convert.ToBase64String(sealedBytes));
    }
}
