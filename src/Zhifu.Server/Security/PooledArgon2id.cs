using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using NSec.Cryptography;
using HashAlgorithm = NSec.Cryptography.HashAlgorithm;

namespace Zhifu.Server.Security;

/// <summary>
/// Argon2id (RFC 9106, version 0x13) whose block memory is kept between hashes instead of mapped afresh for each.
/// libsodium maps its memory for every hash and unmaps it after: at 7 MiB that is 1,792 pages faulted in and zeroed by the
/// kernel, 3–4 ms of a 10–14 ms check on the reference machine (bench merchant's CPU profile) — the largest cost of a
/// payment that is not the hash itself. Here the blocks are filled with AVX2 (BLAKE2b's permutation on four 64-bit words at a
/// time, the layout libsodium's and the reference implementation's SIMD code use) in buffers rented from a small pool and wiped
/// before they go back. BLAKE2b for H0, H′ and the tag comes from libsodium (NSec). The bytes are RFC 9106's: every hash
/// libsodium made verifies unchanged, which the tests check against libsodium on random inputs and factors.
/// </summary>
[SkipLocalsInit]
public static class PooledArgon2id
{
    private const int BlockWords = 128;
    private const int SyncPoints = 4;
    private const int Version = 0x13;
    private const int TypeId = 2;

    /// <summary>Whether this processor runs the AVX2 filling; where it does not, <see cref="PasswordHasher"/> uses libsodium.</summary>
    public static bool IsSupported => Avx2.IsSupported;

    /// <summary>
    /// Buffers of block memory kept for the next hash, at most this many (the rest are freed): a burst of sign-ins on a thread
    /// pool larger than the processor count must not keep that many times 7 MiB alive.
    /// </summary>
    private static readonly int MaxPooled = Math.Max(2, Environment.ProcessorCount * 2);

    private static readonly ConcurrentQueue<ulong[]> Pool = new();

