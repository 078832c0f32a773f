using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Ledger;

/// <summary>
/// 额度账户 — per-wallet, per-period allowances as control accounts on a limit ledger (TigerBeetle's balance-bounds pattern),
/// the one mechanism behind ACC-2's class limits and TRF-1's agreed transfer limits. A feature says how its period rows are
/// keyed (<typeparamref name="TKey"/>), which issuer and ledger a row draws on and which code its adjustments carry. A changed
/// limit moves the allowance by the difference: a raise credits it, a lowering takes back what is still unused and remembers
/// the rest as a shortfall that a later raise gives back first. Each adjustment is written into the row before it is sent,
/// so after a crash it is finished with the same transfer id, never applied twice.
/// </summary>
public abstract class AllowanceAccounts<TRow, TKey>(DatabaseOptions database, ILedger ledger, IClock clock)
    where TRow : AllowancePeriodRow
    where TKey : notnull
{
    private const int RoundsMax = 8;
    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];
    private volatile bool _issuersReady;

    /// <summary>The clock periods are read from.</summary>
    protected IClock Clock { get; } = clock;

    /// <summary>What the allowance is called in failures ("limit", "transfer limit").</summary>
    protected abstract string Name { get; }

    /// <summary>The transfer code of an allowance adjustment; its business record is the period row.</summary>
    protected abstract ushort AdjustmentCode { get; }

    /// <summary>Every issuer this feature's rows draw on, created once per process.</summary>
    protected abstract IReadOnlyList<AllowanceIssuer> Issuers { get; }

    /// <summary>The issuer (and so the ledger) of a row's allowance.</summary>
    protected abstract AllowanceIssuer IssuerFor(TRow row);

    /// <summary>The row of a period (tracked), or null when there is none yet. Read before every payment and transfer: a
    /// compiled query.</summary>
    protected abstract Task<TRow?> FindAsync(ZhifuDb db, TKey key, CancellationToken cancellationToken);

    /// <summary>A new row with the period's key columns (<see cref="AllowancePeriodRow.UserId"/> among them) set.</summary>
    protected abstract TRow NewRow(TKey key);

    /// <summary>What is left of a period's allowance now.</summary>
    public long RemainingOf(AllowancePeriodRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return ledger.GetAccount(row.AccountId)?.AvailableCreditBalance ?? throw new InvalidOperationException("limit account missing");
    }

    /// <summary>The period's row, created if new, its allowance set to <paramref name="target"/>.</summary>
    protected async Task<TRow> ReadyPeriodAsync(TKey key, long target, CancellationToken cancellationToken)
    {
        var stripe = _stripes[(key.GetHashCode() & int.MaxValue) % _stripes.Length];
        await stripe.WaitAsync(cancellationToken); // one adjuster per period in this process; the row's version covers other processes
        try
        {
            await EnsureIssuersAsync(cancellationToken);
            for (var round = 0; round < RoundsMax; round++)
            {
                await using var db = database.CreateContext();
                var row = await FindAsync(db, key, cancellationToken)
                    ?? await CreateAsync(db, key, cancellationToken);
                if (row is null)
                {
                    continue;
                }
                if (row.PendingAdjustmentId is not null)
                {
                    await FinishAdjustmentAsync(db, row, cancellationToken);
                    continue;
                }
                if (row.AllowanceFen != target)
                {
                    AllowanceAdjustment.Plan(row, target, RemainingOf(row));
                }
                else if (!AllowanceAdjustment.Reclaim(row, RemainingOf(row)))
                {
                    return row;
                }
                await TrySaveAsync(db, cancellationToken);
            }
            throw new InvalidOperationException($"the {Name} period {key} did not settle");
        }
        finally
        {
            stripe.Release();
        }
    }

    private async Task FinishAdjustmentAsync(ZhifuDb db, TRow row, CancellationToken cancellationToken)
    {
        var raise = row.PendingAdjustmentFen > 0;
        var issuer = IssuerFor(row);
        var result = (await ledger.SubmitAsync([new Transfer
        {
            Id = row.PendingAdjustmentId!.Value,
            DebitAccountId = raise ? issuer.AccountId : row.AccountId,
            CreditAccountId = raise ? row.AccountId : issuer.AccountId,
            AmountFen = Math.Abs(row.PendingAdjustmentFen),
            Ledger = issuer.Ledger,
            Code = AdjustmentCode,
            BusinessId = row.Id,
        }], cancellationToken))[0];
        if (result.IsSuccess())
        {
            (row.AllowanceFen, row.ShortfallFen) = (row.PendingAllowanceFen, row.PendingShortfallFen);
        }
        else if (result != TransferResult.ExceedsCredits)
        {
            throw new InvalidOperationException($"{Name} allowance adjustment {row.PendingAdjustmentId}: {result}");
        }
        // ExceedsCredits: a use took part of the allowance before it could be taken back; plan again from the new balance.
        (row.PendingAdjustmentId, row.PendingAdjustmentFen, row.PendingAllowanceFen, row.PendingShortfallFen) = (null, 0, 0, 0);
        row.Version++;
        await TrySaveAsync(db, cancellationToken);
    }

    private async Task<TRow?> CreateAsync(ZhifuDb db, TKey key, CancellationToken cancellationToken)
    {
        var row = NewRow(key);
        (row.Id, row.AccountId, row.CreatedAt) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Clock.UtcNow);
        // The ledger account first: a row never names a missing account (an account whose row lost a race stays empty).
        await CreateAccountAsync(row.AccountId, IssuerFor(row).Ledger, AccountFlags.DebitsMustNotExceedCredits, cancellationToken);
        db.Add(row);
        return await TrySaveAsync(db, cancellationToken) ? row : null;
    }

    private async Task EnsureIssuersAsync(CancellationToken cancellationToken)
    {
        if (!_issuersReady)
        {
            foreach (var issuer in Issuers)
            {
                await CreateAccountAsync(issuer.AccountId, issuer.Ledger, AccountFlags.None, cancellationToken);
            }
            _issuersReady = true;
        }
    }

    private async Task CreateAccountAsync(Guid id, int onLedger, AccountFlags flags, CancellationToken cancellationToken)
    {
        var account = new NewAccount { Id = id, Ledger = onLedger, Code = AllowanceLedgers.ControlCode, Flags = flags };
        var result = (await ledger.CreateAccountsAsync([account], cancellationToken))[0];
        if (!result.IsSuccess())
        {
            throw new InvalidOperationException($"{Name} account {id}: {result}");
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
