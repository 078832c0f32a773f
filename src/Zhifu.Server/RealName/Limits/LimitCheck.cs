using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Server.Accounts;

namespace Zhifu.Server.RealName.Limits;

/// <summary>One limit leg: the control transfer to put before the money move, and which limit it draws on.</summary>
public sealed record LimitLeg(Transfer Transfer, BalanceLimitKind Kind, long LimitFen, DateTimeOffset? ResetsAt);

/// <summary>
/// What <see cref="BalanceLimits.PrepareAsync"/> answers: either the linked limit legs to prepend to the caller's transfers
/// (submitted in the same request, so an over-limit move fails atomically in the ledger), or a refusal.
/// </summary>
public sealed record LimitCheck(IReadOnlyList<LimitLeg> Legs, LimitRefusal? Refusal)
{
    public bool Allowed => Refusal is null;

    /// <summary>
    /// The legs followed by the caller's transfers, as one request. The legs are linked to what follows; the caller's own
    /// transfers must form one chain (every one but the last <see cref="TransferFlags.Linked"/>), so all apply or none.
    /// </summary>
    public IReadOnlyList<Transfer> Before(IReadOnlyList<Transfer> moves)
    {
        ArgumentNullException.ThrowIfNull(moves);
        if (!Allowed)
        {
            throw new InvalidOperationException("a refused limit check has no legs to submit");
        }
        if (moves.Count == 0 || moves[^1].Flags.HasFlag(TransferFlags.Linked)
            || moves.Take(moves.Count - 1).Any(m => !m.Flags.HasFlag(TransferFlags.Linked)))
        {
            throw new ArgumentException("the money move must be one linked chain", nameof(moves));
        }
        return [.. Legs.Select(l => l.Transfer), .. moves];
    }
}

/// <summary>A refusal by ACC-2's class rules: which limit, how much is left and when it resets.</summary>
public sealed record LimitRefusal(string Code, string Zh, string En, int AccountClass, BalanceLimitKind? Limit, long LimitFen,
    long RemainingFen, DateTimeOffset? ResetsAt)
{
    /// <summary>The Wallet API's refusal (403) with the numbers in the message.</summary>
    public WalletError ToError() => new(403, Code, Zh, En);

    public static LimitRefusal Unverified() => new("BALANCE_REQUIRES_REAL_NAME",
        "未实名认证的账户不能使用余额，请先完成实名认证（ACC-2）", "An unverified wallet may not use its balance; verify your real name first (ACC-2)",
        AccountClasses.None, null, 0, 0, null);

    public static LimitRefusal InvestmentNeedsClassThree(int accountClass) => new("INVESTMENT_REQUIRES_CLASS_THREE",
        "仅Ⅲ类支付账户的余额可以购买投资理财产品（ACC-2）", "Only a Class Ⅲ balance may buy investment products (ACC-2)",
        accountClass, null, 0, 0, null);

    public static LimitRefusal Exceeded(BalanceLimitKind kind, int accountClass, long limitFen, long remainingFen, DateTimeOffset? resetsAt)
    {
        var (limit, remaining) = (new Money(limitFen), new Money(remainingFen));
        var reset = resetsAt is { } at ? ChinaTime.Format(at) : null;
        return kind switch
        {
            BalanceLimitKind.ClassOneSinceOpening => new("CLASS_ONE_LIMIT_EXCEEDED",
                $"Ⅰ类账户自开户起余额付款累计限额 {limit}，剩余 {remaining}；提升账户类别可提高限额",
                $"A Class Ⅰ wallet may pay {limit} from its balance since opening; {remaining} is left. Raise the class for more",
                accountClass, kind, limitFen, remainingFen, null),
            BalanceLimitKind.ClassTwoYear => new("CLASS_TWO_YEAR_LIMIT_EXCEEDED",
                $"Ⅱ类账户余额付款年累计限额 {limit}，本年剩余 {remaining}，{reset} 重置",
                $"A Class Ⅱ wallet may pay {limit} a year from its balance; {remaining} is left this year, reset at {reset}",
                accountClass, kind, limitFen, remainingFen, resetsAt),
            _ => new("CLASS_THREE_YEAR_LIMIT_EXCEEDED",
                $"Ⅲ类账户余额付款年累计限额 {limit}，本年剩余 {remaining}，{reset} 重置",
                $"A Class Ⅲ wallet may pay {limit} a year from its balance; {remaining} is left this year, reset at {reset}",
                accountClass, kind, limitFen, remainingFen, resetsAt),
        };
    }
}
