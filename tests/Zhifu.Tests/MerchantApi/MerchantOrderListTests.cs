using System.Globalization;
using Zhifu.Core;
using Zhifu.Tests.Infrastructure;
using Zhifu.Tests.Lifecycle;
using Zhifu.Tests.Transfers;

namespace Zhifu.Tests.MerchantApi;

/// <summary>MER-3: the merchant console's order list (and its exports, the same filter) by China calendar day, paged without
/// repeats or gaps — on SQLite and PostgreSQL alike.</summary>
public sealed class MerchantOrderListTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MER3_a_date_filter_takes_exactly_the_orders_of_that_China_calendar_day()
    {
        await using var server = await TransferKit.StartAsync();
        TransferKit.ToBeforeChinaMidnight(server, TimeSpan.FromHours(1)); // 23:00 China time
        var day = ChinaTime.ToChina(server.Clock.UtcNow).AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory).WithClock(() => server.Clock.UtcNow);
        async Task OrderAsync(string outTradeNo) => Assert.Equal(200, (int)(await merchant.SendAsync(HttpMethod.Post,
            "/v3/pay/transactions/native", MerchantKit.NativeOrder(merchant.MchId, outTradeNo, 100, "http://127.0.0.1:9/notify"))).Response.StatusCode);
        await OrderAsync("DAY-BEFORE-2300");
        server.Clock.Advance(TimeSpan.FromHours(2));
        await OrderAsync("DAY-OF-0100"); // 01:00 China time: 17:00 UTC the day before
        server.Clock.Advance(TimeSpan.FromHours(8));
        await OrderAsync("DAY-OF-0900");
        server.Clock.Advance(TimeSpan.FromDays(1));
        await OrderAsync("DAY-AFTER-0900");

        using var cashier = await SignedInAsync(server);
        foreach (var url in new[] { $"/merchant?from={day}&to={day}", $"/merchant?handler=Csv&from={day}&to={day}" })
        {
            var response = await cashier.GetAsync(url, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode}");
            Assert.Contains("DAY-OF-0100", text, StringComparison.Ordinal);
            Assert.Contains("DAY-OF-0900", text, StringComparison.Ordinal);
            Assert.DoesNotContain("DAY-BEFORE-2300", text, StringComparison.Ordinal);
            Assert.DoesNotContain("DAY-AFTER-0900", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task MER3_orders_of_one_instant_and_one_amount_are_paged_each_exactly_once()
    {
        await using var server = await TransferKit.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory).WithClock(() => server.Clock.UtcNow);
        var numbers = Enumerable.Range(1, 30).Select(i => $"TIE-{i:D2}").ToList();
        foreach (var number in numbers) // the clock stands still: one created time for all
        {
            Assert.Equal(200, (int)(await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
                MerchantKit.NativeOrder(merchant.MchId, number, 100, "http://127.0.0.1:9/notify"))).Response.StatusCode);
        }
        using var cashier = await SignedInAsync(server);
        foreach (var sort in new[] { "", "old", "amount" })
        {
            var seen = new List<string>();
            foreach (var page in new[] { 1, 2 })
            {
                var html = await cashier.GetStringAsync($"/merchant?sort={sort}&pageNumber={page}", Ct);
                seen.AddRange(numbers.Where(n => html.Contains($">{n}<", StringComparison.Ordinal)));
            }
            Assert.Equal(numbers, seen.Order(StringComparer.Ordinal));
        }
    }

    private static async Task<HttpClient> SignedInAsync(ClockedServer server)
    {
        var client = server.Client();
        (await MerchantStaffSignIn.LoginAsync(client, "cafe-cashier", "Shop@2026", Ct)).EnsureSuccessStatusCode();
        return client;
    }
}
