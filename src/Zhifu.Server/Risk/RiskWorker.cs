using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Risk;

/// <summary>
/// Before the first request: the rules (the starter set on a fresh install), the lists, and the velocity windows rebuilt
/// from the decisions recorded in the longest window, so a restart does not reset "10 in 10 minutes". Then, every few
/// seconds: write the changed profiles, sweep idle windows, and re-read the lists (another replica may have changed them).
/// </summary>
public sealed class RiskWorker(RiskRules rules, RiskLists lists, RiskProfiles profiles, VelocityWindows windows, DatabaseOptions database,
    RiskOptions options, IClock clock, ILogger<RiskWorker> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.SeedDefaultRules)
        {
            await rules.SeedDefaultsAsync(cancellationToken);
        }
        await rules.ReloadAsync(cancellationToken);
        await lists.ReloadAsync(cancellationToken);
        await RebuildWindowsAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    private async Task RebuildWindowsAsync(CancellationToken cancellationToken)
    {
        var (keep, now) = (rules.Current.Keep, clock.UtcNow);
        var since = now - keep;
        await using var db = database.CreateContext();
        var passed = new[] { RiskActions.Name(RiskAction.Allow), RiskActions.Name(RiskAction.StepUp) };
        var review = RiskActions.Name(RiskAction.Review);
        var released = db.Set<RiskCaseRow>().Where(c => c.Decision == RiskCases.Release).Select(c => c.DecisionId);
        // Movements that passed the check, whether or not they then completed (the windows err towards counting), and held ones
        // a case released.
        // At most VelocityRebuildRowsMax of them (0: none), the newest — the short windows (R002's ten minutes) must be whole —
        // read newest first: the windows keep their events in time order whatever order they come in.
        var rows = db.Set<RiskDecisionRow>().AsNoTracking()
            .Where(d => d.At > since && (passed.Contains(d.Action) || (d.Action == review && released.Contains(d.Id))))
            .OrderByDescending(d => d.At).Take(Math.Max(0, options.VelocityRebuildRowsMax)).AsAsyncEnumerable();
        var (count, counted) = (0, new HashSet<Guid>());
        await foreach (var d in rows.WithCancellation(cancellationToken))
        {
            // one movement once, at its newest decision: a payment asked again with its step-up code (or paid on a later try) is
            // decided more than once under its order's id
            if (counted.Add(d.BusinessId))
            {
                RiskEngine.Remember(d.Event(), windows, keep, now);
                count++;
            }
        }
        logger.LogInformation("Risk engine: {Rules} rules, {Listed} list entries, {Count} recent movements in the windows",
            rules.Current.Rules.Count, lists.Snapshot.Count, count);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.ProfileFlushSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RoundAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await profiles.FlushAsync(CancellationToken.None); // what was learnt since the last round is kept
        }
    }

    private async Task RoundAsync(CancellationToken cancellationToken)
    {
        try
        {
            await profiles.FlushAsync(cancellationToken);
            windows.Sweep(clock.UtcNow - rules.Current.Keep);
            await lists.ReloadAsync(cancellationToken);
            await rules.ReloadAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException)
        {
            logger.LogWarning(ex, "Risk worker round failed; the next round tries again");
        }
    }
}
