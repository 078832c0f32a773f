namespace Zhifu.Server.Face;

/// <summary>
/// Synthetic 512-dimension face templates for the demo, the terminal simulator and tests — no real face anywhere. What a
/// certified device's algorithm would produce: unit vectors, a person's captures close to their enrolled template
/// (cosine 0.9), different people nearly orthogonal. Demo faces 1 … <see cref="DemoFaces"/> are fixed; face 8 is a lookalike
/// of face 7 (cosine 0.97), so a capture of either needs the phone's last four digits (FACE-4's margin).
/// </summary>
public static class SyntheticFaces
{
    public const int DemoFaces = 9;

    /// <summary>A random unit template.</summary>
    public static float[] Unit(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var v = new float[FaceIndex.Dimensions];
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = (float)(random.NextDouble() * 2 - 1);
        }
        return Normalized(v);
    }

    /// <summary>A unit vector at cosine <paramref name="cosine"/> to the unit vector <paramref name="from"/> (noise mixed in).</summary>
    public static float[] Toward(float[] from, float[] noise, float cosine)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(noise);
        var dot = Dot(from, noise);
        var orthogonal = new float[from.Length];
        for (var i = 0; i < from.Length; i++)
        {
            orthogonal[i] = noise[i] - dot * from[i];
        }
        orthogonal = Normalized(orthogonal);
        var sine = MathF.Sqrt(1 - cosine * cosine);
        var result = new float[from.Length];
        for (var i = 0; i < from.Length; i++)
        {
            result[i] = cosine * from[i] + sine * orthogonal[i];
        }
        return result;
    }

    /// <summary>Demo face <paramref name="face"/>'s enrolled template (1 … <see cref="DemoFaces"/>), the same every time.</summary>
    public static float[] Demo(int face)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(face, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(face, DemoFaces);
        return face == 8 ? Toward(Demo(7), Unit(new Random(0x5EED_0008)), 0.97f) : Unit(new Random(0x5EED_0000 + face));
    }

    /// <summary>A fresh capture of demo face <paramref name="face"/>: cosine 0.9 to its template, different every call.</summary>
    public static float[] Capture(int face) => Toward(Demo(face), Unit(new Random()), 0.9f);

    private static float Dot(float[] a, float[] b)
    {
        var sum = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static float[] Normalized(float[] v)
    {
        var norm = MathF.Sqrt(Dot(v, v));
        for (var i = 0; i < v.Length; i++)
        {
            v[i] /= norm;
        }
        return v;
    }
}
