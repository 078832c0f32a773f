using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Zhifu.Server.Face;

/// <summary>The best enrolled template for a probe and how far ahead of the next it is (FACE-4).</summary>
/// <param name="Id">The best candidate's opaque face id, or null when nothing is enrolled.</param>
/// <param name="Similarity">Its cosine similarity to the probe (−1 … 1).</param>
/// <param name="SecondSimilarity">The runner-up's similarity (−1 when there is none): the margin is the difference.</param>
public readonly record struct FaceMatch(Guid? Id, float Similarity, float SecondSimilarity, Guid? SecondId = null)
{
    public float Margin => Similarity - SecondSimilarity;
}

/// <summary>
/// 1:N face search in memory (FACE-4): every enrolled 512-dimension template kept twice in compact form —
/// its sign bits (64 bytes: a binary code whose Hamming distance tracks the angle between templates) and its components
/// quantized to signed bytes with one scale (512 bytes) — never the floats. A search scans the binary codes of all
/// templates (XOR + popcount, split over the cores), keeps the <c>shortlist</c> nearest, and scores those exactly enough on
/// the bytes (SIMD widening multiply-add) to rank them. A genuine probe sits far closer in Hamming distance than any
/// impostor, so the shortlist holds it; the benchmark (<c>bench/Zhifu.Bench -- face</c>) measures that recall against a
/// plain float scan. Thread-safe: searches run together, enrolment and removal take the write lock briefly.
/// </summary>
public sealed class FaceIndex
{
    public const int Dimensions = 512;
    private const int Words = Dimensions / 64;
    private const int SegmentSlots = 1 << 16;

    private readonly List<ulong[]> _codes = [];
    private readonly List<sbyte[]> _quantized = [];
    private readonly List<float[]> _scales = [];
    private readonly List<Guid[]> _ids = [];
    private readonly Dictionary<Guid, int> _slots = [];
    private readonly Stack<int> _free = new();
    private readonly ReaderWriterLockSlim _lock = new();
    private int _used;

