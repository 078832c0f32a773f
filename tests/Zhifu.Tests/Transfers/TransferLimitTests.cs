using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Banking;
using Zhifu.Data.Entities;
using Zhifu.Tests.Lifecycle;
using static Zhifu.Tests.Hosting.OperatorApiTests;
using static Zhifu.Tests.Lifecycle.LifecycleClient;

namespace Zhifu.Tests.Transfers;

/// <summary>
/// TRF-1 agreed limits (single, daily amount, daily count, yearly), PAY-7 credit levels, ACC-2 class limits on transfers.
/// </summary>
public sealed class TransferLimitTests : IAsyncLifetime
{
    private ClockedServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await TransferKit.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task TRF1_exactly_the_daily_amount_passes_and_one_fen_over_is_refused_naming_what_is_left_and_when_it_resets()
    {
        var (zhang, li) = (await Party.SignInAsync(_server, DemoCards.ZhangSan), await Party.SignInAsync(_server, DemoCards.LiSi));
        await zhang.AgreeLimitsAsync(single: 20_000, daily: 30_000, count: 10, yearly: 1_000_000);
        await zhang.SentAsync(li, 20_000);
        await AssertProblemAsync(await zhang.SendAsync(li, 20_001), 403, "SINGLE_TRANSFER_LIMIT_EXCEEDED");
        await zhang.SentAsync(li, 10_000); // exactly at the daily limit
        var refused = await AssertProblemAsync(await zhang.SendAsync(li, 1), 403, "DAILY_TRANSFER_AMOUNT_EXCEEDED");
        Assert.Equal(("daily-amount", 30_000L, 0L), (refused.GetProperty("limit").GetString(), refused.GetProperty("limitValue").GetInt64(),
            refused.GetProperty("remaining").GetInt64()));
        var resets = DateTimeOffset.Parse(refused.GetProperty("resetsAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal((TimeSpan.FromHours(8), TimeSpan.Zero), (resets.Offset, resets.TimeOfDay)); // the next 00:00 in Asia/Shanghai
        Assert.InRange(resets - _server.Clock.UtcNow, TimeSpan.Zero, TimeSpan.FromDays(1));
        Assert.Contains("剩余 ¥0.00", refused.GetProperty("message_zh").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await zhang.RemainingAsync("daily-amount"));
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task TRF1_a_transfer_revoked_after_the_limit_was_lowered_frees_only_what_the_lowered_limit_leaves()
    {
        var (zhang, li) = (await Party.SignInAsync(_server, DemoCards.ZhangSan), await Party.SignInAsync(_server, DemoCards.LiSi));
        await zhang.AgreeLimitsAsync(single: 20_000, daily: 20_000, count: 10, yearly: 1_000_000);
        var id = (await zhang.SentAsync(li, 20_000, arrival: "24h")).GetProperty("id").GetGuid();
        await zhang.AgreeLimitsAsync(single: 20_000, daily: 5_000, count: 10, yearly: 1_000_000); // lowered while it is held
        Assert.Equal(0, await zhang.RemainingAsync("daily-amount"));

        Assert.Equal(HttpStatusCode.OK, (await zhang.RevokeAsync(id)).StatusCode);
        Assert.Equal(5_000, await zhang.RemainingAsync("daily-amount")); // not the 20,000 the revoked transfer gave back
        var refused = await AssertProblemAsync(await zhang.SendAsync(li, 5_001), 403, "DAILY_TRANSFER_AMOUNT_EXCEEDED");
        Assert.Equal(5_000, refused.GetProperty("remaining").GetInt64());
        await zhang.SentAsync(li, 5_000);

        // raised again: the whole new limit less what was really used
        await zhang.AgreeLimitsAsync(single: 20_000, daily: 20_000, count: 10, yearly: 1_000_000);
        Assert.Equal(15_000, await zhang.RemainingAsync("daily-amount"));
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task TRF1_the_daily_count_allows_exactly_its_number_of_transfers()
    {
        var (zhang, li) = (await Party.SignInAsync(_server, DemoCards.ZhangSan), await Party.SignInAsync(_server, DemoCards.LiSi));
        await zhang.AgreeLimitsAsync(single: 10_000, daily: 100_000, count: 3, yearly: 1_000_000);
        for (var i = 0; i < 3; i++)
        {
            await zhang.SentAsync(li, 100);
        }
        var refused = await AssertProblemAsync(await zhang.SendAsync(li, 100), 403, "DAILY_TRANSFER_COUNT_EXCEEDED");
        Assert.Equal((3L, 0L), (refused.GetProperty("limitValue").GetInt64(), refused.GetProperty("remaining").GetInt64()));
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task TRF1_the_day_starts_afresh_at_midnight_in_Shanghai()
    {
        TransferKit.ToBeforeChinaMidnight(_server, TimeSpan.FromMinutes(1));
        var (zhang, li) = (await Party.SignInAsync(_server, DemoCards.ZhangSan), await Party.SignInAsync(_server, DemoCards.LiSi));
        await zhang.AgreeLimitsAsync(single: 10_000, daily: 1_000, count: 10, yearly: 1_000_000);
        await zhang.SentAsync(li, 1_000);
        await AssertProblemAsync(await zhang.SendAsync(li, 1), 403, "DAILY_TRANSFER_AMOUNT_EXCEEDED");
        _server.Clock.Advance(TimeSpan.FromSeconds(59));
        await AssertProblemAsync(await zhang.SendAsync(li, 1), 403, "DAILY_TRANSFER_AMOUNT_EXCEEDED"); // 23:59:59 still today
        _server.Clock.Advance(TimeSpan.FromSeconds(2));
        await zhang.SentAsync(li, 1_000);
        Assert.Equal(0, await zhang.RemainingAsync("daily-amount"));
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task TRF1_the_yearly_amount_starts_afresh_on_the_first_of_January_in_Shanghai()
    {
        var china = ChinaTime.ToChina(_server.Clock.UtcNow);
        var newYear = new DateTimeOffset(china.Year + 1, 1, 1, 0, 0, 0, TimeSpan.FromHours(8));
        _server.Clock.Advance(newYear - TimeSpan.FromMinutes(1) - _server.Clock.UtcNow);
        var (zhang, li) = (await Party.SignInAsync(_server, DemoCards.ZhangSan), await Party.SignInAsync(_server, DemoCards.LiSi));
        await zhang.AgreeLimitsAsync(single: 10_000, daily: 100_000, count: 10, yearly: 2_000);
        await zhang.SentAsync(li, 2_000);
        var refused = await AssertProblemAsync(await zhang.SendAsync(li, 1), 403, "YEARLY_TRANSFER_AMOUNT_EXCEEDED");
        Assert.StartsWith($"{china.Year + 1}-01-01T00:00:00", refused.GetProperty("resetsAt").GetString(), StringComparison.Ordinal);
        _server.Clock.Advance(TimeSpan.FromMinutes(2));
        await zhang.SentAsync(li, 2_000);
        await AssertProblemAsync(await zhang.SendAsync(li, 1), 403, "YEARLY_TRANSFER_AMOUNT_EXCEEDED");
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task TRF1_concurrent_transfers_can_never_pass_the_daily_limit_together()
    {
        var (zhang, li) = (await Party.SignInAsync(_server, DemoCards.ZhangSan), await Party.SignInAsync(_server, DemoCards.LiSi));
        await zhang.AgreeLimitsAsync(single: 10_000, daily: 10_000, count: 100, yearly: 1_000_000);
        var attempts = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => zhang.SendAsync(li, 1_000)));
        Assert.Equal(10, attempts.Count(a => a.StatusCode == HttpStatusCode.Created));
        foreach (var refused in attempts.Where(a => a.StatusCode != HttpStatusCode.Created))
        {
            await AssertProblemAsync(refused, 403, "DAILY_TRANSFER_AMOUNT_EXCEEDED");
        }
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task ACC2_a_class_one_wallet_transfers_exactly_1000_yuan_since_opening_and_not_one_fen_more()
    {
        var (wang, li) = (await Party.SignInAsync(_server, DemoCards.WangWu), await Party.SignInAsync(_server, DemoCards.LiSi));
        await wang.FundAsync(200_000);
        await wang.SentAsync(li, 60_000);
        await wang.SentAsync(li, 40_000);
        var refused = await AssertProblemAsync(await wang.SendAsync(li, 1), 403, "CLASS_ONE_LIMIT_EXCEEDED");
        Assert.Equal(0, refused.GetProperty("remaining").GetInt64());
        await AssertProblemAsync(await wang.ToCardAsync(await wang.CardTokenAsync("debit"), 1), 403, "CLASS_ONE_LIMIT_EXCEEDED");
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task PAY7_limits_follow_credit_level_and_history_and_operator_changes_are_role_checked_and_audited()
    {
        var (li, zhang) = (await Party.SignInAsync(_server, DemoCards.LiSi), await Party.SignInAsync(_server, DemoCards.ZhangSan));
        var limits = await li.Wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me/transfer-limits", Ct);
        Assert.Equal((1, false, 2_000_000L), (limits.GetProperty("creditLevel").GetInt32(),
            limits.GetProperty("setByOperator").GetBoolean(), limits.GetProperty("dailyAmountFen").GetInt64()));
        for (var i = 0; i < 10; i++)
        {
            await li.SentAsync(zhang, 1);
        }
        _server.Clock.Advance(TimeSpan.FromDays(181)); // a Class Ⅱ wallet with half a year and ten transfers of history
        li = await li.AgainAsync();
        limits = await li.Wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me/transfer-limits", Ct);
        Assert.Equal((2, 10_000_000L), (limits.GetProperty("creditLevel").GetInt32(), limits.GetProperty("dailyAmountFen").GetInt64()));

        using var service = await OperatorAsync(_server, "service");
        var url = $"/api/ops/accounts/{li.UserId}/transfer-limits";
        Assert.Equal(HttpStatusCode.OK, (await service.GetAsync(url, Ct)).StatusCode);
        var forbidden = await service.PutAsJsonAsync(url, new { dailyAmountFen = 1, reason = "x" }, Ct);
        await AssertProblemAsync(forbidden, 403, "OPS_ROLE_FORBIDDEN");
        using var risk = await OperatorAsync(_server, "risk");
        var set = await risk.PutAsJsonAsync(url, new { dailyAmountFen = 5_000, reason = "风险排查 risk review" }, Ct);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var after = await set.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal((true, 5_000L, 5_000_000L), (after.GetProperty("setByOperator").GetBoolean(),
            after.GetProperty("dailyAmountFen").GetInt64(), after.GetProperty("singleAmountFen").GetInt64())); // the rest stays automatic
        await li.SentAsync(zhang, 5_000);
        await AssertProblemAsync(await li.SendAsync(zhang, 1), 403, "DAILY_TRANSFER_AMOUNT_EXCEEDED");
        await using var db = _server.Database.Options.CreateContext();
        var audit = await db.Set<AuditRow>().AsNoTracking().Where(a => a.Action == "transfer-limits.set").SingleAsync(Ct);
        Assert.Equal(("risk", li.UserId.ToString()), (audit.Role, audit.Target));
        Assert.Contains("daily=5000", audit.Details, StringComparison.Ordinal);
        await TransferKit.AssertVerifiedAsync(_server);
    }
}
