using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core.Banking;
using Zhifu.Data.Entities;
using Zhifu.Server.Lifecycle;
using static Zhifu.Tests.Hosting.OperatorApiTests;
using static Zhifu.Tests.Lifecycle.LifecycleClient;

namespace Zhifu.Tests.Lifecycle;

/// <summary>SEC-2, ACC-8: operators find wallets by phone or ID number through the blind index and see them masked.</summary>
public sealed class UserSearchTests : IAsyncLifetime
{
    private ClockedServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await ClockedServer.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Operators_find_a_wallet_by_phone_or_id_number_masked_with_its_restrictions_and_the_search_is_audited()
    {
        const string IdNumber = "11010519491231002X";
        var phone = NewPhone();
        var (wallet, userId) = await OpenWalletAsync(_server, phone);
        await RealNameAsync(_server, userId, "周九", IdNumber);
        (await wallet.PostAsync("/api/wallet/me/freeze", null, Ct)).EnsureSuccessStatusCode();

        foreach (var role in new[] { "service", "operations", "risk", "audit" })
        {
            using var ops = await OperatorAsync(_server, role);
            var byPhone = await FoundUsersAsync(ops, phone: phone);
            var user = Assert.Single(byPhone.EnumerateArray());
            Assert.Equal(userId, user.GetProperty("userId").GetGuid());
            Assert.Equal(phone[..3] + "****" + phone[^4..], user.GetProperty("phone").GetString());
            Assert.Equal("周*", user.GetProperty("name").GetString());
            Assert.Equal("1****************X", user.GetProperty("idNumber").GetString());
            var restriction = Assert.Single(user.GetProperty("restrictions").EnumerateArray());
            Assert.Equal("ACCOUNT_FROZEN_BY_HOLDER", restriction.GetProperty("restriction").GetProperty("code").GetString());
            Assert.Equal("holder", restriction.GetProperty("createdBy").GetString());

            var byId = await FoundUsersAsync(ops, idNumber: IdNumber.ToLowerInvariant());
            Assert.Equal(userId, Assert.Single(byId.EnumerateArray()).GetProperty("userId").GetGuid());
            var text = byPhone.GetRawText() + byId.GetRawText();
            Assert.DoesNotContain(phone, text);
            Assert.DoesNotContain(IdNumber, text);
        }
        using var service = await OperatorAsync(_server, "service");
        Assert.Empty((await FoundUsersAsync(service, phone: NewPhone())).EnumerateArray());
        var demo = await FoundUsersAsync(service, phone: DemoCards.WangWu.Phone);
        Assert.True(Assert.Single(demo.EnumerateArray()).GetProperty("restrictions").GetArrayLength() == 0);

        await using var db = _server.Database.Options.CreateContext();
        var searches = await db.Set<AuditRow>().Where(a => a.Action == "user.search").Select(a => a.Target).ToListAsync(Ct);
        Assert.Equal(10, searches.Count);
        Assert.All(searches, s => Assert.DoesNotContain(phone, s));
    }

    [Fact]
    public async Task Bad_searches_get_a_stable_code_and_write_nothing()
    {
        var (wallet, _) = await OpenWalletAsync(_server, NewPhone());
        using var service = await OperatorAsync(_server, "service");
        using var finance = await OperatorAsync(_server, "finance");
        var before = await WrittenRowsAsync(_server);

        await AssertProblemAsync(await SearchUsersAsync(service), 400, "SEARCH_KEY_REQUIRED");
        await AssertProblemAsync(await SearchUsersAsync(service, NewPhone(), "11010519491231002X"),
            400, "SEARCH_KEY_REQUIRED");
        await AssertProblemAsync(await SearchUsersAsync(service, phone: "138-0013-8001"), 400, "INVALID_PHONE");
        await AssertProblemAsync(await SearchUsersAsync(service, idNumber: "110105198503123011"), 400, "INVALID_ID_NUMBER");
        await AssertProblemAsync(await SearchUsersAsync(service, idNumber: new string('1', 4000)), 400, "INVALID_ID_NUMBER");
        await AssertProblemAsync(await SearchUsersAsync(finance, DemoCards.ZhangSan.Phone), 403, "OPS_ROLE_FORBIDDEN");
        await AssertProblemAsync(await SearchUsersAsync(wallet, DemoCards.ZhangSan.Phone),
            401, "OPS_SIGN_IN_REQUIRED");
        using var malformed = new StringContent("{\"phone\": ", System.Text.Encoding.UTF8, "application/json");
        await AssertProblemAsync(await service.PostAsync("/api/ops/users/search", malformed, Ct), 400, "INVALID_REQUEST");
        // ACC-8: the key never travels in an address — the former GET finds nobody
        using var byAddress = await service.GetAsync($"/api/ops/users?phone={DemoCards.ZhangSan.Phone}", Ct);
        Assert.False(byAddress.IsSuccessStatusCode);
        Assert.DoesNotContain("138****", await byAddress.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        Assert.Equal(before, await WrittenRowsAsync(_server));
    }

    [Fact]
    public async Task The_guard_names_the_most_decisive_restriction_and_knows_no_stranger()
    {
        var phone = NewPhone();
        var (wallet, userId) = await OpenWalletAsync(_server, phone);
        Assert.Null(await GuardAsync(_server, userId, Business.NonCounterOut));
        Assert.Equal("USER_NOT_FOUND", await GuardAsync(_server, Guid.CreateVersion7(), Business.NonCounterOut));

        (await wallet.PostAsync("/api/wallet/me/freeze", null, Ct)).EnsureSuccessStatusCode();
        using var risk = await OperatorAsync(_server, "risk");
        (await risk.PostAsJsonAsync($"/api/ops/accounts/{userId}/freeze", new { reason = "风险 risk" }, Ct)).EnsureSuccessStatusCode();
        Assert.Equal("ACCOUNT_FROZEN_BY_OPERATOR", await GuardAsync(_server, userId, Business.NonCounterOut));
        (await CarrierEventAsync(_server, phone, "cancel", _server.Clock.UtcNow)).EnsureSuccessStatusCode();
        Assert.Equal("ACCOUNT_NUMBER_DETACHED", await GuardAsync(_server, userId, Business.NonCounterOut));

        using var service = await OperatorAsync(_server, "service");
        var found = await FoundUsersAsync(service, phone: phone);
        var codes = Assert.Single(found.EnumerateArray()).GetProperty("restrictions").EnumerateArray()
            .Select(r => r.GetProperty("restriction").GetProperty("code").GetString()).ToList();
        Assert.Equal(["ACCOUNT_NUMBER_DETACHED", "ACCOUNT_FROZEN_BY_OPERATOR", "ACCOUNT_FROZEN_BY_HOLDER"], codes);
    }
}
