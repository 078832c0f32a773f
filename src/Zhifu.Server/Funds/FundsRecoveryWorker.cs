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
    /// <summary>How long a movement recorded for review may be without its hold before it counts as never held (its own
    /// request places the hold within moments).</summary>
    private static readonly TimeSpan UnheldReviewGrace = TimeSpan.FromMinutes(1);

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
        // Recorded for review but never held (the ledger was down, or the process stopped, between the record and the hold).
        var unheldBefore = now - UnheldReviewGrace;
        List<FundMovementRow> unheld;
        await using (var db = database.CreateContext())
        {
            unheld = await db.Set<FundMovementRow>().AsNoTracking()
                .Where(m => m.Status == FundMovements.Review && m.CreatedAt <= unheldBefore && !db.LedgerPending.Any(p => p.Id == m.Id))
                .OrderBy(m => m.CreatedAt).Take(options.RecoveryBatchMax).ToListAsync(cancellationToken);
        }
        foreach (var movement in unheld)
        {
            await movements.FailUnheldReviewAsync(movement);
        }
        return open.Count + unheld.Count;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Hosting.PeriodicWork.RunAsync(
        TimeSpan.FromSeconds(options.RecoveryIntervalSeconds), RunOnceAsync, logger, "Fund recovery round failed; it runs again shortly",
        stoppingToken, level: LogLevel.Warning);
}
