using Zhifu.Tests.Transfers;
using static Zhifu.Tests.Risk.Aml.AmlKit;

namespace Zhifu.Tests.Risk.Aml;

/// <summary>
/// RISK-6 可疑交易报告 (中国人民银行令〔2016〕第3号 arts. 11–13): each monitoring rule fires on the pattern it names and stays
/// quiet beside it. Each test lowers only its own rule's numbers (<c>Regulation:Aml</c>); the others keep their defaults,
/// which these small amounts never reach, so every row of the report is the rule under test.
/// </summary>
public sealed class SuspiciousRuleTests
{
    private const string Rule = "规则编号 Rule id";
    private const string Customer = "客户号 Customer id";

    [Fact]
    public async Task RISK6_structuring_reports_three_outflows_each_just_below_the_threshold_and_not_two()
    {
        var (server, zhang, li, wang) = await StartAsync("--Regulation:Aml:Structuring:ThresholdFen=5000",
            "--Regulation:Aml:Structuring:BelowPercent=10", "--Regulation:Aml:Structuring:CountMin=3");
        await using var _ = server;
        foreach (var fen in new long[] { 4_500, 4_750, 4_999 }) // each within 10 % below ¥50.00
        {
            await zhang.SentAsync(li, fen);
        }
        foreach (var fen in new long[] { 4_499, 4_800, 4_999 }) // ¥44.99 lies outside the band: only two inside
        {
            await wang.SentAsync(li, fen);
        }

        var rows = await ReportRowsAsync(server, "suspicious");

        Assert.Equal([("AML-S1-STRUCTURING", Id(zhang)), ("AML-S1-STRUCTURING", Id(li))],
            rows.Select(r => (r[Rule], r[Customer])).OrderBy(r => r.Item2 == Id(li)));
        var zhangHit = rows.Single(r => r[Customer] == Id(zhang));
        Assert.Equal(("3", "¥142.49"), (zhangHit["交易笔数 Count"], zhangHit["涉及金额 Amount"]));
        Assert.Contains("¥45.00–¥49.99", zhangHit["触发事实 Facts"], StringComparison.Ordinal);
        Assert.Equal(3, zhangHit["交易编号 Transaction ids"].Split(';').Length);
        Assert.Equal("5", rows.Single(r => r[Customer] == Id(li))["交易笔数 Count"]); // 李四 received five in the band
    }

    [Fact]
    public async Task RISK6_rapid_pass_through_reports_80_percent_out_within_the_window_and_not_79_99()
    {
        var (server, zhang, li, wang) = await StartAsync("--Regulation:Aml:PassThrough:WindowHours=2",
            "--Regulation:Aml:PassThrough:OutflowPercentMin=80", "--Regulation:Aml:PassThrough:InflowMinFen=10000");
        await using var _ = server;
        await zhang.SentAsync(li, 10_000);
        server.Clock.Advance(TimeSpan.FromHours(1));
        (li, wang, zhang) = (await li.AgainAsync(), await wang.AgainAsync(), await zhang.AgainAsync());
        await li.SentAsync(wang, 8_000); // 李四: ¥100.00 in, ¥80.00 out within an hour
        await zhang.SentAsync(wang, 2_000);
        await wang.SentAsync(zhang, 7_999); // 王五: ¥100.00 in, ¥79.99 out; 张三: only ¥79.99 in

        var rows = await ReportRowsAsync(server, "suspicious");

        var hit = Assert.Single(rows);
        Assert.Equal(("AML-S2-PASS-THROUGH", Id(li), "¥80.00", "2"), (hit[Rule], hit[Customer], hit["涉及金额 Amount"], hit["交易笔数 Count"]));
        Assert.Contains("¥100.00", hit["触发事实 Facts"], StringComparison.Ordinal);
        Assert.Contains("(80%)", hit["触发事实 Facts"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RISK6_many_counterparties_report_fan_out_and_fan_in_and_stay_quiet_below_the_count()
    {
        var (server, zhang, li, wang) = await StartAsync("--Regulation:Aml:Counterparties:CountMin=2");
        await using var _ = server;
        await zhang.SentAsync(li, 100);
        await zhang.SentAsync(wang, 100); // 张三 pays two people: fan-out
        await wang.SentAsync(li, 100); // 李四 is paid by two people: fan-in; 王五 pays only one

        var rows = await ReportRowsAsync(server, "suspicious");

        Assert.Equal(new[] { ("AML-S3-FAN-OUT", Id(zhang)), ("AML-S4-FAN-IN", Id(li)) },
            rows.Select(r => (r[Rule], r[Customer])).OrderBy(r => r.Item1, StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Contains(" 2 ", r["触发事实 Facts"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task RISK6_a_wallet_idle_for_the_dormancy_days_that_suddenly_moves_the_amount_is_reported_and_an_active_one_is_not()
    {
        var (server, zhang, li, wang) = await StartAsync("--Regulation:Aml:Dormant:IdleDays=2",
            "--Regulation:Aml:Dormant:AmountMinFen=3000");
        await using var _ = server;
        await zhang.SentAsync(li, 100); // day 1
        await NextMorningAsync(server, 2);
        (li, wang, zhang) = (await li.AgainAsync(), await wang.AgainAsync(), await zhang.AgainAsync());
        await wang.SentAsync(li, 100); // day 3: 王五 and 李四 active
        await NextMorningAsync(server, 1);
        (li, wang, zhang) = (await li.AgainAsync(), await wang.AgainAsync(), await zhang.AgainAsync());
        await zhang.SentAsync(li, 3_000); // day 4: 张三 idle since day 1
        await wang.SentAsync(li, 3_000);

        var rows = await ReportRowsAsync(server, "suspicious");

        var hit = Assert.Single(rows);
        Assert.Equal(("AML-S5-DORMANT", Id(zhang), "¥30.00"), (hit[Rule], hit[Customer], hit["涉及金额 Amount"]));
        Assert.Contains("2 天", hit["触发事实 Facts"], StringComparison.Ordinal);
    }

    private static Task NextMorningAsync(Lifecycle.ClockedServer server, int days)
    {
        for (var i = 0; i < days; i++)
        {
            TransferKit.ToBeforeChinaMidnight(server, TimeSpan.FromHours(-8));
        }
        return Task.CompletedTask;
    }
}