    /// <summary>A template's components as the face store and sealed envelopes carry them: little-endian floats.</summary>
    public static byte[] ToBytes(ReadOnlySpan<float> template)
    {
        var bytes = new byte[template.Length * sizeof(float)];
        for (var i = 0; i < template.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), template[i]);
        }
        return bytes;
    }

    /// <summary>The template in <see cref="ToBytes"/>'s form.</summary>
    public static float[] FromBytes(ReadOnlySpan<byte> bytes)
    {
        var template = new float[bytes.Length / sizeof(float)];
        for (var i = 0; i < template.Length; i++)
        {
            template[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
        }
        return template;
    }

    /// <summary>Templates enrolled now.</summary>
    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _slots.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Bytes the index holds per template (binary code, quantized components, scale, id).</summary>
    public static int BytesPerTemplate => Words * 8 + Dimensions + sizeof(float) + 16;

    /// <summary>Enrols (or replaces) the template of <paramref name="id"/>; it need not be normalized.</summary>
    public void Add(Guid id, ReadOnlySpan<float> template)
    {
        if (template.Length != Dimensions)
        {
            throw new ArgumentException($"a template has {Dimensions} components", nameof(template));
        }
        Span<ulong> code = stackalloc ulong[Words];
        Span<sbyte> quantized = stackalloc sbyte[Dimensions];
        var scale = Encode(template, code, quantized);
        _lock.EnterWriteLock();
        try
        {
            if (!_slots.TryGetValue(id, out var slot))
            {
                slot = _free.Count > 0 ? _free.Pop() : NewSlot();
                _slots[id] = slot;
            }
            var (segment, offset) = (slot / SegmentSlots, slot % SegmentSlots);
            code.CopyTo(_codes[segment].AsSpan(offset * Words, Words));
            quantized.CopyTo(_quantized[segment].AsSpan(offset * Dimensions, Dimensions));
            _scales[segment][offset] = scale;
            _ids[segment][offset] = id;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Forgets a template at once (FACE-1: withdrawn consent); false when it was not enrolled.</summary>
    public bool Remove(Guid id)
    {
        _lock.EnterWriteLock();
        try
        {
            if (!_slots.Remove(id, out var slot))
            {
                return false;
            }
            var (segment, offset) = (slot / SegmentSlots, slot % SegmentSlots);
            _codes[segment].AsSpan(offset * Words, Words).Clear();
            _quantized[segment].AsSpan(offset * Dimensions, Dimensions).Clear();
            _scales[segment][offset] = 0;
            _ids[segment][offset] = Guid.Empty; // a free slot never matches: its id is checked before it is scored
            _free.Push(slot);
            return true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>The best and second-best enrolled templates for <paramref name="probe"/>.</summary>
    public FaceMatch Search(ReadOnlySpan<float> probe, int shortlist = 64, int threads = 0)
    {
        if (probe.Length != Dimensions)
        {
            throw new ArgumentException($"a probe has {Dimensions} components", nameof(probe));
        }
        shortlist = Math.Clamp(shortlist, 2, 1024);
        var code = new ulong[Words];
        var quantized = new sbyte[Dimensions];
        var scale = Encode(probe, code, quantized);
        var wide = Widen(quantized);
        _lock.EnterReadLock();
        try
        {
            var used = _used;
            if (_slots.Count == 0)
            {
                return new FaceMatch(null, -1, -1);
            }
            var parts = Math.Clamp(threads > 0 ? threads : Environment.ProcessorCount, 1, Math.Max(1, used / 4096));
            var nearest = new Shortlist[parts];
            var chunk = (used + parts - 1) / parts;
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part =>
            {
                var list = new Shortlist(shortlist);
                Scan(code, part * chunk, Math.Min(used, (part + 1) * chunk), list);
                nearest[part] = list;
            });
            // rank the shortlists' candidates on the quantized components
            Guid? best = null, secondId = null;
            float bestScore = -1, second = -1;
            foreach (var list in nearest)
            {
                for (var i = 0; i < list.Count; i++)
                {
                    var slot = list.Slots[i];
                    var (segment, offset) = (slot / SegmentSlots, slot % SegmentSlots);
                    var id = _ids[segment][offset];
                    if (id == Guid.Empty)
                    {
                        continue;
                    }
                    var dot = Dot(wide, _quantized[segment].AsSpan(offset * Dimensions, Dimensions));
                    var similarity = dot * scale * _scales[segment][offset];
                    if (similarity > bestScore)
                    {
                        (second, secondId, bestScore, best) = (bestScore, best, similarity, id);
                    }
                    else if (similarity > second)
                    {
                        (second, secondId) = (similarity, id);
                    }
                }
            }
            return new FaceMatch(best, bestScore, second, secondId);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private int NewSlot()
    {
        if (_used == _codes.Count * SegmentSlots)
        {
            _codes.Add(new ulong[SegmentSlots * Words]);
            _quantized.Add(new sbyte[SegmentSlots * Dimensions]);
            _scales.Add(new float[SegmentSlots]);
            _ids.Add(new Guid[SegmentSlots]);
        }
        return _used++;
    }

    /// <summary>Sign bits and components quantized to −127…127 of the normalized vector; the scale turns a byte dot product
    /// back into a cosine (returned).</summary>
    private static float Encode(ReadOnlySpan<float> vector, Span<ulong> code, Span<sbyte> quantized)
    {
        code.Clear();
        float norm = 0, max = 0;
        for (var i = 0; i < vector.Length; i++)
        {
            norm += vector[i] * vector[i];
            max = Math.Max(max, Math.Abs(vector[i]));
            if (vector[i] >= 0)
            {
                code[i >> 6] |= 1UL << (i & 63);
            }
        }
        if (max == 0 || !float.IsFinite(norm))
        {
            quantized.Clear();
            return 0;
        }
        var step = max / 127f;
        for (var i = 0; i < vector.Length; i++)
        {
            quantized[i] = (sbyte)Math.Round(vector[i] / step);
        }
        return step / MathF.Sqrt(norm);
    }

    private void Scan(ulong[] probe, int from, int to, Shortlist list)
    {
        var (p0, p1, p2, p3, p4, p5, p6, p7) = (probe[0], probe[1], probe[2], probe[3], probe[4], probe[5], probe[6], probe[7]);
        for (var slot = from; slot < to;)
        {
            var segment = slot / SegmentSlots;
            var end = Math.Min(to, (segment + 1) * SegmentSlots);
            var codes = _codes[segment];
            for (var offset = slot % SegmentSlots; slot < end; slot++, offset++)
            {
                ref var c = ref codes[offset * Words];
                var distance = BitOperations.PopCount(c ^ p0) + BitOperations.PopCount(Unsafe.Add(ref c, 1) ^ p1)
                    + BitOperations.PopCount(Unsafe.Add(ref c, 2) ^ p2) + BitOperations.PopCount(Unsafe.Add(ref c, 3) ^ p3)
                    + BitOperations.PopCount(Unsafe.Add(ref c, 4) ^ p4) + BitOperations.PopCount(Unsafe.Add(ref c, 5) ^ p5)
                    + BitOperations.PopCount(Unsafe.Add(ref c, 6) ^ p6) + BitOperations.PopCount(Unsafe.Add(ref c, 7) ^ p7);
                if (distance < list.Worst)
                {
                    list.Offer(slot, distance);
                }
            }
        }
    }

    private static short[] Widen(sbyte[] quantized)
    {
        var wide = new short[Dimensions];
        for (var i = 0; i < Dimensions; i++)
        {
            wide[i] = quantized[i];
        }
        return wide;
    }

    /// <summary>Σ probe·template on 16-bit lanes (exact: 512 × 127 × 127 fits an int).</summary>
    private static int Dot(short[] probe, ReadOnlySpan<sbyte> template)
    {
        var sum = Vector256<int>.Zero;
        var p = MemoryMarshal.Cast<short, Vector256<short>>(probe.AsSpan());
        for (var i = 0; i < Dimensions / 16; i++)
        {
            var t = Vector256.WidenLower(Vector256.Create(Vector128.Create(template.Slice(i * 16, 16)), Vector128<sbyte>.Zero));
            var product = p[i] * t;
            var (low, high) = Vector256.Widen(product);
            sum += low + high;
        }
        return Vector256.Sum(sum);
    }

    /// <summary>The k smallest distances seen, unordered; <see cref="Worst"/> is the bar a new one must pass.</summary>
    private sealed class Shortlist(int capacity)
    {
        public readonly int[] Slots = new int[capacity];
        private readonly int[] _distances = new int[capacity];

        public int Count { get; private set; }

        public int Worst { get; private set; } = int.MaxValue;

        public void Offer(int slot, int distance)
        {
            if (Count < Slots.Length)
            {
                (Slots[Count], _distances[Count]) = (slot, distance);
                Count++;
                if (Count == Slots.Length)
                {
                    Worst = _distances.Max();
                }
                return;
            }
            var at = Array.IndexOf(_distances, Worst);
            (Slots[at], _distances[at]) = (slot, distance);
            Worst = _distances.Max();
        }
    }
}
