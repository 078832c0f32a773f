using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Zhifu.Server.Face;

namespace Zhifu.Tests.Face;

/// <summary>Synthetic face templates for the face tests, and sealing one as a certified device does.</summary>
internal static class FaceVectors
{
    /// <summary>A random unit template.</summary>
    public static float[] Unit(Random random) => SyntheticFaces.Unit(random);

    /// <summary>A unit vector at cosine <paramref name="cosine"/> to <paramref name="from"/> (noise mixed in).</summary>
    public static float[] Toward(float[] from, float[] noise, float cosine) => SyntheticFaces.Toward(from, noise, cosine);

    /// <summary>What a certified device does: fetch the platform's face transport key and seal the template to it.</summary>
    public static async Task<FaceEnvelope> SealAsync(HttpClient client, float[] template)
    {
        var key = await client.GetFromJsonAsync<JsonElement>("/api/face/transport-key", TestContext.Current.CancellationToken);
        using var rsa = RSA.Create();
        rsa.ImportFromPem(key.GetProperty("publicKey").GetString());
        return FaceEnvelope.Seal(template, key.GetProperty("keyId").GetString()!, rsa);
    }
}
