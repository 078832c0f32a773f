using System.Security.Cryptography;
using System.Text.Json;

namespace Zhifu.Server.Security;

/// <summary>
/// The server's secrets: data-encryption keys (a ring, so keys rotate: new data uses the active key, old data stays
/// readable), the blind-index key and the password pepper. Production supplies them in configuration (section
/// <c>Security</c>, e.g. environment variables); a development server without them generates a set once into
/// <c>{data}/secrets/keys.json</c> (owner-only), never into git or logs.
/// </summary>
public sealed class SecretKeys
{
    public required IReadOnlyDictionary<ushort, byte[]> DataKeys { get; init; }
    public required ushort ActiveDataKeyId { get; init; }
    public required byte[] BlindIndexKey { get; init; }
    public required byte[] PasswordPepper { get; init; }

    /// <summary>Reads the keys from configuration, or from (or into) the data directory's key file.</summary>
    public static SecretKeys Load(IConfiguration configuration, string dataDirectory, ILogger logger)
    {
        var section = configuration.GetSection("Security");
        if (section["ActiveDataKeyId"] is { } active)
        {
            return FromFile(new KeyFile(
                ushort.Parse(active, System.Globalization.CultureInfo.InvariantCulture),
                section.GetSection("DataKeys").GetChildren().ToDictionary(k => k.Key, k => k.Value ?? ""),
                section["BlindIndexKey"] ?? throw new InvalidOperationException("Security:BlindIndexKey is required"),
                section["PasswordPepper"] ?? throw new InvalidOperationException("Security:PasswordPepper is required")));
        }
        var path = Path.Combine(dataDirectory, "secrets", "keys.json");
        if (!File.Exists(path))
        {
            var generated = new KeyFile(1, new() { ["1"] = NewKey() }, NewKey(), NewKey());
            SecretFiles.Write(path, JsonSerializer.Serialize(generated));
            logger.LogWarning("No Security keys configured: generated development keys in {KeyFile}", path);
        }
        return FromFile(JsonSerializer.Deserialize<KeyFile>(SecretFiles.Read(path))
            ?? throw new InvalidOperationException($"unreadable key file {path}"));
    }

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static SecretKeys FromFile(KeyFile file)
    {
        var keys = file.DataKeys.ToDictionary(
            k => ushort.Parse(k.Key, System.Globalization.CultureInfo.InvariantCulture), k => Decode(k.Value, "data key " + k.Key));
        if (!keys.ContainsKey(file.ActiveDataKeyId))
        {
            throw new InvalidOperationException($"the active data key {file.ActiveDataKeyId} is not in the key ring");
        }
        return new SecretKeys
        {
            DataKeys = keys,
            ActiveDataKeyId = file.ActiveDataKeyId,
            BlindIndexKey = Decode(file.BlindIndexKey, "blind index key"),
            PasswordPepper = Decode(file.PasswordPepper, "password pepper"),
        };
    }

    private static byte[] Decode(string base64, string what)
    {
        var bytes = Convert.FromBase64String(base64);
        return bytes.Length == 32 ? bytes : throw new InvalidOperationException($"the {what} must be 32 bytes (base64)");
    }

    private sealed record KeyFile(ushort ActiveDataKeyId, Dictionary<string, string> DataKeys, string BlindIndexKey, string PasswordPepper);
}
