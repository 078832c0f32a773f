using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Zhifu.Tests.Infrastructure;
using static Zhifu.Tests.Hosting.OperatorApiTests;
using static Zhifu.Tests.MerchantApi.MerchantKit;

namespace Zhifu.Tests.MerchantApi;

/// <summary>MER-6 platform key rotation without downtime, and PAY-5's callback outbox that operators inspect and send again.</summary>
public sealed class PlatformOperationsTests
{
    [Fact]
    public async Task Platform_key_rotation_publishes_first_switches_signing_then_retires_the_old_key()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        using var ops = await OperatorSignIn.AsAsync(server.Client(), "operations");
        await AssertProblemAsync(await (await OperatorSignIn.AsAsync(server.Client(), "risk"))
            .PostAsync("/api/ops/platform-keys", null, Ct), 403, "OPS_ROLE_FORBIDDEN");
        var keys = await (await ops.PostAsync("/api/ops/platform-keys", null, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(2, keys.GetArrayLength());
        var old = keys[0].GetProperty("keyId").GetString()!;
        var next = keys[1];
        Assert.True(keys[0].GetProperty("active").GetBoolean());

        // published, not yet signing: the merchant's SDK, configured with the old key only, still verifies every answer
        var query = await merchant.SendAsync(HttpMethod.Get, $"/v3/pay/transactions/out-trade-no/NOPE00001?mchid={merchant.MchId}");
        Assert.Equal(old, query.Response.Headers.GetValues("Wechatpay-Serial").Single());

        var nextId = next.GetProperty("keyId").GetString()!;
        Assert.Equal(200, (int)(await ops.PostAsync($"/api/ops/platform-keys/{nextId}/activate", null, Ct)).StatusCode);
        using var nextKey = RSA.Create();
        nextKey.ImportFromPem(next.GetProperty("publicKeyPem").GetString());
        MerchantSigner Rotated() => new(server.BaseAddress, merchant.MchId,
            File.ReadAllText(Path.Combine(server.Database.Directory, "demo", "merchant", "serial")), ImportPrivate(server), nextKey,
            nextId, merchant.ApiV3Key);
        var rotated = Rotated();
        var answer = await rotated.SendAsync(HttpMethod.Get,
            $"/v3/pay/transactions/out-trade-no/NOPE00002?mchid={merchant.MchId}"); // verifies with the new key
        Assert.Equal(nextId, answer.Response.Headers.GetValues("Wechatpay-Serial").Single());

        await AssertProblemAsync(await ops.DeleteAsync($"/api/ops/platform-keys/{nextId}", Ct), 409, "PLATFORM_KEY_NOT_RETIRABLE");
        var left = await (await ops.DeleteAsync($"/api/ops/platform-keys/{old}", Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(nextId, left.EnumerateArray().Single().GetProperty("keyId").GetString());

        // the ring is on disk: a restarted server signs with the new key
        await server.RestartAsync();
        var after = await Rotated().SendAsync(HttpMethod.Get, $"/v3/pay/transactions/out-trade-no/NOPE00003?mchid={merchant.MchId}");
        Assert.Equal(nextId, after.Response.Headers.GetValues("Wechatpay-Serial").Single());
    }

    [Fact]
    public async Task A_failing_callback_is_visible_in_the_outbox_and_an_operator_sends_it_again_at_once()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        using var notify = new NotifyReceiver();
        notify.Answers.Enqueue(503);
        notify.Answers.Enqueue(204);
        await RefundFlowTests.PaidOrderAsync(server, merchant, "OUTBOX-0001", 100, notify.Url);
        await notify.NextAsync(TimeSpan.FromSeconds(10)); // answered 503: the next try is 15 s away
        using var service = await OperatorSignIn.AsAsync(server.Client(), "service");
        JsonElement row = default;
        for (var i = 0; i < 50 && row.ValueKind == JsonValueKind.Undefined; i++)
        {
            var list = await service.GetFromJsonAsync<JsonElement>(
                $"/api/ops/merchant-notifications?mchid={merchant.MchId}&status=pending", Ct);
            row = list.EnumerateArray().FirstOrDefault(n => n.GetProperty("attempts").GetInt32() == 1);
            await Task.Delay(100, Ct);
        }
        Assert.Equal("HTTP 503", row.GetProperty("lastError").GetString());
        await AssertProblemAsync(await (await OperatorSignIn.AsAsync(server.Client(), "finance"))
            .PostAsync($"/api/ops/merchant-notifications/{row.GetProperty("id").GetGuid()}/resend", null, Ct), 403, "OPS_ROLE_FORBIDDEN");
        var started = DateTime.UtcNow;
        Assert.Equal(202, (int)(await service.PostAsync(
            $"/api/ops/merchant-notifications/{row.GetProperty("id").GetGuid()}/resend", null, Ct)).StatusCode);
        var again = await notify.NextAsync(TimeSpan.FromSeconds(10));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10)); // sent at once, not on the 15-second schedule
        Assert.Equal("TRANSACTION.SUCCESS", JsonDocument.Parse(again.Body).RootElement.GetProperty("event_type").GetString());
        await AssertProblemAsync(await service.GetAsync("/api/ops/merchant-notifications?limit=500", Ct), 400, "INVALID_LIMIT");
    }

    private static RSA ImportPrivate(ZhifuTestServer server)
    {
        var key = RSA.Create();
        key.ImportFromPem(File.ReadAllText(Path.Combine(server.Database.Directory, "demo", "merchant", "apiclient_key.pem"),
            Encoding.ASCII));
        return key;
    }
}
