using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Transfers;

/// <summary>
/// 延时到账释放 (TRF-2): posts every delayed transfer whose arrival time has come, and follows card transfers whose bank
/// answer was unknown, and finishes transfers a crash left half-recorded. "Due" is decided by <see cref="IClock"/>, never
/// by wall time; the timer only says how often to look.
/// </summary>
public sealed class DelayedTransferRelease(DatabaseOptions database, WalletTransfers transfers, IClock clock, TransferOptions options,
    ILogger<DelayedTransferRelease> logger) : BackgroundService
{
    /// <summary>Where the next round's pages start: after the last row of this round's, back at the beginning once a page
    /// comes back short — every row is reached in turn however many at the front keep waiting (a payer frozen since, a card
    /// transfer whose bank answer is still unknown), instead of the same oldest page every round.</summary>
    private DateTimeOffset? _dueAfter, _stuckAfter;

    /// <summary>One round; returns how many delayed transfers arrived.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        var stale = now.AddSeconds(-options.RecoverAfterSeconds);
        List<WalletTransferRow> due, stuck;
        await using (var db = database.CreateContext())
        {
            var dueQuery = db.Set<WalletTransferRow>().AsNoTracking().Where(t => t.Status == WalletTransfers.Pending && t.ArrivesAt <= now);
            if (_dueAfter is { } dueAfter)
            {
                dueQuery = dueQuery.Where(t => t.ArrivesAt > dueAfter);
            }
            var stuckQuery = db.Set<WalletTransferRow>().AsNoTracking()
                .Where(t => t.Status == WalletTransfers.Processing && (t.Kind == WalletTransfers.KindCard || t.CreatedAt <= stale));
            if (_stuckAfter is { } stuckAfter)
            {
                stuckQuery = stuckQuery.Where(t => t.CreatedAt > stuckAfter);
            }
            due = await dueQuery.OrderBy(t => t.ArrivesAt).Take(options.ReleaseBatchMax).ToListAsync(cancellationToken);
            stuck = await stuckQuery.OrderBy(t => t.CreatedAt).Take(options.ReleaseBatchMax).ToListAsync(cancellationToken);
        }
        _dueAfter = due.Count < options.ReleaseBatchMax ? null : due[^1].ArrivesAt;
        _stuckAfter = stuck.Count < options.ReleaseBatchMax ? null : stuck[^1].CreatedAt;
        var arrived = 0;
        foreach (var row in due)
        {
            // ACC-4 … ACC-6: a payer or payee restricted since it was sent keeps it held (the payer may still revoke it)
            if (await transfers.PartiesMayMoveAsync(row))
            {
                arrived += await transfers.ReleaseOneAsync(row) ? 1 : 0;
            }
        }
        foreach (var row in stuck)
        {
            if (row.Kind == WalletTransfers.KindWallet)
            {
                await transfers.RecoverAsync(row);
            }
            else if (row.CreatedAt <= stale)
            {
                await transfers.FollowCardAsync(row);
                await transfers.AbandonCardAsync(row);
            }
            else
            {
                await transfers.FollowCardAsync(row);
            }
        }
        return arrived;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.ReleaseIntervalMs));
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Delayed transfer release round failed; it runs again shortly");
            }
        }
        while (await NextTickAsync(timer, stoppingToken));
    }

    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false; // stopping (or the host disposed without a stop): not a failure
        }
    }
}
