using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Data.Entities;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Security;
using static Zhifu.Tests.Hosting.OperatorApiTests;
using static Zhifu.Tests.Lifecycle.LifecycleClient;

namespace Zhifu.Tests.Lifecycle;

/// <summary>ACC-5, RISK-3: the involved-account list and its penalties, kept by risk operators.</summary>
public sealed class InvolvedListTests : IAsyncLifetime
{
    private ClockedServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await ClockedServer.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task<JsonElement> ListAsync(HttpClient risk, object listing)
    {
        var response = await risk.PostAsJsonAsync("/api/ops/involved-accounts", listing, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Fact]
    public async Task An_involved_account_has_all_business_suspended_until_it_is_removed()
    {
        var (wallet, userId) = await OpenWalletAsync(_server, NewPhone());
        using var risk = await OperatorAsync(_server, "risk");
        var entry = await ListAsync(risk,
            new { category = "involved", userId, reason = "电信诈骗涉案 fraud case 2026-0917", source = "police-notice" });
        Assert.True(entry.GetProperty("active").GetBoolean());

        foreach (var kind in new[] { Business.NonCounterOut, Business.NonCounterIn, Business.CounterOut, Business.CounterIn })
        {
            Assert.Equal("ACCOUNT_INVOLVED_LISTED", await GuardAsync(_server, userId, kind));
        }
        var view = await RestrictionsAsync(wallet);
        Assert.Equal("ACCOUNT_INVOLVED_LISTED", view.GetProperty("restrictions")[0].GetProperty("code").GetString());
        Assert.False(view.GetProperty("restrictions")[0].GetProperty("counterBusinessAllowed").GetBoolean());

        // Freezes stack under it; the most decisive restriction is named.
        (await wallet.PostAsync("/api/wallet/me/freeze", null, Ct)).EnsureSuccessStatusCode();
        Assert.Equal("ACCOUNT_INVOLVED_LISTED", await GuardAsync(_server, userId, Business.NonCounterOut));

        var id = entry.GetProperty("id").GetGuid();
        var removal = new HttpRequestMessage(HttpMethod.Delete, $"/api/ops/involved-accounts/{id}")
        {
            Content = JsonContent.Create(new { reason = "公安解除 released by the police" }),
        };
        Assert.Equal(HttpStatusCode.OK, (await risk.SendAsync(removal, Ct)).StatusCode);
        Assert.Equal("ACCOUNT_FROZEN_BY_HOLDER", await GuardAsync(_server, userId, Business.NonCounterOut));

        using var audit = await OperatorAsync(_server, "audit");
        var all = await audit.GetFromJsonAsync<JsonElement>("/api/ops/involved-accounts?active=false", Ct);
        var removed = all.EnumerateArray().Single(e => e.GetProperty("id").GetGuid() == id);
        Assert.False(removed.GetProperty("active").GetBoolean());
        Assert.Equal("ops:risk", removed.GetProperty("removedBy").GetString());
        Assert.Empty((await audit.GetFromJsonAsync<JsonElement>("/api/ops/involved-accounts", Ct)).EnumerateArray());
        Assert.Null((await _server.Services.GetRequiredService<AuditLog>().VerifyAsync(Ct)).BrokenAt);
    }

    [Fact]
    public async Task An_account_seller_loses_non_counter_business_for_five_years_and_new_accounts_for_three()
    {
        var phone = NewPhone();
        var (wallet, userId) = await OpenWalletAsync(_server, phone, device: "seller-phone-imei-1");
        using var risk = await OperatorAsync(_server, "risk");
        await ListAsync(risk, new { category = "sold", userId, reason = "出售账户 sold the wallet on a forum", source = "internal-risk" });

        Assert.Equal("ACCOUNT_NON_COUNTER_SUSPENDED", await GuardAsync(_server, userId, Business.NonCounterOut));
        Assert.Equal("ACCOUNT_NON_COUNTER_SUSPENDED", await GuardAsync(_server, userId, Business.NonCounterIn));
        Assert.Null(await GuardAsync(_server, userId, Business.CounterOut)); // the counter can still pay the holder out
        Assert.True((await RestrictionsAsync(wallet)).GetProperty("restrictions")[0].GetProperty("counterBusinessAllowed").GetBoolean());

        // The penalty follows the person: a new number from the same device is refused (through WalletAccounts.OpenAsync).
        var client = _server.Client();
        var another = NewPhone();
        (await client.PostAsJsonAsync("/api/wallet/otp", new { phone = another, purpose = "open-account" }, Ct)).EnsureSuccessStatusCode();
        var refused = await client.PostAsJsonAsync("/api/wallet/accounts", new
        {
            phone = another, otp = await LatestCodeAsync(_server, another), loginPassword = "Passw0rd!x", agreementVersion = "2026-11",
            acceptAgreement = true, deviceId = "seller-phone-imei-1",
        }, Ct);
        await AssertProblemAsync(refused, 403, "OPENING_REFUSED_INVOLVED");
        await using (var db = _server.Database.Options.CreateContext())
        {
            var index = _server.Services.GetRequiredService<PersonalData>().BlindIndex(another, PersonalData.Phone);
            Assert.False(await db.Set<UserRow>().AnyAsync(u => u.PhoneIndex == index, Ct));
        }

        // Three years on: new accounts allowed again, non-counter business still suspended; five years on, all back.
        _server.Clock.Advance(TimeSpan.FromDays(3 * 366));
        var screen = _server.Services.GetRequiredService<IOpeningScreen>();
        Assert.Null(await screen.RefusalAsync(new OpeningSubject(NewPhone(), null, "seller-phone-imei-1"), Ct));
        Assert.Equal("ACCOUNT_NON_COUNTER_SUSPENDED", await GuardAsync(_server, userId, Business.NonCounterOut));
        _server.Clock.Advance(TimeSpan.FromDays(2 * 366));
        Assert.Null(await GuardAsync(_server, userId, Business.NonCounterOut));
    }

    [Fact]
    public async Task ACC5_ACC6_a_listing_of_a_wallets_holder_does_not_pass_with_the_number_to_its_next_holder()
    {
        // The listed person's penalty follows them (ID, device, this wallet); their number, once the carrier gave it to someone
        // else, does not refuse the new holder's wallet nor suspend it.
        var phone = NewPhone();
        var (_, sellerId) = await OpenWalletAsync(_server, phone);
        using var risk = await OperatorAsync(_server, "risk");
        await ListAsync(risk, new { category = "sold", userId = sellerId, reason = "出售账户 sold the wallet", source = "internal-risk" });
        var screen = _server.Services.GetRequiredService<IOpeningScreen>();
        Assert.Equal("OPENING_REFUSED_INVOLVED", (await screen.RefusalAsync(new OpeningSubject(phone, null, null), Ct))?.Code);

        _server.Clock.Advance(TimeSpan.FromDays(90));
        Assert.Equal(HttpStatusCode.Accepted, (await CarrierEventAsync(_server, phone, "transfer", _server.Clock.UtcNow.AddDays(-1))).StatusCode);
        Assert.Null(await screen.RefusalAsync(new OpeningSubject(phone, null, null), Ct));
        var (_, newHolderId) = await OpenWalletAsync(_server, phone, device: "the-new-holders-own-phone");
        Assert.Null(await GuardAsync(_server, newHolderId, Business.NonCounterOut));
        Assert.Equal("ACCOUNT_NUMBER_DETACHED", await GuardAsync(_server, sellerId, Business.NonCounterOut)); // the seller's stays restricted
    }

    [Fact]
    public async Task A_person_listed_by_id_number_or_phone_is_refused_new_accounts_and_the_subject_is_never_stored_in_clear()
    {
        const string IdNumber = "11010519491231002X";
        var (_, userId) = await OpenWalletAsync(_server, NewPhone());
        await RealNameAsync(_server, userId, "孙八", IdNumber);
        var listedPhone = NewPhone();
        using var risk = await OperatorAsync(_server, "risk");
        var byId = await ListAsync(risk,
            new { category = "false-identity", idNumber = IdNumber, reason = "冒名开户 forged ID", source = "bank-association" });
        Assert.Equal("1****************X", byId.GetProperty("subject").GetString());
        await ListAsync(risk, new { category = "rented-out", phone = listedPhone, reason = "出租账户 rented out", source = "police-notice",
            expiresAt = _server.Clock.UtcNow.AddYears(1) });

        Assert.Equal("ACCOUNT_NON_COUNTER_SUSPENDED", await GuardAsync(_server, userId, Business.NonCounterOut));
        var screen = _server.Services.GetRequiredService<IOpeningScreen>();
        Assert.Equal("OPENING_REFUSED_INVOLVED", (await screen.RefusalAsync(new OpeningSubject(NewPhone(), IdNumber, null), Ct))?.Code);
        var client = _server.Client();
        (await client.PostAsJsonAsync("/api/wallet/otp", new { phone = listedPhone, purpose = "open-account" },
            Ct)).EnsureSuccessStatusCode();
        await client.RefusedAsync("/api/wallet/accounts", new
        {
            phone = listedPhone, otp = await LatestCodeAsync(_server,
                listedPhone), loginPassword = "Passw0rd!x", agreementVersion = "2026-11",
            acceptAgreement = true,
        }, 403, "OPENING_REFUSED_INVOLVED");

        // The entry's own expiry (one year) ends the phone's refusal before the three regulatory years.
        _server.Clock.Advance(TimeSpan.FromDays(367));
        Assert.Null(await screen.RefusalAsync(new OpeningSubject(listedPhone, null, null), Ct));
        Assert.NotNull(await screen.RefusalAsync(new OpeningSubject(NewPhone(), IdNumber, null), Ct));

        // ACC-8: no column of the list holds the phone or the ID number in clear.
        await using var db = _server.Database.Options.CreateContext();
        foreach (var e in await db.Set<InvolvedAccountEntryRow>().AsNoTracking().ToListAsync(Ct))
        {
            var text = string.Join("|", e.SubjectMasked, e.Reason, e.Source, e.ListedBy, Encoding.UTF8.GetString(e.PhoneIndex ?? []),
                Encoding.UTF8.GetString(e.IdNumberIndex ?? []));
            Assert.DoesNotContain(listedPhone, text);
            Assert.DoesNotContain(IdNumber[..17], text);
        }
    }

    [Fact]
    public async Task Bad_list_requests_get_a_stable_code_and_write_nothing()
    {
        var (wallet, userId) = await OpenWalletAsync(_server, NewPhone());
        using var risk = await OperatorAsync(_server, "risk");
        using var service = await OperatorAsync(_server, "service");
        var before = await WrittenRowsAsync(_server);
        var ok = new { category = "involved", userId, reason = "r", source = "s" };

        async Task Refused(object body, int status, string code) =>
            await AssertProblemAsync(await risk.PostAsJsonAsync("/api/ops/involved-accounts", body, Ct), status, code);
        await Refused(new { userId, reason = "r", source = "s" }, 400, "INVALID_CATEGORY");
        await Refused(new { category = "stolen", userId, reason = "r", source = "s" }, 400, "INVALID_CATEGORY");
        await Refused(new { category = "involved", reason = "r", source = "s" }, 400, "SUBJECT_REQUIRED");
        await Refused(new { category = "sold", userId, phone = NewPhone(), reason = "r", source = "s" }, 400, "SUBJECT_REQUIRED");
        await Refused(new { category = "sold", phone = "1380013800", reason = "r", source = "s" }, 400, "INVALID_PHONE");
        await Refused(new { category = "sold", idNumber = "110105198503123011", reason = "r", source = "s" }, 400, "INVALID_ID_NUMBER");
        await Refused(new { category = "involved", deviceId = "imei-1", reason = "r", source = "s" }, 400, "DEVICE_NEEDS_PERSON_CATEGORY");
        await Refused(new { category = "sold", deviceId = new string('d', 65), reason = "r", source = "s" }, 400, "INVALID_REQUEST");
        await Refused(new { category = "involved", userId, source = "s" }, 400, "REASON_REQUIRED");
        await Refused(new { category = "involved", userId, reason = "r" }, 400, "SOURCE_REQUIRED");
        await Refused(new { category = "involved", userId, reason = "r", source = new string('s', 65) }, 400, "SOURCE_REQUIRED");
        await Refused(new { category = "involved", userId, reason = "r", source = "s", expiresAt = _server.Clock.UtcNow.AddDays(-1) },
            400, "EXPIRY_IN_PAST");
        await Refused(new { category = "involved", userId = Guid.CreateVersion7(), reason = "r", source = "s" }, 404, "USER_NOT_FOUND");
        await risk.RefusedAsync("/api/ops/involved-accounts", Json("{\"category\":\"involved\",\"userId\":\"nope\"}"),
            400, "INVALID_REQUEST");
        await risk.RefusedAsync("/api/ops/involved-accounts", Json("{\"category\":\"involved\",\"expiresAt\":7}"), 400, "INVALID_REQUEST");
        await risk.RefusedAsync("/api/ops/involved-accounts", Json("{\"reason\":\"" + new string('r', 70_000) + "\"}"),
            413, "PAYLOAD_TOO_LARGE");
        await service.RefusedAsync("/api/ops/involved-accounts", ok, 403, "OPS_ROLE_FORBIDDEN");
        await wallet.RefusedAsync("/api/ops/involved-accounts", ok, 401, "OPS_SIGN_IN_REQUIRED");
        await AssertProblemAsync(await service.GetAsync("/api/ops/involved-accounts", Ct), 403, "OPS_ROLE_FORBIDDEN");
        await AssertProblemAsync(await risk.GetAsync("/api/ops/involved-accounts?limit=many", Ct), 400, "INVALID_REQUEST");
        await AssertProblemAsync(await risk.GetAsync("/api/ops/involved-accounts?active=perhaps", Ct), 400, "INVALID_REQUEST");

        async Task<HttpResponseMessage> Remove(string id, object? body) => await risk.SendAsync(
            new HttpRequestMessage(HttpMethod.Delete,
                $"/api/ops/involved-accounts/{id}") { Content = body is null ? null : JsonContent.Create(body) }, Ct);
        await AssertProblemAsync(await Remove(Guid.CreateVersion7().ToString(), new { reason = "r" }), 404, "INVOLVED_ENTRY_NOT_FOUND");
        await AssertProblemAsync(await Remove("42", new { reason = "r" }), 400, "INVALID_REQUEST");
        await AssertProblemAsync(await Remove(Guid.CreateVersion7().ToString(), new { }), 400, "REASON_REQUIRED");
        await AssertProblemAsync(await Remove(Guid.CreateVersion7().ToString(), null), 400, "INVALID_REQUEST");

        Assert.Equal(before, await WrittenRowsAsync(_server));
        Assert.Null(await GuardAsync(_server, userId, Business.NonCounterOut));

        var entry = await ListAsync(risk, ok);
        var id = entry.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await Remove(id, new { reason = "mistake" })).StatusCode);
        await AssertProblemAsync(await Remove(id, new { reason = "again" }), 409, "INVOLVED_ENTRY_ALREADY_REMOVED");
    }
}
