using System.Security.Cryptography;
using NSec.Cryptography;
using Zhifu.Server.Security;

namespace Zhifu.Tests.Security;

/// <summary>
/// ACC-7: passwords are Argon2id hashes. <see cref="PooledArgon2id"/> must give RFC 9106's bytes, the same as libsodium's for
/// every factor the server may meet in a stored hash, so hashes written before it verify unchanged.
/// </summary>
public sealed class PooledArgon2idTests
{
    private static PasswordBasedKeyDerivationAlgorithm Libsodium(int memoryKiB, int iterations) =>
        PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters
        {
            DegreeOfParallelism = 1,
            MemorySize = memoryKiB,
            NumberOfPasses = iterations,
        });

    private static byte[] Pooled(byte[] password, byte[] salt, int memoryKiB, int iterations, int parallelism = 1)
    {
        var tag = new byte[32];
        PooledArgon2id.Hash(password, salt, memoryKiB, iterations, parallelism, tag);
        return tag;
    }

    [Fact]
    public void ACC7_the_RFC_9106_Argon2id_test_vector_four_lanes_with_secret_and_associated_data()
    {
        Assert.SkipUnless(PooledArgon2id.IsSupported, "this processor has no AVX2: passwords are checked by libsodium");
        var tag = new byte[32];
        PooledArgon2id.Hash(Enumerable.Repeat((byte)1, 32).ToArray(), Enumerable.Repeat((byte)2, 16).ToArray(), 32, 3, 4, tag,
            Enumerable.Repeat((byte)3, 8).ToArray(), Enumerable.Repeat((byte)4, 12).ToArray());
        Assert.Equal("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659", Convert.ToHexStringLower(tag));
    }

    [Theory]
    [InlineData(8, 1)] // the least memory one lane allows: one segment of 2 blocks
    [InlineData(64, 1)] // a segment of 16: past the two blocks made from H0
    [InlineData(1_000, 3)] // not a multiple of 4 KiB: the memory rounds down, H0 keeps the asked size
    [InlineData(1_024, 1)] // the test servers' factors
    [InlineData(7_168, 5)] // the production defaults (Security:Argon2)
    [InlineData(19_456, 2)] // the defaults before them: hashes of that time are still stored
    public void ACC7_the_same_tag_as_libsodium(int memoryKiB, int iterations)
    {
        Assert.SkipUnless(PooledArgon2id.IsSupported, "this processor has no AVX2: passwords are checked by libsodium");
        var libsodium = Libsodium(memoryKiB, iterations);
        for (var i = 0; i < 3; i++)
        {
            // an empty password, a peppered one (32 bytes, as PasswordHasher gives) and a long one
            var password = RandomNumberGenerator.GetBytes(i switch { 0 => 0, 1 => 32, _ => 200 });
            var salt = RandomNumberGenerator.GetBytes(16);
            Assert.Equal(Convert.ToHexString(libsodium.DeriveBytes(password, salt, 32)),
                Convert.ToHexString(Pooled(password, salt, memoryKiB, iterations)));
        }
    }

    [Fact]
    public void ACC7_factors_and_sizes_outside_what_it_computes_are_refused_before_any_work()
    {
        Assert.SkipUnless(PooledArgon2id.IsSupported, "this processor has no AVX2: passwords are checked by libsodium");
        var (password, salt) = (new byte[32], new byte[16]);
        Assert.Throws<ArgumentOutOfRangeException>(() => PooledArgon2id.Hash(password, salt, 1_024, 1, 1, new byte[16]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PooledArgon2id.Hash(password, salt, 7, 1, 1, new byte[32]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PooledArgon2id.Hash(password, salt, 1_024, 0, 1, new byte[32]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PooledArgon2id.Hash(password, salt, 8 * 1024 * 1024, 1, 1, new byte[32]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PooledArgon2id.Hash(password, new byte[4], 1_024, 1, 1, new byte[32]));
    }

    [Fact]
    public async Task ACC7_hashes_running_at_once_on_pooled_memory_each_give_their_own_tag()
    {
        Assert.SkipUnless(PooledArgon2id.IsSupported, "this processor has no AVX2: passwords are checked by libsodium");
        // more hashes at once than the pool keeps, with two sizes, so buffers are taken, made, dropped and reused meanwhile
        var inputs = Enumerable.Range(0, 24)
            .Select(i => (Password: RandomNumberGenerator.GetBytes(32), Salt: RandomNumberGenerator.GetBytes(16),
                MemoryKiB: i % 2 == 0 ? 512 : 2_048))
            .ToArray();
        var tags = await Task.WhenAll(inputs.Select(input =>
            Task.Run(() => Pooled(input.Password, input.Salt, input.MemoryKiB, 2), TestContext.Current.CancellationToken)));
        for (var i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(Convert.ToHexString(Libsodium(inputs[i].MemoryKiB, 2).DeriveBytes(inputs[i].Password, inputs[i].Salt, 32)),
                Convert.ToHexString(tags[i]));
        }
    }

    [Fact]
    public void ACC7_a_stored_hash_libsodium_made_verifies_and_a_wrong_password_does_not()
    {
        Assert.SkipUnless(PooledArgon2id.IsSupported, "this processor has no AVX2: passwords are checked by libsodium");
        var keys = new SecretKeys
        {
            DataKeys = new Dictionary<ushort, byte[]> { [1] = RandomNumberGenerator.GetBytes(32) },
            ActiveDataKeyId = 1,
            BlindIndexKey = RandomNumberGenerator.GetBytes(32),
            PasswordPepper = RandomNumberGenerator.GetBytes(32),
        };
        var hasher = new PasswordHasher(keys, new Argon2Options { MemoryKiB = 1_024, Iterations = 2 });
        var salt = RandomNumberGenerator.GetBytes(16);
        var peppered = HMACSHA256.HashData(keys.PasswordPepper, "147258"u8);
        var stored = $"$argon2id$v=19$m=1024,t=2,p=1${Convert.ToBase64String(salt)}"
            + $"${Convert.ToBase64String(Libsodium(1_024, 2).DeriveBytes(peppered, salt, 32))}";
        Assert.True(hasher.Verify("147258", stored));
        Assert.False(hasher.Verify("147259", stored));
        Assert.True(hasher.Verify("147258", hasher.Hash("147258")));
    }
}
