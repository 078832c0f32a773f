using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Entities;

namespace Zhifu.Server.RealName.Limits;

/// <summary>
/// The limit ledger's control accounts (TigerBeetle's balance-bounds pattern, ACC-2): per wallet and period one account on
/// ledger 2, flagged debits-must-not-exceed-credits, credited with the class's allowance from one issuer account and debited
/// by each use. A class change (or a new configured limit) moves the allowance by the difference: a raise credits it, a
/// lowering takes back what is still unused and remembers the rest as a shortfall. Each adjustment is written down before
/// it is sent, so after a crash it is finished with the same transfer id, never applied twice.
/// </summary>
public sealed class LimitAccounts(DatabaseOptions database, ILedger ledger, AccountClassRegulation regulation, IClock clock)
{
    /// <summary>The limit ledger: amounts in fen of allowance, never money; kept apart from ledger 1 (CNY).</summary>
    public const int LimitLedger = 2;

    /// <summary>
    /// The chart has no code for control accounts yet. Until it does, every account of the limit ledger (issuer and controls)
    /// carries this one code: each control transfer then moves between two accounts of the same code, so the code's total
    /// stays exactly zero and verify's custody check (SET-1), which sums balances by code, is untouched.
    /// </summary>
    public const AccountCode ControlCode = AccountCode.Suspense;

    /// <summary>The one issuer of allowance on the limit ledger (no balance rule: it goes as negative as allowance is granted).</summary>
    public static readonly Guid IssuerAccountId = new("00000000-0000-7000-8000-00000000a11e");

    private const int RoundsMax = 8;
    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];
    private volatile bool _issuerReady;

    /// <summary>What is left of a period's allowance now.</summary>
    public long RemainingFen(BalanceLimitPeriodRow period) =>
        ledger.GetAccount(period.AccountId)?.AvailableCreditBalance ?? throw new InvalidOperationException("limit account missing");

    /// <summary>The period's row, created if new, its allowance set for <paramref name="accountClass"/>.</summary>
    public async Task<BalanceLimitPeriodRow> ReadyAsync(Guid userId, int period, int accountClass, CancellationToken cancellationToken)
    {
        var stripe = _stripes[(userId.GetHashCode() & int.MaxValue) % _stripes.Length];
        await stripe.WaitAsync(cancellationToken); // one adjuster per wallet in this process; the row's version covers other processes
        try
        {
            await EnsureIssuerAsync(cancellationToken);
            var target = LimitPeriods.AllowanceFen(period, accountClass, regulation);
            for (var round = 0; round < RoundsMax; round++)
            {
                await using var db = database.CreateContext();
                var row = await db.Set<BalanceLimitPeriodRow>().FirstOrDefaultAsync(p => p.UserId == userId && p.PeriodYear == period,
                    cancellationToken) ?? await CreateAsync(db, userId, period, cancellationToken);
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
                PlanAdjustment(row, target);
                await TrySaveAsync(db, cancellationToken);
            }
            throw new InvalidOperationException($"the limit period {period} of {userId} did not settle");
        }
        finally
        {
            stripe.Release();
        }
    }

    private void PlanAdjustment(BalanceLimitPeriodRow row, long target)
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
            var taken = Math.Min(-delta, Math.Max(0, RemainingFen(row)));
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

    private async Task FinishAdjustmentAsync(ZhifuDb db, BalanceLimitPeriodRow row, CancellationToken cancellationToken)
    {
        var raise = row.PendingAdjustmentFen > 0;
        var result = (await ledger.SubmitAsync([new Transfer
        {
            Id = row.PendingAdjustmentId!.Value,
            DebitAccountId = raise ? IssuerAccountId : row.AccountId,
            CreditAccountId = raise ? row.AccountId : IssuerAccountId,
            AmountFen = Math.Abs(row.PendingAdjustmentFen),
            Ledger = LimitLedger,
            Code = RealNameTransferCodes.BalanceLimitAllowance,
            BusinessId = row.Id,
        }], cancellationToken))[0];
        if (result.IsSuccess())
        {
            (row.AllowanceFen, row.ShortfallFen) = (row.PendingAllowanceFen, row.PendingShortfallFen);
        }
        else if (result != TransferResult.ExceedsCredits)
        {
            throw new InvalidOperationException($"limit allowance adjustment {row.PendingAdjustmentId}: {result}");
        }
        // ExceedsCredits: a use took part of the allowance before it could be taken back; plan again from the new balance.
        (row.PendingAdjustmentId, row.PendingAdjustmentFen, row.PendingAllowanceFen, row.PendingShortfallFen) = (null, 0, 0, 0);
        row.Version++;
        await TrySaveAsync(db, cancellationToken);
    }

    private async Task<BalanceLimitPeriodRow?> CreateAsync(ZhifuDb db, Guid userId, int period, CancellationToken cancellationToken)
    {
        var row = new BalanceLimitPeriodRow
        {
            Id = Guid.CreateVersion7(), UserId = userId, PeriodYear = period, AccountId = Guid.CreateVersion7(), CreatedAt = clock.UtcNow,
        };
        // The ledger account first: a row never names a missing account (an account whose row lost a race stays empty).
        await CreateAccountAsync(row.AccountId, AccountFlags.DebitsMustNotExceedCredits, cancellationToken);
        db.Add(row);
        return await TrySaveAsync(db, cancellationToken) ? row : null;
    }

    private async Task EnsureIssuerAsync(CancellationToken cancellationToken)
    {
        if (!_issuerReady)
        {
            await CreateAccountAsync(IssuerAccountId, AccountFlags.None, cancellationToken);
            _issuerReady = true;
        }
    }

    private async Task CreateAccountAsync(Guid id, AccountFlags flags, CancellationToken cancellationToken)
    {
        var account = new NewAccount { Id = id, Ledger = LimitLedger, Code = ControlCode, Flags = flags };
        var result = (await ledger.CreateAccountsAsync([account], cancellationToken))[0];
        if (!result.IsSuccess())
        {
            throw new InvalidOperationException($"limit account {id}: {result}");
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
