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
    public async Task PAY5_a_merchant_whose_endpoint_is_silent_holds_its_own_share_of_the_callback_slots_not_everyones()
    {
        // A merchant's endpoint accepts connections and never answers; its 20 callbacks are due before anyone else's. They
        // take their share of the 8 slots for the 30 s timeout — not all of them: another merchant's callback goes out at once.
        await using var server = await ZhifuTestServer.StartAsync(null, "--Payments:NotifyTimeoutSeconds=30");
        var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start(64);
        try
        {
            var url = $"http://127.0.0.1:{((System.Net.IPEndPoint)silent.LocalEndpoint).Port}/notify";
            await using (var db = server.Database.Options.CreateContext())
            {
                var due = DateTimeOffset.UtcNow.AddMinutes(-1);
                for (var i = 0; i < 20; i++)
                {
                    db.Add(new Zhifu.Data.Entities.PaymentNotificationRow
                    {
                        Id = Guid.CreateVersion7(), RecordId = Guid.CreateVersion7(), MchId = "1999999999", EventType = "TRANSACTION.SUCCESS",
                        Url = url, Body = "{}", Status = "pending", NextAttemptAt = due, CreatedAt = due,
                    });
                }
                await db.SaveChangesAsync(Ct);
            }
            var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
            using var notify = new NotifyReceiver();
            await RefundFlowTests.PaidOrderAsync(server, merchant, "ORDER-fair-01", 100, notify.Url);

            var callback = await notify.NextAsync(TimeSpan.FromSeconds(10)); // not after the silent ones' 30 s
            Assert.Contains("TRANSACTION.SUCCESS", callback.Body, StringComparison.Ordinal);
            // with nobody else due, the silent merchant had more than its own share (2), never the last share: 3 to 6 of the 8
            // (how many depends on whether the other merchant's callback was already due when the round ran)
            await Task.Delay(300, Ct);
            var connected = new List<System.Net.Sockets.TcpClient>();
            while (silent.Pending())
            {
                connected.Add(await silent.AcceptTcpClientAsync(Ct));
            }
            Assert.InRange(connected.Count, 3, 6);
            connected.ForEach(c => c.Dispose());
        }
        finally
        {
            silent.Stop();
        }
    }

    [Fact]
    public async Task PAY5_a_resend_while_the_last_attempt_is_under_way_is_not_undone_by_that_attempt()
    {
        await using var server = await ZhifuTestServer.StartAsync(null, "--Payments:NotifyTimeoutSeconds=2");
        var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start(8);
        try
        {
            var row = new Zhifu.Data.Entities.PaymentNotificationRow
            {
                Id = Guid.CreateVersion7(), RecordId = Guid.CreateVersion7(), MchId = "1230000109", EventType = "TRANSACTION.SUCCESS",
                Url = $"http://127.0.0.1:{((System.Net.IPEndPoint)silent.LocalEndpoint).Port}/notify", Body = "{}", Status = "pending",
                Attempts = 16, NextAttemptAt = DateTimeOffset.UtcNow.AddMinutes(-1), CreatedAt = DateTimeOffset.UtcNow.AddDays(-1),
            };
            await using (var db = server.Database.Options.CreateContext())
            {
                db.Add(row); // its last attempt is due
                await db.SaveChangesAsync(Ct);
            }
            for (var waited = 0; !silent.Pending() && waited < 200; waited++)
            {
                await Task.Delay(25, Ct); // until that attempt is connected and waiting for an answer
            }
            Assert.True(silent.Pending(), "the last attempt did not start");

            using var service = await OperatorSignIn.AsAsync(server.Client(), "service");
            Assert.Equal(202, (int)(await service.PostAsync($"/api/ops/merchant-notifications/{row.Id}/resend", null, Ct)).StatusCode);
            await Task.Delay(TimeSpan.FromSeconds(3), Ct); // past the 2 s the old attempt can still take to record itself

            await using (var db = server.Database.Options.CreateContext())
            {
                var after = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
                    db.Set<Zhifu.Data.Entities.PaymentNotificationRow>(), n => n.Id == row.Id, Ct);
                Assert.Equal("pending", after.Status); // sent again from the start, not left "failed" by the old attempt
                Assert.True(after.Attempts <= 1, $"{after.Attempts} attempts"); // (its new first attempt has ended meanwhile, or not)
            }
        }
        finally
        {
            silent.Stop();
        }
    }

    [Fact]
    public async Task A_failing_callback_is_visible_in_the_outbox_and_an_operator_sends_it_again_at_once()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        using var notify = new NotifyReceiver();
        using var service = await OperatorSignIn.AsAsync(server.Client(), "service");
        var (_, row) = await FailedCallbackAsync(server, merchant, notify, service, "OUTBOX-0001");
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

    [Fact]
    public async Task PAY5_a_callback_still_due_when_the_merchant_resets_its_apiv3_key_arrives_sealed_under_the_new_key()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        using var notify = new NotifyReceiver();
        using var service = await OperatorSignIn.AsAsync(server.Client(), "service");
        var (first, _) = await FailedCallbackAsync(server, merchant, notify, service, "RESEAL-0001"); // sealed under the key of the time
        var id = JsonDocument.Parse(first.Body).RootElement.GetProperty("id").GetString()!;

        // the merchant's admin resets the APIv3 key (MER-6) while the callback waits for its retry
        var admin = server.Client();
        (await MerchantStaffSignIn.LoginAsync(admin, "cafe-admin", "Shop@2026", Ct)).EnsureSuccessStatusCode();
        var reset = await admin.PostAsync("/api/merchant/credentials/apiv3-key", null, Ct);
        Assert.Equal(200, (int)reset.StatusCode);
        var newKey = Encoding.ASCII.GetBytes((await reset.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("apiV3Key").GetString()!);
        Assert.Equal(202, (int)(await service.PostAsync($"/api/ops/merchant-notifications/{id}/resend", null, Ct)).StatusCode);
        var again = await notify.NextAsync(TimeSpan.FromSeconds(10));

        // the same event, signed by the platform, readable with the new key only; the first was readable with the old only
        var envelope = JsonDocument.Parse(again.Body).RootElement;
        Assert.Equal(id, envelope.GetProperty("id").GetString());
        Assert.True(merchant.VerifyPlatform(NativePaymentFlowTests.ToHeaders(again.Headers), again.Body));
        var resource = JsonDocument.Parse(Open(newKey, envelope.GetProperty("resource"))!).RootElement;
        Assert.Equal("RESEAL-0001", resource.GetProperty("out_trade_no").GetString());
        Assert.Equal("SUCCESS", resource.GetProperty("trade_state").GetString());
        Assert.Null(Open(merchant.ApiV3Key, envelope.GetProperty("resource")));
        var firstResource = JsonDocument.Parse(first.Body).RootElement.GetProperty("resource");
        Assert.Null(Open(newKey, firstResource));
        Assert.NotNull(Open(merchant.ApiV3Key, firstResource));
    }

    /// <summary>
    /// A paid order whose first callback the merchant answered 503 (the next try 15 s away; the one after is answered 204),
    /// once that attempt is recorded in the outbox: the callback as received, and its outbox row as the operator sees it.
    /// </summary>
    private static async Task<((System.Net.WebHeaderCollection Headers, string Body) Callback, JsonElement Row)> FailedCallbackAsync(
        ZhifuTestServer server, MerchantSigner merchant, NotifyReceiver notify, HttpClient service, string outTradeNo)
    {
        notify.Answers.Enqueue(503);
        notify.Answers.Enqueue(204);
        await RefundFlowTests.PaidOrderAsync(server, merchant, outTradeNo, 100, notify.Url);
        var callback = await notify.NextAsync(TimeSpan.FromSeconds(10));
        JsonElement row = default;
        for (var i = 0; i < 50 && row.ValueKind == JsonValueKind.Undefined; i++)
        {
            var list = await service.GetFromJsonAsync<JsonElement>(
                $"/api/ops/merchant-notifications?mchid={merchant.MchId}&status=pending", Ct);
            row = list.EnumerateArray().FirstOrDefault(n => n.GetProperty("attempts").GetInt32() == 1);
            await Task.Delay(100, Ct);
        }
        return (callback, row);
    }

    /// <summary>A callback resource opened with an APIv3 key as a merchant's SDK does (AEAD_AES_256_GCM), or null when it cannot be.</summary>
    private static string? Open(byte[] apiV3Key, JsonElement resource)
    {
        var sealedBytes = Convert.FromBase64String(resource.GetProperty("ciphertext").GetString()!);
        var plain = new byte[sealedBytes.Length - 16];
        try
        {
            using var aes = new AesGcm(apiV3Key, 16);
            aes.Decrypt(Encoding.ASCII.GetBytes(resource.GetProperty("nonce").GetString()!), sealedBytes.AsSpan(0, plain.Length),
                sealedBytes.AsSpan(plain.Length), plain, Encoding.UTF8.GetBytes(resource.GetProperty("associated_data").GetString()!));
            return Encoding.UTF8.GetString(plain);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    private static RSA ImportPrivate(ZhifuTestServer server)
    {
        var key = RSA.Create();
        key.ImportFromPem(File.ReadAllText(Path.Combine(server.Database.Directory, "demo", "merchant", "apiclient_key.pem"),
            Encoding.ASCII));
        return key;
    }
}
