using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Notifications;
using Zhifu.Server.Security;

namespace Zhifu.Server.Lifecycle;

/// <summary>
/// 休眠账户 (ACC-4): a wallet with no transaction within <c>Regulation:DormancyMonths</c> of opening is suspended for all
/// business until the holder re-verifies identity. "No transaction" is read from the ledger itself — neither of the
/// wallet's two ledger accounts ever moved or held money — as well as <see cref="UserRow.LastTransactionAt"/>, so no money
/// feature can forget to mark it. A wallet re-verified without transacting is suspended again after another period.
/// </summary>
public sealed class DormancyScan(
    DatabaseOptions database, AccountRestrictions restrictions, PersonalData personalData, ISmsGateway sms, IClock clock,
    LifecycleRegulation regulation, LifecycleOptions options, ILogger<DormancyScan> logger)
{
    public const string Reason = "开户后规定期限内无交易 no transaction within the dormancy period";

    private const string Notice = "【知付】您的钱包开户后长期未使用，已按规定暂停业务。请登录知付，验证支付密码和短信验证码后恢复使用。";

    /// <summary>One pass: suspends every wallet that became dormant; returns how many.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        var cutoff = now.AddMonths(-regulation.DormancyMonths);
        var total = 0;
        while (true)
        {
            await using var db = database.CreateContext();
            var ledger = db.Set<LedgerAccountRow>();
            var dormant = await db.Set<UserRow>().AsNoTracking()
                .Where(u => u.Status == WalletAccounts.StatusActive && u.LastTransactionAt == null && u.CreatedAt <= cutoff)
                .Where(u => !ledger.Any(a => (a.Id == u.WalletAccountId || a.Id == u.ConsumptionAccountId)
                    && (a.DebitsPosted != 0 || a.CreditsPosted != 0 || a.DebitsPending != 0 || a.CreditsPending != 0)))
                // Suspended already, or re-verified within the period: not again yet.
                .Where(u => !db.Set<AccountRestrictionRow>().Any(r => r.UserId == u.Id && r.Kind == RestrictionKinds.Dormant
                    && (r.LiftedAt == null || r.LiftedAt > cutoff)))
                .OrderBy(u => u.CreatedAt).Take(options.DormancyScanBatchSize)
                .Select(u => new { u.Id, u.PhoneIndex, u.PhoneCipher }).ToListAsync(cancellationToken);
            if (dormant.Count == 0)
            {
                break;
            }
            foreach (var user in dormant)
            {
                db.Add(restrictions.NewRow(user.Id, RestrictionKinds.Dormant, Reason, "dormancy-scan"));
            }
            await db.SaveChangesAsync(cancellationToken);
            total += dormant.Count;
            foreach (var user in dormant.Where(u => u.PhoneIndex is not null))
            {
                await sms.SendAsync(personalData.Unprotect(user.PhoneCipher, PersonalData.Phone), "account", Notice, cancellationToken);
            }
        }
        if (total > 0)
        {
            logger.LogInformation("Dormancy scan suspended {Count} wallets", total);
        }
        return total;
    }
}

/// <summary>Runs the dormancy scan once the server has started, then every <c>Lifecycle:DormancyScanMinutes</c>.</summary>
public sealed class DormancyWorker(
    DormancyScan scan, LifecycleOptions options, IHostApplicationLifetime lifetime, ILogger<DormancyWorker> logger) : BackgroundService
{
    // The next pass retries a failed scan: it suspended nothing half-way (each batch commits whole).
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Hosting.PeriodicWork.RunAsync(
        TimeSpan.FromMinutes(Math.Max(1, options.DormancyScanMinutes)), scan.RunOnceAsync, logger, "Dormancy scan failed", stoppingToken,
        before: ct => Hosting.ServerStarted.WaitAsync(lifetime, ct));
}
