using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.RealName.Limits;

namespace Zhifu.Server.Transfers;

/// <summary>A wallet's agreed transfer limits now (TRF-1, PAY-7): its credit level's, or what an operator set.</summary>
public sealed record AgreedLimits(int CreditLevel, bool SetByOperator, long SingleAmountFen, long DailyAmountFen, int DailyCount,
    long YearlyAmountFen);

/// <summary>One limit leg to submit linked before the money move, and the limit it draws on.</summary>
public sealed record PlannedLeg(
    Transfer Transfer, string Limit, long LimitValue, DateTimeOffset? ResetsAt, BalanceLimitKind? ClassKind = null);

/// <summary>What is left of one limit now.</summary>
public sealed record TransferLimitStatus(string Limit, long LimitValue, long Remaining, DateTimeOffset? ResetsAt);

/// <summary>
/// The limits a transfer must fit (TRF-1, PAY-7, ACC-2): the agreed single, daily amount, daily count and yearly amount, and
/// the account class's cumulative limits. All but the single limit are ledger legs linked with the money move, so two
/// concurrent transfers can never both pass what only one fits; held transfers (delayed, to a card) hold their legs too,
/// so a revocation or a bank failure gives the allowance back with the money.
/// </summary>
public sealed class TransferLimits(DatabaseOptions database, TransferLimitLedger periods, BalanceLimits classLimits, ILedger ledger,
    TransferOptions options, IClock clock)
{
    private static readonly string[] Metrics =
        [TransferLimitLedger.DailyAmount, TransferLimitLedger.DailyCount, TransferLimitLedger.YearlyAmount];

    /// <summary>PAY-7: the level a wallet earns from its class and history, and an operator's setting over it.</summary>
    public async Task<AgreedLimits> AgreedAsync(UserRow user, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var transfers = await db.Set<WalletTransferRow>()
            .CountAsync(t => t.PayerUserId == user.Id && t.Status == WalletTransfers.Succeeded, cancellationToken);
        var ageDays = (clock.UtcNow - user.CreatedAt).TotalDays;
        var level = options.CreditLevels
            .Where(l => user.AccountClass >= l.ClassMin && ageDays >= l.AgeDaysMin && transfers >= l.TransfersMin)
            .OrderBy(l => l.Level).LastOrDefault() ?? options.CreditLevels[0];
        var set = await db.Set<TransferLimitOverrideRow>().AsNoTracking().FirstOrDefaultAsync(o => o.UserId == user.Id, cancellationToken);
        return new AgreedLimits(level.Level, set is not null, set?.SingleAmountFen ?? level.SingleAmountFen,
            set?.DailyAmountFen ?? level.DailyAmountFen, set?.DailyCount ?? level.DailyCount,
            set?.YearlyAmountFen ?? level.YearlyAmountFen);
    }

    /// <summary>The legs of a transfer of <paramref name="amountFen"/>, or the refusal naming the limit, what is left and when.</summary>
    public async Task<(IReadOnlyList<PlannedLeg> Legs, TransferProblem? Refusal)> PrepareAsync(UserRow payer, BalanceUse use,
        long amountFen, Guid transferId, bool held, CancellationToken cancellationToken)
    {
        var agreed = await AgreedAsync(payer, cancellationToken);
        if (amountFen > agreed.SingleAmountFen)
        {
            return ([], TransferProblem.LimitExceeded("single-amount", agreed.SingleAmountFen, agreed.SingleAmountFen, null));
        }
        var flags = TransferFlags.Linked | (held ? TransferFlags.Pending : TransferFlags.None);
        var classCheck = await classLimits.PrepareAsync(payer.Id, use, amountFen, transferId, cancellationToken);
        if (classCheck.Refusal is { } refused)
        {
            var error = refused.ToError();
            return ([], new TransferProblem(error.Status, error.Code, error.Zh, error.En,
                refused.Limit is null ? null : TransferProblem.Numbers("class", refused.LimitFen, refused.RemainingFen, refused.ResetsAt)));
        }
        var legs = classCheck.Legs
            .Select(l => new PlannedLeg(l.Transfer with { Flags = flags }, ClassLimitName(l.Kind), l.LimitFen, l.ResetsAt, l.Kind))
            .ToList();
        foreach (var metric in Metrics)
        {
            var target = metric switch
            {
                TransferLimitLedger.DailyAmount => agreed.DailyAmountFen,
                TransferLimitLedger.DailyCount => agreed.DailyCount,
                _ => agreed.YearlyAmountFen,
            };
            var row = await periods.ReadyAsync(payer.Id, metric, target, cancellationToken);
            var need = metric == TransferLimitLedger.DailyCount ? 1 : amountFen;
            var remaining = periods.RemainingOf(row);
            var resets = TransferLimitLedger.ResetsAt(metric, row.PeriodKey);
            if (need > remaining)
            {
                return ([], TransferProblem.LimitExceeded(metric, target, Math.Max(0, remaining), resets));
            }
            legs.Add(new PlannedLeg(new Transfer
            {
                Id = DerivedIds.For(transferId, "limit:" + metric),
                DebitAccountId = row.AccountId,
                CreditAccountId = TransferLimitLedger.IssuerOf(metric),
                AmountFen = need,
                Ledger = TransferLimitLedger.LedgerOf(metric),
                Code = WalletTransferCodes.TransferLimitUse,
                Flags = flags,
                BusinessId = row.Id,
            }, metric, target, resets));
        }
        return (legs, null);
    }

    /// <summary>
    /// ACC-2's limits as the API names them: <c>class-one-since-opening</c>, <c>class-two-year</c>, <c>class-three-year</c>.
    /// </summary>
    public static string ClassLimitName(BalanceLimitKind kind) => kind switch
    {
        BalanceLimitKind.ClassOneSinceOpening => "class-one-since-opening",
        BalanceLimitKind.ClassTwoYear => "class-two-year",
        _ => "class-three-year",
    };

    /// <summary>After the submit: the refusal when a limit leg failed (a concurrent transfer used the allowance), else null.</summary>
    public TransferProblem? Explain(IReadOnlyList<PlannedLeg> legs, IReadOnlyList<TransferResult> results)
    {
        for (var i = 0; i < legs.Count && i < results.Count; i++)
        {
            if (results[i] == TransferResult.ExceedsCredits)
            {
                var leg = legs[i];
                var remaining = Math.Max(0, ledger.GetAccount(leg.Transfer.DebitAccountId)?.AvailableCreditBalance ?? 0);
                if (leg.ClassKind is { } kind)
                {
                    var accountClass = kind switch
                    {
                        BalanceLimitKind.ClassOneSinceOpening => 1,
                        BalanceLimitKind.ClassTwoYear => 2,
                        _ => 3,
                    };
                    var error = LimitRefusal.Exceeded(kind, accountClass, leg.LimitValue, remaining, leg.ResetsAt).ToError();
                    return new TransferProblem(error.Status, error.Code, error.Zh, error.En,
                        TransferProblem.Numbers("class", leg.LimitValue, remaining, leg.ResetsAt));
                }
                return TransferProblem.LimitExceeded(leg.Limit, leg.LimitValue, remaining, leg.ResetsAt);
            }
        }
        return null;
    }

    /// <summary>The agreed limits and what is left of each today (the wallet's and the operators' view).</summary>
    public async Task<(AgreedLimits Agreed, IReadOnlyList<TransferLimitStatus> Status)> StatusAsync(UserRow user, CancellationToken ct)
    {
        var agreed = await AgreedAsync(user, ct);
        var statuses = new List<TransferLimitStatus> { new("single-amount", agreed.SingleAmountFen, agreed.SingleAmountFen, null) };
        foreach (var metric in Metrics)
        {
            var target = metric == TransferLimitLedger.DailyAmount ? agreed.DailyAmountFen
                : metric == TransferLimitLedger.DailyCount ? agreed.DailyCount : agreed.YearlyAmountFen;
            var row = await periods.ReadyAsync(user.Id, metric, target, ct);
            statuses.Add(new(metric, target, Math.Max(0, periods.RemainingOf(row)), TransferLimitLedger.ResetsAt(metric, row.PeriodKey)));
        }
        if (user.AccountClass > 0)
        {
            foreach (var s in await classLimits.StatusAsync(user.Id, ct))
            {
                statuses.Add(new(ClassLimitName(s.Kind), s.LimitFen, s.RemainingFen, s.ResetsAt));
            }
        }
        return (agreed, statuses);
    }
}
