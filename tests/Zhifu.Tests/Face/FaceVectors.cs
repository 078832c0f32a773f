using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Zhifu.Server.Face;

namespace Zhifu.Tests.Face;

/// <summary>Synthetic face templates for the face tests, and sealing one as a certified device does.</summary>
internal static class FaceVectors
{
    /// <summary>A random unit template.</summary>
    public static float[] Unit(Random random) =>
        Normalized([.. Enumerable.Range(0, FaceIndex.Dimensions).Select(_ => (float)(random.NextDouble() * 2 - 1))]);

    /// <summary>A unit vector at cosine <paramref name="cosine"/> to <paramref name="from"/> (noise mixed in).</summary>
    public static float[] Toward(float[] from, float[] noise, float cosine)
    {
        var dot = from.Zip(noise, (a, b) => a * b).Sum();
        var orthogonal = Normalized([.. noise.Select((n, i) => n - dot * from[i])]);
        var sine = MathF.Sqrt(1 - cosine * cosine);
        return [.. from.Select((f, i) => cosine * f + sine * orthogonal[i])];
    }

    /// <summary>What a certified device does: fetch the platform's face transport key and seal the template to it.</summary>
    public static async Task<FaceEnvelope> SealAsync(HttpClient client, float[] template)
    {
        var key = await client.GetFromJsonAsync<JsonElement>("/api/face/transport-key", TestContext.Current.CancellationToken);
        using var rsa = RSA.Create();
        rsa.ImportFromPem(key.GetProperty("publicKey").GetString());
        return FaceEnvelope.Seal(template, key.GetProperty("keyId").GetString()!, rsa);
    }

    private static float[] Normalized(float[] v)
    {
        var norm = MathF.Sqrt(v.Sum(x => x * x));
        return [.. v.Select(x => x / norm)];
    }
}
