using System.Net.Http.Json;
using Zhifu.Server.Hosting;

namespace Zhifu.Tests.Infrastructure;

/// <summary>Signs a demo operator of a role in on the operator console (the operations operator's username is <c>ops</c>).</summary>
internal static class OperatorSignIn
{
    /// <summary>Logs <paramref name="client"/> (a fresh client with its own cookie jar) in as the demo operator of the role.</summary>
    public static async Task<HttpClient> AsAsync(HttpClient client, string role)
    {
        var ct = TestContext.Current.CancellationToken;
        var username = DemoWorld.Operators.Single(o => o.Role == role).Username;
        var response = await client.PostAsJsonAsync("/api/ops/auth/login", new { username, password = DemoWorld.OperatorPassword }, ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(ct));
        return client;
    }
}
