using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Zhifu.Server.Security;

/// <summary>
/// Personal information at rest (ACC-8): AES-256-GCM under the key ring, with the field's purpose as associated data
/// so a ciphertext cannot be moved to another field; equality look-ups by a keyed blind index (HMAC-SHA256), never by
/// plaintext. Layout: key id (2 bytes, big-endian) | nonce (12) | tag (16) | ciphertext.
/// </summary>
public sealed class PersonalData(SecretKeys keys)
{
    /// <summary>Purpose of phone numbers (encryption associated data and blind-index domain).</summary>
    public const string Phone = "phone";

    /// <summary>Purpose of full names.</summary>
    public const string Name = "name";

    /// <summary>Purpose of resident ID numbers.</summary>
    public const string IdNumber = "id-number";

    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    /// <summary>Encrypts a value under the active key.</summary>
    public byte[] Protect(string value, string purpose)
    {
        var plain = Encoding.UTF8.GetBytes(value);
        var output = new byte[2 + NonceBytes + TagBytes + plain.Length];
        BinaryPrimitives.WriteUInt16BigEndian(output, keys.ActiveDataKeyId);
        var nonce = output.AsSpan(2, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(keys.DataKeys[keys.ActiveDataKeyId], TagBytes);
        aes.Encrypt(nonce, plain, output.AsSpan(2 + NonceBytes + TagBytes), output.AsSpan(2 + NonceBytes, TagBytes),
            Encoding.UTF8.GetBytes(purpose));
        return output;
    }

    /// <summary>Decrypts with whichever key of the ring encrypted it.</summary>
    public string Unprotect(byte[] protectedValue, string purpose)
    {
        ArgumentNullException.ThrowIfNull(protectedValue);
        var keyId = BinaryPrimitives.ReadUInt16BigEndian(protectedValue);
        if (!keys.DataKeys.TryGetValue(keyId, out var key))
        {
            throw new CryptographicException($"data key {keyId} is not in the key ring");
        }
        var cipher = protectedValue.AsSpan(2 + NonceBytes + TagBytes);
        var plain = new byte[cipher.Length];
        using var aes = new AesGcm(key, TagBytes);
        aes.Decrypt(protectedValue.AsSpan(2, NonceBytes), cipher, protectedValue.AsSpan(2 + NonceBytes, TagBytes), plain,
            Encoding.UTF8.GetBytes(purpose));
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>The blind index of a normalized value, for unique constraints and look-ups.</summary>
    public byte[] BlindIndex(string value, string purpose) =>
        HMACSHA256.HashData(keys.BlindIndexKey, Encoding.UTF8.GetBytes(purpose + "\n" + value));

    /// <summary>Whether a (normalized) resident ID number is the one the wallet's holder was verified with.</summary>
    public bool IsIdNumberOf(string idNumber, Zhifu.Data.Entities.UserRow user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.IdNumberIndex is { } index && BlindIndex(idNumber, IdNumber).AsSpan().SequenceEqual(index);
    }
}
