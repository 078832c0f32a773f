using Zhifu.Core;

namespace Zhifu.Server.RealName.Limits;

/// <summary>
/// The period logic of ACC-2's limits, pure and clock-driven: Class Ⅰ counts since opening (period 0), Class Ⅱ and Ⅲ per
/// calendar year in Asia/Shanghai (period = the year). While a wallet is Class Ⅰ its year is counted too (at Class Ⅰ's
/// allowance, which the since-opening limit always reaches first), so an upgrade later in the year starts from what was
/// really used that year.
/// </summary>
public static class LimitPeriods
{
    /// <summary>The since-opening period of Class Ⅰ.</summary>
    public const int SinceOpening = 0;

    /// <summary>The calendar year, in China time, of an instant.</summary>
    public static int YearOf(DateTimeOffset instant) => ChinaTime.ToChina(instant).Year;

    /// <summary>00:00 on 1 January of <paramref name="year"/> in Asia/Shanghai.</summary>
    public static DateTimeOffset StartOfYear(int year) =>
        new(TimeZoneInfo.ConvertTimeToUtc(new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Unspecified), ChinaTime.Zone), TimeSpan.Zero);

    /// <summary>When a period's allowance starts afresh; never for since-opening.</summary>
    public static DateTimeOffset? ResetsAt(int period) => period == SinceOpening ? null : StartOfYear(period + 1);

    /// <summary>The periods a use counts in, for a wallet of this class at this instant (none for class 0: no balance use).</summary>
    public static IReadOnlyList<int> PeriodsFor(int accountClass, BalanceUse use, DateTimeOffset now)
    {
        var year = YearOf(now);
        var countsInYear = use != BalanceUse.OwnCardWithdrawal; // ACC-2: the yearly limits exclude withdrawals to the holder's own card
        return accountClass switch
        {
            AccountClasses.One => countsInYear ? [SinceOpening, year] : [SinceOpening],
            AccountClasses.Two or AccountClasses.Three => countsInYear ? [year] : [],
            _ => [],
        };
    }

    /// <summary>The allowance of a period for a wallet of this class.</summary>
    public static long AllowanceFen(int period, int accountClass, AccountClassRegulation regulation)
    {
        ArgumentNullException.ThrowIfNull(regulation);
        return period == SinceOpening ? regulation.ClassOneLimitFen : accountClass switch
        {
            AccountClasses.One => regulation.ClassOneLimitFen,
            AccountClasses.Two => regulation.ClassTwoLimitFen,
            AccountClasses.Three => regulation.ClassThreeLimitFen,
            _ => 0,
        };
    }

    /// <summary>Which limit a period is, for a wallet of this class.</summary>
    public static BalanceLimitKind KindOf(int period, int accountClass) =>
        period == SinceOpening || accountClass == AccountClasses.One ? BalanceLimitKind.ClassOneSinceOpening
        : accountClass == AccountClasses.Two ? BalanceLimitKind.ClassTwoYear
        : BalanceLimitKind.ClassThreeYear;
}
