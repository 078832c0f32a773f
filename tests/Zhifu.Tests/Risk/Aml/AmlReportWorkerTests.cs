using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Server.Risk.Aml;
using Zhifu.Tests.Lifecycle;
using static Zhifu.Tests.Lifecycle.LifecycleClient;
using static Zhifu.Tests.Risk.Aml.AmlKit;

namespace Zhifu.Tests.Risk.Aml;

/// <summary>RISK-6: the worker makes yesterday's reports once, after midnight China time, without an operator.</summary>
public sealed class AmlReportWorkerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RISK6_the_worker_generates_yesterdays_reports_once_after_midnight_China_time()
    {
        var (server, zhang, li, _) = await StartAsync("--Risk:Aml:WorkerIntervalSeconds=1", "--Risk:Aml:GenerateAfterMinutes=30",
            "--Regulation:Aml:LargeValueNaturalPersonFen=10000");
        await using var __ = server;
        var day = Day(server);
        var transfer = (await zhang.SentAsync(li, 10_000)).GetProperty("id").GetGuid();
        using var audit = await OperatorAsync(server, "audit");

        PastMidnight(server, TimeSpan.FromMinutes(10)); // the day is over, but late answers may still settle: not yet
        await Task.Delay(TimeSpan.FromSeconds(2.5), Ct);
        Assert.Empty(await ListAsync(audit, day));

        server.Clock.Advance(TimeSpan.FromMinutes(30)); // 00:40: past Risk:Aml:GenerateAfterMinutes
        var reports = await WaitForAsync(audit, day, 2);
        await Task.Delay(TimeSpan.FromSeconds(3), Ct); // several more rounds of the worker: nothing new
        var again = await ListAsync(audit, day);
        Assert.Equal(reports.Select(r => r.GetProperty("id").GetGuid()), again.Select(r => r.GetProperty("id").GetGuid()));
        Assert.Equal(["large-value", "suspicious"], reports.Select(r => r.GetProperty("kind").GetString()));
        Assert.All(reports, r => Assert.Equal((1, "worker", true), (r.GetProperty("version").GetInt32(),
            r.GetProperty("generatedBy").GetString(), r.GetProperty("current").GetBoolean())));

        var rows = Parse(await audit.GetByteArrayAsync(reports[0].GetProperty("download").GetString(), Ct));
        Assert.Contains(rows, r => r["交易编号 Transaction id"] == transfer.ToString("N") && r["客户号 Customer id"] == Id(zhang));
    }

    [Fact]
    public async Task RISK6_a_server_stopped_for_longer_than_a_rounds_catch_up_makes_every_missing_day_oldest_first()
    {
        var (server, _, _, _) = await StartAsync("--Risk:Aml:WorkerIntervalSeconds=3600", "--Risk:Aml:CatchUpDays=3");
        await using var __ = server;
        var reports = server.Services.GetRequiredService<AmlReports>();
        var worker = server.Services.GetRequiredService<AmlReportWorker>();
        var first = (await reports.FirstCustomerDayAsync(Ct))!.Value;
        server.Clock.Advance(TimeSpan.FromDays(8)); // stopped for a week and more
        var yesterday = DateOnly.FromDateTime(Zhifu.Core.ChinaTime.ToChina(server.Clock.UtcNow).DateTime).AddDays(-1);
        var missing = await reports.DaysMissingAsync(first, yesterday, Ct);
        Assert.True(missing.Count > 3, $"{missing.Count} days");

        Assert.Equal(3 * 2, await worker.RunOnceAsync(Ct)); // three days a round, both kinds, the oldest first
        Assert.Equal(missing.Skip(3), await reports.DaysMissingAsync(first, yesterday, Ct));
        while (await worker.RunOnceAsync(Ct) > 0)
        {
        }
        Assert.Empty(await reports.DaysMissingAsync(first, yesterday, Ct)); // before: days older than the catch-up window, never
    }

    private static async Task<List<JsonElement>> ListAsync(HttpClient client, string day)
    {
        var page = await client.GetFromJsonAsync<JsonElement>($"{Route}?day={day}", Ct);
        return [.. page.GetProperty("reports").EnumerateArray()];
    }

    private static async Task<List<JsonElement>> WaitForAsync(HttpClient client, string day, int count)
    {
        for (var i = 0; i < 100; i++)
        {
            var reports = await ListAsync(client, day);
            if (reports.Count >= count)
            {
                return reports;
            }
            await Task.Delay(200, Ct);
        }
        throw new TimeoutException($"the worker made no reports for {day} within 20 s");
    }
}
