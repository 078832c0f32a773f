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
}

/// <summary>How personal data is shown: <c>138****1234</c>, <c>张*</c>, <c>6222 **** **** 1234</c> (ACC-8).</summary>
public static class Masking
{
    /// <summary>A mainland mobile number with the middle four digits hidden.</summary>
    public static string Phone(string phone) => phone.Length == 11 ? string.Concat(phone.AsSpan(0, 3), "****", phone.AsSpan(7)) : "***";

    /// <summary>A name with all but the first character hidden.</summary>
    public static string Name(string name) => name.Length <= 1 ? "*" : name[0] + new string('*', name.Length - 1);

    /// <summary>A card number showing its first four and last four digits.</summary>
    public static string Card(string number) =>
        number.Length < 12 ? "****" : string.Concat(number.AsSpan(0, 4), " **** **** ", number.AsSpan(number.Length - 4));

    /// <summary>An ID number showing its first and last characters.</summary>
    public static string IdNumber(string id) => id.Length < 8 ? "****" : string.Concat(id.AsSpan(0, 1), new string('*', id.Length - 2), id.AsSpan(id.Length - 1));
}
