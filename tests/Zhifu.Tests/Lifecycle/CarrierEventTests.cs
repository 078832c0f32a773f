using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Data.Entities;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Security;
using static Zhifu.Tests.Hosting.OperatorApiTests;
using static Zhifu.Tests.Lifecycle.LifecycleClient;

namespace Zhifu.Tests.Lifecycle;

/// <summary>ACC-6: the number passes to another person (过户) or is cancelled (销号) — the wallet never passes with it.</summary>
public sealed class CarrierEventTests : IAsyncLifetime
{
    private ClockedServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await ClockedServer.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task A_transferred_number_detaches_the_wallet_the_new_holder_opens_a_fresh_one_and_the_old_holder_recovers_at_the_counter()
    {
        var phone = NewPhone();
        var (oldWallet, oldUserId) = await OpenWalletAsync(_server, phone);
        var cipherBefore = (await UserAsync(_server, oldUserId)).PhoneCipher;
        _server.Clock.Advance(TimeSpan.FromMinutes(1));

        var response = await CarrierEventAsync(_server, phone, "transfer", _server.Clock.UtcNow.AddSeconds(-30));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("detached", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("outcome").GetString());

        var old = await UserAsync(_server, oldUserId);
        Assert.Null(old.PhoneIndex);
        Assert.Equal(cipherBefore, old.PhoneCipher); // the history stays, encrypted
        await AssertProblemAsync(await oldWallet.GetAsync("/api/wallet/me", Ct), 401, "SIGN_IN_REQUIRED");
        await AssertProblemAsync(await LoginAsync(_server, phone), 401, "BAD_CREDENTIALS"); // the new holder can't walk in
        Assert.Equal("ACCOUNT_NUMBER_DETACHED", await GuardAsync(_server, oldUserId, Business.NonCounterIn));
        Assert.Equal("ACCOUNT_NUMBER_DETACHED", await GuardAsync(_server, oldUserId, Business.CounterOut));

        // The number's new holder opens a fresh wallet; the same event delivered again leaves it alone.
        var (newWallet, newUserId) = await OpenWalletAsync(_server, phone);
        Assert.NotEqual(oldUserId, newUserId);
        var repeat = await CarrierEventAsync(_server, phone, "transfer", _server.Clock.UtcNow.AddSeconds(-90));
        Assert.Equal("opened-after-event", (await repeat.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("outcome").GetString());
        Assert.Equal(HttpStatusCode.OK, (await newWallet.GetAsync("/api/wallet/me", Ct)).StatusCode);
        Assert.Null(await GuardAsync(_server, newUserId, Business.NonCounterOut));

        // The old holder finds help at the counter: found by the old number, a new number bound, audited.
        using var service = await OperatorAsync(_server, "service");
        var found = await FoundUsersAsync(service, phone: phone);
        var detached = found.EnumerateArray().Single(u => u.GetProperty("userId").GetGuid() == oldUserId);
        Assert.True(detached.GetProperty("phoneDetached").GetBoolean());
        Assert.Equal("carrier-transfer", detached.GetProperty("formerNumbers")[0].GetProperty("cause").GetString());

        var newPhone = NewPhone();
        await service.RefusedAsync($"/api/ops/accounts/{oldUserId}/rebind-phone", new { phone = newPhone }, 400, "TICKET_REQUIRED");
        await service.RefusedAsync($"/api/ops/accounts/{oldUserId}/rebind-phone", new { phone, ticket = "T-1" },
            409, "PHONE_ALREADY_HAS_WALLET");
        await service.RefusedAsync($"/api/ops/accounts/{newUserId}/rebind-phone", new { phone = newPhone, ticket = "T-1" },
            409, "NUMBER_NOT_DETACHED");
        var rebound = await service.PostAsJsonAsync($"/api/ops/accounts/{oldUserId}/rebind-phone",
            new { phone = newPhone, ticket = "T-20261123-7" }, Ct);
        Assert.Equal(HttpStatusCode.OK, rebound.StatusCode);
        Assert.Null(await GuardAsync(_server, oldUserId, Business.NonCounterOut));
        var back = await SignInAsync(_server, newPhone); // the old login password, on the new number
        Assert.True((await RestrictionsAsync(back)).GetProperty("canTransact").GetBoolean());

        await using var db = _server.Database.Options.CreateContext();
        var actions = await db.Set<AuditRow>().Where(a => a.Target == $"user:{oldUserId}").OrderBy(a => a.Sequence)
            .Select(a => a.Action).ToListAsync(Ct);
        Assert.Equal(["account.number-detached", "account.rebind-phone"], actions);
        Assert.Null((await _server.Services.GetRequiredService<AuditLog>().VerifyAsync(Ct)).BrokenAt);
    }

    [Fact]
    public async Task ACC6_a_late_event_about_a_number_leaves_the_wallet_that_took_the_number_after_it()
    {
        var phone = NewPhone();
        var (_, userId) = await OpenWalletAsync(_server, phone);
        _server.Clock.Advance(TimeSpan.FromDays(30));
        await CarrierEventAsync(_server, phone, "cancel", _server.Clock.UtcNow.AddMinutes(-1));
        var newPhone = NewPhone();
        using (var service = await OperatorAsync(_server, "service"))
        {
            (await service.PostAsJsonAsync($"/api/ops/accounts/{userId}/rebind-phone", new { phone = newPhone, ticket = "T-20261206-1" }, Ct))
                .EnsureSuccessStatusCode();
        }

        // The carrier reports late that the number's previous holder gave it up a week ago — before this wallet took it.
        var late = await CarrierEventAsync(_server, newPhone, "transfer", _server.Clock.UtcNow.AddDays(-7));
        Assert.Equal("opened-after-event", (await late.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("outcome").GetString());
        Assert.Null(await GuardAsync(_server, userId, Business.NonCounterOut));
        Assert.NotNull((await UserAsync(_server, userId)).PhoneIndex);
    }

    [Fact]
    public async Task A_cancelled_number_of_a_real_name_wallet_is_rebound_only_for_the_holders_own_id()
    {
        var phone = NewPhone();
        var (_, userId) = await OpenWalletAsync(_server, phone);
        const string IdNumber = "11010519491231002X";
        await RealNameAsync(_server, userId, "赵六", IdNumber);
        _server.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Accepted, (await CarrierEventAsync(_server, phone, "cancel", _server.Clock.UtcNow)).StatusCode);
        Assert.Equal("ACCOUNT_NUMBER_DETACHED", await GuardAsync(_server, userId, Business.NonCounterOut));
        // Delivered again: no wallet on the number any more, nothing changes.
        var again = await CarrierEventAsync(_server, phone, "cancel", _server.Clock.UtcNow);
        Assert.Equal("no-wallet", (await again.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("outcome").GetString());

        using var operations = await OperatorAsync(_server, "operations");
        var url = $"/api/ops/accounts/{userId}/rebind-phone";
        var newPhone = NewPhone();
        await operations.RefusedAsync(url, new { phone = newPhone, ticket = "T-2" }, 400, "ID_NUMBER_REQUIRED");
        await operations.RefusedAsync(url, new { phone = newPhone, idNumber = "110105198503123010", ticket = "T-2" },
            403, "ID_NUMBER_MISMATCH");
        await operations.RefusedAsync(url, new { phone = newPhone, idNumber = "110105198503123011", ticket = "T-2" },
            400, "INVALID_ID_NUMBER");
        // A lower-case x is the same ID number.
        Assert.Equal(HttpStatusCode.OK,
            (await operations.PostAsJsonAsync(url, new { phone = newPhone, idNumber = IdNumber.ToLowerInvariant(), ticket = "T-2" },
                Ct)).StatusCode);
        Assert.Null(await GuardAsync(_server, userId, Business.NonCounterOut));
    }

    [Fact]
    public async Task Bad_carrier_events_get_a_stable_code_and_write_nothing()
    {
        var phone = NewPhone();
        var (_, userId) = await OpenWalletAsync(_server, phone);
        var before = await WrittenRowsAsync(_server);
        var client = _server.Client();
        var now = _server.Clock.UtcNow;

        await client.RefusedAsync("/api/carrier/events", new { @event = "transfer", occurredAt = now }, 400, "INVALID_PHONE");
        await client.RefusedAsync("/api/carrier/events", new { phone, occurredAt = now }, 400, "INVALID_EVENT");
        await client.RefusedAsync("/api/carrier/events", new { phone, @event = "port-out", occurredAt = now }, 400, "INVALID_EVENT");
        await client.RefusedAsync("/api/carrier/events", new { phone, @event = "cancel" }, 400, "INVALID_EVENT_TIME");
        await AssertProblemAsync(await CarrierEventAsync(_server, phone, "cancel", now.AddHours(1)), 400, "INVALID_EVENT_TIME");
        await client.RefusedAsync("/api/carrier/events", Json($"{{\"phone\":\"{phone}\",\"event\":\"cancel\",\"occurredAt\":\"soon\"}}"),
            400, "INVALID_REQUEST");
        await client.RefusedAsync("/api/carrier/events", Json($"{{\"phone\":{phone},\"event\":\"cancel\"}}"), 400, "INVALID_REQUEST");
        await client.RefusedAsync("/api/carrier/events", Json("{\"phone\":\"" + new string('1', 80_000) + "\"}"), 413, "PAYLOAD_TOO_LARGE");

        using var service = await OperatorAsync(_server, "service");
        await service.RefusedAsync($"/api/ops/accounts/{userId}/rebind-phone", new { phone = "12345", ticket = "T" }, 400, "INVALID_PHONE");
        await service.RefusedAsync($"/api/ops/accounts/{Guid.CreateVersion7()}/rebind-phone",
            new { phone = NewPhone(), ticket = "T" }, 404, "USER_NOT_FOUND");
        await service.RefusedAsync($"/api/ops/accounts/{userId}/rebind-phone",
            new { phone = NewPhone(), ticket = new string('T', 65) }, 400, "TICKET_REQUIRED");
        using var risk = await OperatorAsync(_server, "risk");
        await risk.RefusedAsync($"/api/ops/accounts/{userId}/rebind-phone", new { phone = NewPhone(), ticket = "T" },
            403, "OPS_ROLE_FORBIDDEN");

        Assert.Equal(before, await WrittenRowsAsync(_server));
        Assert.NotNull((await UserAsync(_server, userId)).PhoneIndex);
    }

    [Fact]
    public async Task With_a_carrier_key_configured_only_the_carrier_that_knows_it_is_heard()
    {
        await using var keyed = await ClockedServer.StartAsync("--Carrier:EventKey=carrier-secret-2026");
        var phone = NewPhone();
        var (_, userId) = await OpenWalletAsync(keyed, phone);
        var body = new { phone, @event = "transfer", occurredAt = keyed.Clock.UtcNow };

        await keyed.Client().RefusedAsync("/api/carrier/events", body, 403, "CARRIER_UNTRUSTED");
        var wrong = keyed.Client();
        wrong.DefaultRequestHeaders.Add("X-Carrier-Key", "guess");
        await wrong.RefusedAsync("/api/carrier/events", body, 403, "CARRIER_UNTRUSTED");
        Assert.NotNull((await UserAsync(keyed, userId)).PhoneIndex);

        var carrier = keyed.Client();
        carrier.DefaultRequestHeaders.Add("X-Carrier-Key", "carrier-secret-2026");
        Assert.Equal(HttpStatusCode.Accepted, (await carrier.PostAsJsonAsync("/api/carrier/events", body, Ct)).StatusCode);
        Assert.Null((await UserAsync(keyed, userId)).PhoneIndex);
    }
}