    /// <summary>
    /// The tag (<paramref name="tag"/>.Length bytes: 32 or 64) of <paramref name="password"/> with <paramref name="salt"/>, and
    /// RFC 9106's optional secret and associated data (none for a password hash; its test vectors use both).
    /// </summary>
    public static void Hash(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int memoryKiB, int iterations, int parallelism,
        Span<byte> tag, ReadOnlySpan<byte> secret = default, ReadOnlySpan<byte> associatedData = default)
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("Argon2id's block filling needs AVX2.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(parallelism, 255);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(memoryKiB, 8 * parallelism);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(memoryKiB, 4 * 1024 * 1024); // 4 GiB: its words still count in an int
        if (tag.Length is not (32 or 64))
        {
            throw new ArgumentOutOfRangeException(nameof(tag), tag.Length, "Tags of 32 or 64 bytes only (libsodium's BLAKE2b sizes).");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(salt.Length, 8);

        var segmentLength = memoryKiB / (SyncPoints * parallelism);
        var laneLength = segmentLength * SyncPoints;
        var blocks = laneLength * parallelism;
        var memory = Rent(blocks * BlockWords);
        try
        {
            Span<byte> h0 = stackalloc byte[72];
            InitialHash(password, salt, secret, associatedData, memoryKiB, iterations, parallelism, tag.Length, h0[..64]);
            var instance = new Instance(memory, laneLength, segmentLength, parallelism, iterations);
            for (var lane = 0; lane < parallelism; lane++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(h0[68..], lane);
                for (var j = 0; j < 2; j++)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(h0[64..], j);
                    VariableHash(h0, MemoryMarshal.AsBytes(memory.AsSpan((lane * laneLength + j) * BlockWords, BlockWords)));
                }
            }
            for (var pass = 0; pass < iterations; pass++)
            {
                for (var slice = 0; slice < SyncPoints; slice++)
                {
                    for (var lane = 0; lane < parallelism; lane++)
                    {
                        instance.FillSegment(pass, lane, slice);
                    }
                }
            }
            Span<ulong> final = stackalloc ulong[BlockWords];
            memory.AsSpan((laneLength - 1) * BlockWords, BlockWords).CopyTo(final);
            for (var lane = 1; lane < parallelism; lane++)
            {
                var last = memory.AsSpan(((lane + 1) * laneLength - 1) * BlockWords, BlockWords);
                for (var w = 0; w < BlockWords; w++)
                {
                    final[w] ^= last[w];
                }
            }
            VariableHash(MemoryMarshal.AsBytes(final), tag);
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(final));
            CryptographicOperations.ZeroMemory(h0);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(memory.AsSpan(0, blocks * BlockWords)));
            Return(memory);
        }
    }

    private static ulong[] Rent(int words)
    {
        while (Pool.TryDequeue(out var pooled))
        {
            // one too small (the factors rose) is left to the collector
            if (pooled.Length >= words)
            {
                return pooled;
            }
        }
        // Pinned: the filling works on pointers into it; uninitialized: every block is written before it is read.
        return GC.AllocateUninitializedArray<ulong>(words, pinned: true);
    }

    private static void Return(ulong[] memory)
    {
        if (Pool.Count < MaxPooled)
        {
            Pool.Enqueue(memory);
        }
    }

    /// <summary>H0 (RFC 9106 §3.2 step 1).</summary>
    private static void InitialHash(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> secret,
        ReadOnlySpan<byte> associatedData, int memoryKiB, int iterations, int parallelism, int tagLength, Span<byte> h0)
    {
        var input = new byte[4 * 10 + password.Length + salt.Length + secret.Length + associatedData.Length];
        var span = input.AsSpan();
        foreach (var value in (ReadOnlySpan<int>)[parallelism, tagLength, memoryKiB, iterations, Version, TypeId])
        {
            BinaryPrimitives.WriteInt32LittleEndian(span, value);
            span = span[4..];
        }
        span = Field(span, password);
        span = Field(span, salt);
        span = Field(span, secret);
        Field(span, associatedData);
        HashAlgorithm.Blake2b_512.Hash(input, h0);
        CryptographicOperations.ZeroMemory(input);
    }

    /// <summary>Writes a length-prefixed field; answers the space after it.</summary>
    private static Span<byte> Field(Span<byte> span, ReadOnlySpan<byte> field)
    {
        BinaryPrimitives.WriteInt32LittleEndian(span, field.Length);
        field.CopyTo(span[4..]);
        return span[(4 + field.Length)..];
    }

    /// <summary>H′ (RFC 9106 §3.3): BLAKE2b stretched to <paramref name="output"/>.Length bytes.</summary>
    private static void VariableHash(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var prefixed = new byte[4 + input.Length];
        BinaryPrimitives.WriteInt32LittleEndian(prefixed, output.Length);
        input.CopyTo(prefixed.AsSpan(4));
        if (output.Length <= 64)
        {
            Blake2b(output.Length).Hash(prefixed, output);
            CryptographicOperations.ZeroMemory(prefixed);
            return;
        }
        Span<byte> v = stackalloc byte[64];
        HashAlgorithm.Blake2b_512.Hash(prefixed, v);
        CryptographicOperations.ZeroMemory(prefixed);
        var r = (output.Length + 31) / 32 - 2;
        v[..32].CopyTo(output);
        Span<byte> next = stackalloc byte[64];
        for (var i = 1; i < r; i++)
        {
            HashAlgorithm.Blake2b_512.Hash(v, next);
            next.CopyTo(v);
            v[..32].CopyTo(output[(32 * i)..]);
        }
        var rest = output.Length - 32 * r;
        Blake2b(rest).Hash(v, output.Slice(32 * r, rest));
        CryptographicOperations.ZeroMemory(v);
        CryptographicOperations.ZeroMemory(next);
    }

    private static Blake2b Blake2b(int length) => length switch
    {
        32 => HashAlgorithm.Blake2b_256,
        64 => HashAlgorithm.Blake2b_512,
        _ => throw new ArgumentOutOfRangeException(nameof(length), length, "Tags of 32 or 64 bytes only."),
    };

    private readonly struct Instance(ulong[] memory, int laneLength, int segmentLength, int lanes, int passes)
    {
        /// <summary>One segment of one lane (RFC 9106 §3.4; the reference implementation's fill_segment).</summary>
        public unsafe void FillSegment(int pass, int lane, int slice)
        {
            var independent = pass == 0 && slice < SyncPoints / 2;
            var addresses = stackalloc ulong[BlockWords];
            var input = stackalloc ulong[BlockWords];
            var zero = stackalloc ulong[BlockWords];
            if (independent)
            {
                new Span<ulong>(zero, BlockWords).Clear();
                var inputSpan = new Span<ulong>(input, BlockWords);
                inputSpan.Clear();
                inputSpan[0] = (ulong)pass;
                inputSpan[1] = (ulong)lane;
                inputSpan[2] = (ulong)slice;
                inputSpan[3] = (ulong)(laneLength * lanes); // the memory's blocks
                inputSpan[4] = (ulong)passes;
                inputSpan[5] = TypeId;
            }
            var start = 0;
            if (pass == 0 && slice == 0)
            {
                start = 2;
                if (independent)
                {
                    NextAddresses(addresses, input, zero);
                }
            }
            var current = lane * laneLength + slice * segmentLength + start;
            var previous = current % laneLength == 0 ? current + laneLength - 1 : current - 1;
            fixed (ulong* baseAddress = memory)
            {
                for (var i = start; i < segmentLength; i++, current++, previous++)
                {
                    if (current % laneLength == 1)
                    {
                        previous = current - 1;
                    }
                    ulong random;
                    if (independent)
                    {
                        if (i % BlockWords == 0)
                        {
                            NextAddresses(addresses, input, zero);
                        }
                        random = addresses[i % BlockWords];
                    }
                    else
                    {
                        random = baseAddress[(long)previous * BlockWords];
                    }
                    var referenceLane = pass == 0 && slice == 0 ? lane : (int)((random >> 32) % (ulong)lanes);
                    var referenceIndex = ReferenceIndex(pass, slice, i, (uint)random, referenceLane == lane);
                    FillBlock(baseAddress + (long)previous * BlockWords,
                        baseAddress + ((long)laneLength * referenceLane + referenceIndex) * BlockWords,
                        baseAddress + (long)current * BlockWords, pass != 0);
                }
            }
        }

        /// <summary>The reference implementation's index_alpha: which earlier block of the lane this one mixes in.</summary>
        private int ReferenceIndex(int pass, int slice, int index, uint random, bool sameLane)
        {
            long area;
            if (pass == 0)
            {
                area = slice == 0 ? index - 1
                    : sameLane ? (long)slice * segmentLength + index - 1
                    : (long)slice * segmentLength + (index == 0 ? -1 : 0);
            }
            else
            {
                area = sameLane ? laneLength - segmentLength + index - 1
                    : laneLength - segmentLength + (index == 0 ? -1 : 0);
            }
            ulong relative = random;
            relative = relative * relative >> 32;
            relative = (ulong)area - 1 - ((ulong)area * relative >> 32);
            var startPosition = pass != 0 && slice != SyncPoints - 1 ? (slice + 1) * segmentLength : 0;
            return (int)(((ulong)startPosition + relative) % (ulong)laneLength);
        }

        private static unsafe void NextAddresses(ulong* addresses, ulong* input, ulong* zero)
        {
            input[6]++;
            FillBlock(zero, input, addresses, false);
            FillBlock(zero, addresses, addresses, false);
        }
    }

    /// <summary>
    /// next = G(prev ⊕ ref) (⊕ next, after the first pass): BLAKE2b's permutation without message over the block's 8 rows of 16
    /// words, then over its 8 columns of 2-word pairs, four words to a 256-bit register.
    /// </summary>
    private static unsafe void FillBlock(ulong* previous, ulong* reference, ulong* next, bool withXor)
    {
        var r = stackalloc Vector256<ulong>[32];
        for (var k = 0; k < 32; k++)
        {
            r[k] = Avx.LoadVector256(reference + 4 * k) ^ Avx.LoadVector256(previous + 4 * k);
        }
        for (var i = 0; i < 8; i++)
        {
            // Locals, not r's slots, so the registers hold them through the round.
            var (a, b, c, d) = (r[4 * i], r[4 * i + 1], r[4 * i + 2], r[4 * i + 3]);
            Round(ref a, ref b, ref c, ref d);
            (r[4 * i], r[4 * i + 1], r[4 * i + 2], r[4 * i + 3]) = (a, b, c, d);
        }
        for (var k = 0; k < 4; k++)
        {
            // Rounds 2k and 2k+1 take the low and the high halves of registers k, k+4, …, k+28.
            var a0 = Avx2.Permute2x128(r[k], r[k + 4], 0x20);
            var a1 = Avx2.Permute2x128(r[k], r[k + 4], 0x31);
            var b0 = Avx2.Permute2x128(r[k + 8], r[k + 12], 0x20);
            var b1 = Avx2.Permute2x128(r[k + 8], r[k + 12], 0x31);
            var c0 = Avx2.Permute2x128(r[k + 16], r[k + 20], 0x20);
            var c1 = Avx2.Permute2x128(r[k + 16], r[k + 20], 0x31);
            var d0 = Avx2.Permute2x128(r[k + 24], r[k + 28], 0x20);
            var d1 = Avx2.Permute2x128(r[k + 24], r[k + 28], 0x31);
            Round(ref a0, ref b0, ref c0, ref d0);
            Round(ref a1, ref b1, ref c1, ref d1);
            r[k] = Avx2.Permute2x128(a0, a1, 0x20);
            r[k + 4] = Avx2.Permute2x128(a0, a1, 0x31);
            r[k + 8] = Avx2.Permute2x128(b0, b1, 0x20);
            r[k + 12] = Avx2.Permute2x128(b0, b1, 0x31);
            r[k + 16] = Avx2.Permute2x128(c0, c1, 0x20);
            r[k + 20] = Avx2.Permute2x128(c0, c1, 0x31);
            r[k + 24] = Avx2.Permute2x128(d0, d1, 0x20);
            r[k + 28] = Avx2.Permute2x128(d0, d1, 0x31);
        }
        // next = (ref ⊕ prev) ⊕ R, and ⊕ next after the first pass: ref and prev read again, still in the cache.
        for (var k = 0; k < 32; k++)
        {
            var x = Avx.LoadVector256(reference + 4 * k) ^ Avx.LoadVector256(previous + 4 * k) ^ r[k];
            Avx.Store(next + 4 * k, withXor ? x ^ Avx.LoadVector256(next + 4 * k) : x);
        }
    }

    /// <summary>BLAKE2_ROUND_NOMSG on 16 words held as a = v0…v3, b = v4…v7, c = v8…v11, d = v12…v15.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref Vector256<ulong> a, ref Vector256<ulong> b, ref Vector256<ulong> c, ref Vector256<ulong> d)
    {
        G(ref a, ref b, ref c, ref d);
        // Diagonals: (v0, v5, v10, v15), (v1, v6, v11, v12), …
        b = Avx2.Permute4x64(b, 0b00_11_10_01);
        c = Avx2.Permute4x64(c, 0b01_00_11_10);
        d = Avx2.Permute4x64(d, 0b10_01_00_11);
        G(ref a, ref b, ref c, ref d);
        b = Avx2.Permute4x64(b, 0b10_01_00_11);
        c = Avx2.Permute4x64(c, 0b01_00_11_10);
        d = Avx2.Permute4x64(d, 0b00_11_10_01);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void G(ref Vector256<ulong> a, ref Vector256<ulong> b, ref Vector256<ulong> c, ref Vector256<ulong> d)
    {
        a = BlaMka(a, b);
        d = RotateRight32(d ^ a);
        c = BlaMka(c, d);
        b = RotateRight24(b ^ c);
        a = BlaMka(a, b);
        d = RotateRight16(d ^ a);
        c = BlaMka(c, d);
        b = RotateRight63(b ^ c);
    }

    /// <summary>x + y + 2 · lo32(x) · lo32(y), each 64-bit word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> BlaMka(Vector256<ulong> x, Vector256<ulong> y)
    {
        var product = Avx2.Multiply(x.AsUInt32(), y.AsUInt32());
        return x + y + product + product;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> RotateRight32(Vector256<ulong> x) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.RotateRight(x, 32) : Avx2.Shuffle(x.AsUInt32(), 0b10_11_00_01).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> RotateRight24(Vector256<ulong> x) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.RotateRight(x, 24) : Avx2.Shuffle(x.AsByte(), Rotate24).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> RotateRight16(Vector256<ulong> x) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.RotateRight(x, 16) : Avx2.Shuffle(x.AsByte(), Rotate16).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> RotateRight63(Vector256<ulong> x) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.RotateRight(x, 63) : (x + x) ^ Avx2.ShiftRightLogical(x, 63);

    private static Vector256<byte> Rotate24 => Vector256.Create(
        (byte)3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10, 3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10);

    private static Vector256<byte> Rotate16 => Vector256.Create(
        (byte)2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9, 2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9);
}
