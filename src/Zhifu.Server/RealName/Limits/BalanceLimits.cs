using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Entities;

namespace Zhifu.Server.RealName.Limits;

/// <summary>What is left of one limit now.</summary>
public sealed record LimitStatus(BalanceLimitKind Kind, long LimitFen, long RemainingFen, DateTimeOffset? ResetsAt);

/// <summary>
/// ACC-2's cumulative limits on balance-funded payments and transfers out, for every feature that spends a balance: Class Ⅰ
/// ¥1,000 since opening (own-card transfers included), Class Ⅱ ¥100,000 and Class Ⅲ ¥200,000 per calendar year in China
/// time (own-card withdrawals excluded), nothing at all for an unverified wallet. The check is the ledger itself: the
/// caller submits the returned legs linked before its money move, so concurrent payments can never overshoot.
/// </summary>
public sealed class BalanceLimits(DatabaseOptions database, LimitAccounts accounts, ILedger ledger, IClock clock)
{
    /// <summary>
    /// The limit legs for a balance-funded move of <paramref name="amountFen"/>, or a refusal naming the limit, what is left
    /// and when it resets. Leg ids derive from <paramref name="businessId"/> (one check per business record), so submitting
    /// the same business again is idempotent; like any ledger id, a refused business keeps its refusal.
    /// </summary>
    public async Task<LimitCheck> PrepareAsync(Guid userId, BalanceUse use, long amountFen, Guid businessId,
        CancellationToken cancellationToken) =>
        await PrepareAsync(userId, await ClassOfAsync(userId, cancellationToken), use, amountFen, businessId, cancellationToken);

    /// <summary>The same for a wallet the caller has just read (its account class as read; one read fewer on a payment's path).</summary>
    public Task<LimitCheck> PrepareAsync(UserRow user, BalanceUse use, long amountFen, Guid businessId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        return PrepareAsync(user.Id, user.AccountClass, use, amountFen, businessId, cancellationToken);
    }

    private async Task<LimitCheck> PrepareAsync(Guid userId, int accountClass, BalanceUse use, long amountFen, Guid businessId,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amountFen);
        ArgumentOutOfRangeException.ThrowIfEqual(businessId, Guid.Empty);
        if (accountClass == AccountClasses.None)
        {
            return new LimitCheck([], LimitRefusal.Unverified());
        }
        if (use == BalanceUse.Investment && accountClass != AccountClasses.Three)
        {
            return new LimitCheck([], LimitRefusal.InvestmentNeedsClassThree(accountClass));
        }
        var legs = new List<LimitLeg>();
        foreach (var period in LimitPeriods.PeriodsFor(accountClass, use, clock.UtcNow))
        {
            var row = await accounts.ReadyAsync(userId, period, accountClass, cancellationToken);
            var (kind, limit, resets) = (LimitPeriods.KindOf(period, accountClass), row.AllowanceFen, LimitPeriods.ResetsAt(period));
            var remaining = accounts.RemainingOf(row);
            if (amountFen > remaining)
            {
                return new LimitCheck([], LimitRefusal.Exceeded(kind, accountClass, limit, remaining, resets));
            }
            legs.Add(new LimitLeg(new Transfer
            {
                Id = LegId(businessId, row.AccountId),
                DebitAccountId = row.AccountId,
                CreditAccountId = LimitAccounts.Issuer.AccountId,
                AmountFen = amountFen,
                Ledger = LimitAccounts.Issuer.Ledger,
                Code = RealNameTransferCodes.BalanceLimitUse,
                Flags = TransferFlags.Linked,
                BusinessId = row.Id,
            }, kind, limit, resets));
        }
        return new LimitCheck(legs, null);
    }

    /// <summary>
    /// After the caller's submit: the refusal when a limit leg was what failed (another payment used the allowance between
    /// the check and the commit), else null.
    /// </summary>
    public LimitRefusal? Explain(LimitCheck check, IReadOnlyList<TransferResult> results)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(results);
        for (var i = 0; i < check.Legs.Count && i < results.Count; i++)
        {
            if (results[i] == TransferResult.ExceedsCredits)
            {
                var leg = check.Legs[i];
                var remaining = ledger.GetAccount(leg.Transfer.DebitAccountId)?.AvailableCreditBalance ?? 0;
                return LimitRefusal.Exceeded(leg.Kind, ClassOf(leg.Kind), leg.LimitFen, remaining, leg.ResetsAt);
            }
        }
        return null;
    }

    /// <summary>The limits in force for the wallet now and what is left of each (empty while unverified).</summary>
    public async Task<IReadOnlyList<LimitStatus>> StatusAsync(Guid userId, CancellationToken cancellationToken)
    {
        var accountClass = await ClassOfAsync(userId, cancellationToken);
        var statuses = new List<LimitStatus>();
        foreach (var period in LimitPeriods.PeriodsFor(accountClass, BalanceUse.Consumption, clock.UtcNow))
        {
            var row = await accounts.ReadyAsync(userId, period, accountClass, cancellationToken);
            var kind = LimitPeriods.KindOf(period, accountClass);
            if (statuses.All(s => s.Kind != kind))
            {
                statuses.Add(new LimitStatus(kind, row.AllowanceFen, accounts.RemainingOf(row), LimitPeriods.ResetsAt(period)));
            }
        }
        return statuses;
    }

    private async Task<int> ClassOfAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        return await db.Set<UserRow>().Where(u => u.Id == userId).Select(u => (int?)u.AccountClass).FirstOrDefaultAsync(cancellationToken)
            ?? throw new ArgumentException($"no wallet {userId}", nameof(userId));
    }

    private static int ClassOf(BalanceLimitKind kind) => kind switch
    {
        BalanceLimitKind.ClassOneSinceOpening => AccountClasses.One,
        BalanceLimitKind.ClassTwoYear => AccountClasses.Two,
        _ => AccountClasses.Three,
    };

    /// <summary>
    /// A leg id tied to the business and the control account. Unlike <see cref="DerivedIds"/> it keeps the business id's
    /// 48-bit time prefix: limit legs ride on every balance payment, and random ids would scatter the transfers index.
    /// </summary>
    private static Guid LegId(Guid businessId, Guid accountId)
    {
        Span<byte> input = stackalloc byte[32];
        businessId.TryWriteBytes(input[..16], bigEndian: true, out _);
        accountId.TryWriteBytes(input[16..], bigEndian: true, out _);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        Span<byte> id = stackalloc byte[16];
        input[..6].CopyTo(id);
        hash[6..16].CopyTo(id[6..]);
        id[6] = (byte)(0x80 | (id[6] & 0x0F)); // UUID version 8 (custom), RFC 9562
        id[8] = (byte)(0x80 | (id[8] & 0x3F));
        return new Guid(id, bigEndian: true);
    }
}
