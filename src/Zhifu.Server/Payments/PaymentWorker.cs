using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Payments;

/// <summary>
/// Background work of payments: delivers due notifications (PAY-5) and finishes payments and refunds interrupted between PAYING and
/// the ledger's answer by submitting their recorded chain again (same ids: the ledger answers the first outcome).
/// </summary>
public sealed class PaymentWorker(PaymentNotifications notifications, WalletPayments payments, Refunds.PaymentRefunds refunds,
    Codes.PaymentCodes codes, Risk.RiskCases cases, DatabaseOptions database, PaymentsOptions options, IClock clock,
    ILogger<PaymentWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RoundsAsync(stoppingToken);
        }
        finally
        {
            try
            {
                await notifications.DrainAsync(TimeSpan.FromSeconds(options.NotifyTimeoutSeconds + 1)); // cancelled ones end at once
            }
            catch (TimeoutException)
            {
                logger.LogWarning("notification attempts still under way at stop; their rows stay due");
            }
        }
    }

    private async Task RoundsAsync(CancellationToken stoppingToken)
    {
        var purgedAt = DateTimeOffset.MinValue;
        // Recovery looks for work stuck PayingRecoverySeconds (30 s), so once a tick is plenty; a wake for a new notification
        // (one per payment) only delivers. Paced by elapsed time, not IClock: a test's frozen clock must not stop it.
        Stopwatch? sinceRecovery = null; // null until the first round's recovery
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (sinceRecovery is null || sinceRecovery.ElapsedMilliseconds >= options.WorkerIntervalMs)
                {
                    await RecoverAsync(stoppingToken);
                    await refunds.RecoverAsync(stoppingToken);
                    sinceRecovery = Stopwatch.StartNew();
                }
                if (clock.UtcNow - purgedAt > TimeSpan.FromMinutes(1))
                {
                    await codes.PurgeAsync(stoppingToken);
                    purgedAt = clock.UtcNow;
                }
                await notifications.DeliverDueAsync(stoppingToken);
                await notifications.WaitAsync(TimeSpan.FromMilliseconds(options.WorkerIntervalMs), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "payment worker round failed");
                await Task.Delay(TimeSpan.FromMilliseconds(options.WorkerIntervalMs), stoppingToken);
            }
        }
    }

    private async Task RecoverAsync(CancellationToken ct)
    {
        var before = clock.UtcNow.AddSeconds(-options.PayingRecoverySeconds);
        List<PaymentOrderRow> stuck;
        await using (var db = database.CreateContext())
        {
            stuck = await db.Set<PaymentOrderRow>().AsNoTracking()
                .Where(o => o.State == PaymentOrders.Paying && o.PayingSince < before).Take(16).ToListAsync(ct);
        }
        foreach (var order in stuck)
        {
            var chain = JsonSerializer.Deserialize<Transfer[]>(order.PaymentChainJson!)!;
            if ((await payments.CommitAsync(order, order.PaymentTransferId!.Value, null, chain)).Item1?.State == PaymentOrders.Review)
            {
                await cases.OpenRecordedAsync(order.Id, Risk.RiskCases.KindReview, ct); // held, then interrupted before its case
            }
        }
    }
}
