using Zhifu.Core;

namespace Zhifu.Server.Risk.Aml;

/// <summary>
/// Makes yesterday's reports (RISK-6) once a China day is over: every <c>Risk:Aml:WorkerIntervalSeconds</c> it checks,
/// and from <c>GenerateAfterMinutes</c> past midnight Asia/Shanghai it stores version 1 of each kind that is missing —
/// oldest missing day first, <c>CatchUpDays</c> days a round — back to the first wallet's day (a stopped server catches up,
/// however long it was stopped).
/// </summary>
public sealed class AmlReportWorker(
    AmlReports reports, AmlOptions options, IClock clock, IHostApplicationLifetime lifetime, ILogger<AmlReportWorker> logger)
    : BackgroundService
{
    public const string By = "worker";

    /// <summary>One check; returns how many reports it stored.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = ChinaTime.ToChina(clock.UtcNow);
        if (now.TimeOfDay < TimeSpan.FromMinutes(options.GenerateAfterMinutes) || await reports.FirstCustomerDayAsync(ct) is not { } first)
        {
            return 0;
        }
        var yesterday = DateOnly.FromDateTime(now.DateTime).AddDays(-1);
        var from = first > yesterday.AddDays(-options.RetroactiveDaysMax) ? first : yesterday.AddDays(-options.RetroactiveDaysMax);
        var made = 0;
        foreach (var day in (await reports.DaysMissingAsync(from, yesterday, ct)).Take(Math.Max(1, options.CatchUpDays)))
        {
            foreach (var kind in AmlReportBuilder.Kinds)
            {
                if (await reports.GenerateAsync(day, kind, By, onlyIfMissing: true, ct) is { } row)
                {
                    logger.LogInformation("AML report {Kind} {Day} v{Version}: {Rows} rows", kind, day, row.Version, row.RowCount);
                    made++;
                }
            }
        }
        return made;
    }

    // The first round waits one interval: a server starting up has more urgent work, and the day's reports keep. A failed
    // round is retried by the next: a report is stored whole or not at all.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Hosting.PeriodicWork.RunAsync(
        TimeSpan.FromSeconds(Math.Max(1, options.WorkerIntervalSeconds)), RunOnceAsync, logger, "AML report generation failed", stoppingToken,
        before: ct => Hosting.ServerStarted.WaitAsync(lifetime, ct), firstRoundNow: false);
}
