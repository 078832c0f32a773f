using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Zhifu.Server.Security;

/// <summary>
/// Argon2id work factors (section <c>Security:Argon2</c>). The defaults, 7 MiB × 5 passes, are one of the five settings OWASP's
/// Password Storage Cheat Sheet gives as an equal level of defence (46 MiB × 1, 19 MiB × 2, 12 MiB × 3, 9 MiB × 4, 7 MiB × 5),
/// trading memory for passes: on the 2-core reference machine one check costs 9.6 ms of CPU instead of 17.7 ms at 19 MiB × 2,
/// because 7 MiB stays in the processor's cache — and a payment verifies one (bench merchant). Parallelism must stay 1:
/// libsodium's Argon2id, which checks passwords on processors without AVX2, has one lane.
/// </summary>
public sealed record Argon2Options
{
    public int MemoryKiB { get; init; } = 7_168;
    public int Iterations { get; init; } = 5;
    public int Parallelism { get; init; } = 1;
}

/// <summary>
/// Passwords as Argon2id hashes of HMAC(pepper, password): a stolen database alone cannot brute-force even a
/// 6-digit payment password offline, because the pepper lives outside it (architecture.md, ACC-7).
/// Stored as <c>$argon2id$v=19$m=…,t=…,p=…$salt$hash</c> so work factors can rise without breaking old hashes.
/// </summary>
public sealed class PasswordHasher(SecretKeys keys, Argon2Options options)
{
    /// <summary>The configured factors as a stored hash names them.</summary>
    private readonly string _factors =
        string.Create(CultureInfo.InvariantCulture, $"m={options.MemoryKiB},t={options.Iterations},p={options.Parallelism}");

    /// <summary>Hashes a password with a fresh salt.</summary>
    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Compute(password, salt, options.MemoryKiB, options.Iterations, options.Parallelism);
        return string.Create(CultureInfo.InvariantCulture,
            $"$argon2id$v=19${_factors}${Convert.ToBase64String(salt)}"
            + $"${Convert.ToBase64String(hash)}");
    }

    /// <summary>
    /// For a password the caller has just verified against <paramref name="stored"/>: a new hash when <paramref name="stored"/>
    /// was made with other work factors than the configured ones (e.g. before they changed), else null — so every hash moves to
    /// the current factors at its next correct use.
    /// </summary>
    public string? Rehashed(string password, string stored) =>
        stored.Split('$') is [_, "argon2id", _, var factors, _, _] && factors != _factors ? Hash(password) : null;

    /// <summary>Checks a password in constant time against a stored hash.</summary>
    public bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 6 || parts[1] != "argon2id")
        {
            return false;
        }
        var factors = parts[3].Split(',').Select(p => int.Parse(p[2..], CultureInfo.InvariantCulture)).ToArray();
        var expected = Convert.FromBase64String(parts[5]);
        var actual = Compute(password, Convert.FromBase64String(parts[4]), factors[0], factors[1], factors[2]);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    /// <summary>
    /// The work of a <see cref="Verify"/> at the configured factors, for a sign-in naming no account: refused after the same
    /// time as a wrong password, so the time does not tell which names (phones, usernames) exist.
    /// </summary>
    public void VerifyNone(string password) => Compute(password, NoSalt, options.MemoryKiB, options.Iterations, options.Parallelism);

    private static readonly byte[] NoSalt = new byte[16];

    /// <summary>
    /// Argon2id (RFC 9106): <see cref="PooledArgon2id"/> where the processor has AVX2 — the same bytes as libsodium's, at about
    /// four fifths of its CPU (8.5–9.5 ms instead of 10–12 ms at 7 MiB × 5 here), as it keeps its block memory instead of having
    /// the kernel map and zero 7 MiB for every check — else libsodium (NSec). Either verifies the other's hashes, and those of
    /// the managed implementation before them.
    /// </summary>
    private byte[] Compute(string password, byte[] salt, int memoryKiB, int iterations, int parallelism)
    {
        var peppered = HMACSHA256.HashData(keys.PasswordPepper, Encoding.UTF8.GetBytes(password));
        if (PooledArgon2id.IsSupported)
        {
            var hash = new byte[32];
            PooledArgon2id.Hash(peppered, salt, memoryKiB, iterations, parallelism, hash);
            return hash;
        }
        var argon = PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters
        {
            DegreeOfParallelism = parallelism,
            MemorySize = memoryKiB,
            NumberOfPasses = iterations,
        });
        return argon.DeriveBytes(peppered, salt, 32);
    }
}
