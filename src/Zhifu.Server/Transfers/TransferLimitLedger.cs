using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.RealName.Limits;

namespace Zhifu.Server.Transfers;

/// <summary>
/// The control accounts of the agreed transfer limits (TRF-1), TigerBeetle's balance-bounds pattern as ACC-2's class limits
/// use it: per wallet, limit and period one account flagged debits-must-not-exceed-credits, credited with the agreed limit
/// and debited by a leg linked to each transfer. Amount limits live on ledger 2 (fen), the daily count on ledger 3 (one
/// unit per transfer). A changed agreement moves the allowance by the difference, written down first so that after a crash
/// it is finished with the same id, never applied twice; a lowering takes back only what is unused and remembers the rest.
/// </summary>
public sealed class TransferLimitLedger(DatabaseOptions database, ILedger ledger, IClock clock)
{
    public const string DailyAmount = "daily-amount";
    public const string DailyCount = "daily-count";
    public const string YearlyAmount = "yearly-amount";

    /// <summary>Allowance counted in transfers, kept apart from fen.</summary>
    public const int CountLedger = 3;

    private const int RoundsMax = 8;
    private static readonly Guid AmountIssuerId = new("00000000-0000-7000-8000-0000000a7f01");
    private static readonly Guid CountIssuerId = new("00000000-0000-7000-8000-0000000a7f02");
    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];
    private volatile bool _issuersReady;

    public static int LedgerOf(string metric) => metric == DailyCount ? CountLedger : LimitAccounts.LimitLedger;

    public static Guid IssuerOf(string metric) => metric == DailyCount ? CountIssuerId : AmountIssuerId;

    /// <summary>The period of a metric at an instant: yyyyMMdd of the China day, or the China year.</summary>
    public static int PeriodKeyOf(string metric, DateTimeOffset instant)
    {
        var china = ChinaTime.ToChina(instant);
        return metric == YearlyAmount ? china.Year : china.Year * 10_000 + china.Month * 100 + china.Day;
    }

    /// <summary>When a period starts afresh: the next 00:00 in Asia/Shanghai (of the next day or the next year).</summary>
    public static DateTimeOffset ResetsAt(string metric, int periodKey)
    {
        var start = metric == YearlyAmount
            ? new DateTime(periodKey + 1, 1, 1, 0, 0, 0, DateTimeKind.Unspecified)
            : new DateTime(periodKey / 10_000, periodKey / 100 % 100, periodKey % 100, 0, 0, 0, DateTimeKind.Unspecified).AddDays(1);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(start, ChinaTime.Zone), TimeSpan.Zero);
    }

    public long RemainingOf(TransferLimitPeriodRow row) =>
        ledger.GetAccount(row.AccountId)?.AvailableCreditBalance ?? throw new InvalidOperationException("limit account missing");

    /// <summary>The period's row for now, created if new, its allowance set to <paramref name="target"/>.</summary>
    public async Task<TransferLimitPeriodRow> ReadyAsync(Guid userId, string metric, long target, CancellationToken cancellationToken)
    {
        var period = PeriodKeyOf(metric, clock.UtcNow);
        var stripe = _stripes[(HashCode.Combine(userId, metric) & int.MaxValue) % _stripes.Length];
        await stripe.WaitAsync(cancellationToken); // one adjuster per wallet and limit here; the row's version covers other processes
        try
        {
            await EnsureIssuersAsync(cancellationToken);
            for (var round = 0; round < RoundsMax; round++)
            {
                await using var db = database.CreateContext();
                var row = await db.Set<TransferLimitPeriodRow>()
                    .FirstOrDefaultAsync(p => p.UserId == userId && p.Metric == metric && p.PeriodKey == period, cancellationToken)
                    ?? await CreateAsync(db, userId, metric, period, cancellationToken);
                if (row is null)
                {
                    continue;
                }
                if (row.PendingAdjustmentId is not null)
                {
                    await FinishAdjustmentAsync(db, row, cancellationToken);
                    continue;
                }
                if (row.AllowanceFen == target)
                {
                    return row;
                }
                Plan(row, target);
                await TrySaveAsync(db, cancellationToken);
            }
            throw new InvalidOperationException($"the transfer limit {metric}/{period} of {userId} did not settle");
        }
        finally
        {
            stripe.Release();
        }
    }

    private void Plan(TransferLimitPeriodRow row, long target)
    {
        var delta = target - row.AllowanceFen;
        long adjust, shortfall;
        if (delta > 0)
        {
            adjust = Math.Max(0, delta - row.ShortfallFen);
            shortfall = Math.Max(0, row.ShortfallFen - delta);
        }
        else
        {
            var taken = Math.Min(-delta, Math.Max(0, RemainingOf(row)));
            adjust = -taken;
            shortfall = row.ShortfallFen + (-delta - taken);
        }
        if (adjust == 0)
        {
            (row.AllowanceFen, row.ShortfallFen) = (target, shortfall);
        }
        else
        {
            row.PendingAdjustmentId = Guid.CreateVersion7();
            (row.PendingAdjustmentFen, row.PendingAllowanceFen, row.PendingShortfallFen) = (adjust, target, shortfall);
        }
        row.Version++;
    }

    private async Task FinishAdjustmentAsync(ZhifuDb db, TransferLimitPeriodRow row, CancellationToken cancellationToken)
    {
        var raise = row.PendingAdjustmentFen > 0;
        var issuer = IssuerOf(row.Metric);
        var result = (await ledger.SubmitAsync([new Transfer
        {
            Id = row.PendingAdjustmentId!.Value,
            DebitAccountId = raise ? issuer : row.AccountId,
            CreditAccountId = raise ? row.AccountId : issuer,
            AmountFen = Math.Abs(row.PendingAdjustmentFen),
            Ledger = LedgerOf(row.Metric),
            Code = WalletTransferCodes.TransferLimitAllowance,
            BusinessId = row.Id,
        }], cancellationToken))[0];
        if (result.IsSuccess())
        {
            (row.AllowanceFen, row.ShortfallFen) = (row.PendingAllowanceFen, row.PendingShortfallFen);
        }
        else if (result != TransferResult.ExceedsCredits)
        {
            throw new InvalidOperationException($"transfer limit adjustment {row.PendingAdjustmentId}: {result}");
        }
        // ExceedsCredits: a transfer used part of the allowance before it could be taken back; plan again from the new balance.
        (row.PendingAdjustmentId, row.PendingAdjustmentFen, row.PendingAllowanceFen, row.PendingShortfallFen) = (null, 0, 0, 0);
        row.Version++;
        await TrySaveAsync(db, cancellationToken);
    }

    private async Task<TransferLimitPeriodRow?> CreateAsync(ZhifuDb db, Guid userId, string metric, int period, CancellationToken ct)
    {
        var row = new TransferLimitPeriodRow
        {
            Id = Guid.CreateVersion7(), UserId = userId, Metric = metric, PeriodKey = period, AccountId = Guid.CreateVersion7(),
            CreatedAt = clock.UtcNow,
        };
        // The ledger account first: a row never names a missing account (one whose row lost a race stays empty).
        await CreateAccountAsync(row.AccountId, LedgerOf(metric), AccountFlags.DebitsMustNotExceedCredits, ct);
        db.Add(row);
        return await TrySaveAsync(db, ct) ? row : null;
    }

    private async Task EnsureIssuersAsync(CancellationToken cancellationToken)
    {
        if (!_issuersReady)
        {
            await CreateAccountAsync(AmountIssuerId, LimitAccounts.LimitLedger, AccountFlags.None, cancellationToken);
            await CreateAccountAsync(CountIssuerId, CountLedger, AccountFlags.None, cancellationToken);
            _issuersReady = true;
        }
    }

    private async Task CreateAccountAsync(Guid id, int onLedger, AccountFlags flags, CancellationToken cancellationToken)
    {
        // Same code as the class limits' control accounts: every control transfer stays within one code, so SET-1 is untouched.
        var account = new NewAccount { Id = id, Ledger = onLedger, Code = LimitAccounts.ControlCode, Flags = flags };
        var result = (await ledger.CreateAccountsAsync([account], cancellationToken))[0];
        if (!result.IsSuccess())
        {
            throw new InvalidOperationException($"transfer limit account {id}: {result}");
        }
    }

    private static async Task<bool> TrySaveAsync(ZhifuDb db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            return false; // another process changed (or created) the row first: the next round reads it again
        }
    }
}
