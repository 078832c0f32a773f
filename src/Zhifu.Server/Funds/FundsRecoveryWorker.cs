using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Funds;

/// <summary>
/// Settles top-ups and withdrawals whose bank answer was unknown, or that a crash left pending (CARD-4, SEC-3): runs on
/// start and then every few seconds, a bounded batch at a time.
/// </summary>
public sealed class FundsRecoveryWorker(
    DatabaseOptions database, FundMovements movements, IBoundCards cards, IClock clock, FundsOptions options,
    ILogger<FundsRecoveryWorker> logger)
    : BackgroundService
{
    /// <summary>One round: every unsettled movement older than the grace period. Returns how many were looked at.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        var before = now.AddSeconds(-options.ResolveAfterSeconds);
        var lapsed = now.AddSeconds(-options.ClaimLapseSeconds);
        List<FundMovementRow> open;
        await using (var db = database.CreateContext())
        {
            open = await db.Set<FundMovementRow>().AsNoTracking()
                .Where(m => (m.Status == FundMovements.Unknown || m.Status == FundMovements.Pending) && m.CreatedAt <= before
                    && (m.ResolvingSince == null || m.ResolvingSince < lapsed)) // another resolver at work: theirs
                .OrderBy(m => m.CreatedAt).Take(options.RecoveryBatchMax).ToListAsync(cancellationToken);
        }
        foreach (var movement in open)
        {
            await movements.ResolveAsync(movement, cards, cancellationToken);
        }
        return open.Count;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Hosting.PeriodicWork.RunAsync(
        TimeSpan.FromSeconds(options.RecoveryIntervalSeconds), RunOnceAsync, logger, "Fund recovery round failed; it runs again shortly",
        stoppingToken, level: LogLevel.Warning);
}
