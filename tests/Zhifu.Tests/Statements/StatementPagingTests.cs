using Zhifu.Core;
using Zhifu.Core.Banking;
using Zhifu.Server.Statements;
using Zhifu.Tests.Lifecycle;
using static Zhifu.Tests.Statements.StatementKit;

namespace Zhifu.Tests.Statements;

/// <summary>
/// Keyset paging over lines merged from several sources (top-ups and withdrawals, adjustments), on a clock the test moves
/// so that lines of different sources share one instant: every page size gives every line exactly once, in order.
/// </summary>
public sealed class StatementPagingTests : IAsyncLifetime
{
    private ClockedServer _server = null!;
    private HttpClient _wallet = null!;
    private readonly List<(Guid Id, DateTimeOffset At, string Kind)> _made = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await ClockedServer.StartAsync("--Funds:RecoveryIntervalSeconds=3600");
        _wallet = await LifecycleClient.SignInAsync(_server, DemoCards.ZhangSan.Phone, "Demo@2026");
    }

    public async ValueTask DisposeAsync()
    {
        _wallet.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Every_page_size_from_1_to_N_gives_every_line_exactly_once_newest_first()
    {
        await MakeLinesAsync(10);
        var all = await AllAsync(_wallet, "/api/wallet/me/statement", 100);
        Assert.Equal(11, all.Count); // ten made here and the demo opening balance
        var expected = _made.OrderByDescending(m => m.At).ThenByDescending(m => m.Id, Comparer<Guid>.Create(StatementOrder.CompareIds))
            .Select(m => m.Id).ToList();
        Assert.Equal(expected, all.Take(10).Select(Id));
        Assert.Equal("adjustment", all[10].GetProperty("kind").GetString());
        for (var limit = 1; limit <= all.Count + 1; limit++)
        {
            Assert.Equal(all.Select(Id), (await AllAsync(_wallet, "/api/wallet/me/statement", limit)).Select(Id));
        }
    }

    [Fact]
    public async Task A_line_arriving_between_pages_neither_repeats_nor_hides_an_older_line()
    {
        await MakeLinesAsync(6);
        var before = await AllAsync(_wallet, "/api/wallet/me/statement", 100);
        var first = await GetOkAsync(_wallet, "/api/wallet/me/statement?limit=3");
        _server.Clock.Advance(TimeSpan.FromMinutes(1));
        await AdjustAsync(_server.Services, (await UserAsync(_server.Database.Options, await UserIdAsync(_wallet))).WalletAccountId, 99);
        var rest = await AllAsync(_wallet, "/api/wallet/me/statement", 2, first.GetProperty("nextCursor").GetString());
        Assert.Equal(before.Select(Id), first.GetProperty("entries").EnumerateArray().Concat(rest).Select(Id));
    }

    [Fact]
    public async Task Kind_filters_keep_only_those_kinds_across_pages()
    {
        await MakeLinesAsync(9);
        var topUps = await AllAsync(_wallet, "/api/wallet/me/statement?kind=top-up", 2);
        Assert.Equal(_made.Count(m => m.Kind == "top-up"), topUps.Count);
        Assert.All(topUps, l => Assert.Equal("top-up", l.GetProperty("kind").GetString()));

        var two = await AllAsync(_wallet, "/api/wallet/me/statement?kind=top-up,adjustment", 3);
        var repeated = await AllAsync(_wallet, "/api/wallet/me/statement?kind=top-up&kind=adjustment", 3);
        Assert.Equal(two.Select(Id), repeated.Select(Id));
        Assert.Equal(_made.Count(m => m.Kind != "withdrawal") + 1, two.Count);
        Assert.DoesNotContain(two, l => l.GetProperty("kind").GetString() == "withdrawal");
        Assert.Empty((await GetOkAsync(_wallet, "/api/wallet/me/statement?kind=merge-in")).GetProperty("entries").EnumerateArray());
    }

    [Fact]
    public async Task Time_range_takes_China_days_and_instants_from_inclusive_to_exclusive()
    {
        var wallet = (await UserAsync(_server.Database.Options, await UserIdAsync(_wallet))).WalletAccountId;
        var card = await CardAsync(_wallet, "ICBC");
        _server.Clock.Advance(TimeSpan.FromDays(1));
        var dayOne = (await AdjustAsync(_server.Services, wallet, 101), _server.Clock.UtcNow);
        _server.Clock.Advance(TimeSpan.FromDays(1));
        await SignInAgainAsync(); // sessions end after a day
        var dayTwo = ((await MoveAsync(_wallet, "top-ups", card, 202)).GetProperty("id").GetGuid(), _server.Clock.UtcNow);
        _server.Clock.Advance(TimeSpan.FromDays(1));
        var dayThree = (await AdjustAsync(_server.Services, wallet, 303), _server.Clock.UtcNow);
        await SignInAgainAsync();

        var day = ChinaTime.ToChina(dayTwo.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal([dayTwo.Item1], await IdsAsync($"from={day}&to={day}"));
        Assert.Equal([dayThree.Item1, dayTwo.Item1], await IdsAsync($"from={day}"));

        // An instant with its offset (the '+' encoded, or turned into a space by a careless client), or in UTC.
        static string Iso(DateTimeOffset at) =>
            ChinaTime.ToChina(at).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
        var from = Iso(dayOne.UtcNow);
        var to = Iso(dayThree.UtcNow); // to is exclusive: the line at exactly that second's start is after it only by its fraction
        Assert.Equal([dayTwo.Item1, dayOne.Item1], await IdsAsync($"from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}"));
        Assert.Equal([dayTwo.Item1, dayOne.Item1], await IdsAsync($"from={from}&to={to}"));
        var utc = dayTwo.UtcNow.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal([dayOne.Item1], await IdsAsync($"from={Uri.EscapeDataString(from)}&to={utc}"));
    }

    private async Task SignInAgainAsync()
    {
        _wallet.Dispose();
        _wallet = await LifecycleClient.SignInAsync(_server, DemoCards.ZhangSan.Phone, "Demo@2026");
    }

    private async Task<List<Guid>> IdsAsync(string query) =>
        [.. (await AllAsync(_wallet, "/api/wallet/me/statement?" + query, 100)).Select(Id)];

    /// <summary>
    /// Lines of both sources, two at each instant (the clock moves every other line): top-ups, adjustments and withdrawals
    /// in turn, so ties between sources are decided by the record id alone.
    /// </summary>
    private async Task MakeLinesAsync(int count)
    {
        var user = await UserAsync(_server.Database.Options, await UserIdAsync(_wallet));
        var card = await CardAsync(_wallet, "ICBC");
        for (var i = 0; i < count; i++)
        {
            if (i % 2 == 0)
            {
                _server.Clock.Advance(TimeSpan.FromSeconds(30));
            }
            var at = _server.Clock.UtcNow;
            switch (i % 3)
            {
                case 0:
                    _made.Add(((await MoveAsync(_wallet, "top-ups", card, 100 + i)).GetProperty("id").GetGuid(), at, "top-up"));
                    break;
                case 1:
                    _made.Add((await AdjustAsync(_server.Services, user.WalletAccountId, 200 + i), at, "adjustment"));
                    break;
                default:
                    _made.Add(((await MoveAsync(_wallet, "withdrawals", card, 50 + i)).GetProperty("id").GetGuid(), at, "withdrawal"));
                    break;
            }
        }
    }
}
