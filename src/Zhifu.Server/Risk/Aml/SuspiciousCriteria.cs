using Zhifu.Core;

namespace Zhifu.Server.Risk.Aml;

/// <summary>One suspicious-rule hit: the rule, the customer, the movements involved and the facts that tripped it.</summary>
public sealed record AmlHit(string RuleId, string RuleName, string CustomerKey, long AmountFen, IReadOnlyList<AmlMovement> Moves,
    string Facts);

/// <summary>
/// 可疑交易 (RISK-6; 中国人民银行令〔2016〕第3号 arts. 11–13): the institution's own monitoring criteria, each a rule with a
/// stable id and its parameters in <c>Regulation:Aml</c>. These judge one China day's movements; the dormant-wallet rule
/// needs the history and runs in <see cref="AmlReportBuilder"/>.
/// </summary>
public static class SuspiciousCriteria
{
    public const string Structuring = "AML-S1-STRUCTURING";
    public const string PassThrough = "AML-S2-PASS-THROUGH";
    public const string FanOut = "AML-S3-FAN-OUT";
    public const string FanIn = "AML-S4-FAN-IN";
    public const string Dormant = "AML-S5-DORMANT";

    /// <summary>AML-S1 拆分交易: at least CountMin movements one way, each within BelowPercent under ThresholdFen.</summary>
    public static IEnumerable<AmlHit> FindStructuring(IEnumerable<AmlMovement> dayMoves, StructuringRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var low = rule.ThresholdFen - rule.ThresholdFen * rule.BelowPercent / 100;
        foreach (var side in Sides(dayMoves))
        {
            var band = side.Where(m => m.AmountFen >= low && m.AmountFen < rule.ThresholdFen).ToList();
            if (rule.Enabled && band.Count >= rule.CountMin)
            {
                yield return new AmlHit(Structuring, "拆分交易 structuring", side.Key.CustomerKey, Sum(band), band,
                    $"{band.Count} 笔{Way(side.Key.Inflow, true)}均在 {new Money(low)}–{new Money(rule.ThresholdFen - 1)}，略低于 "
                    + $"{new Money(rule.ThresholdFen)} / {band.Count} {Way(side.Key.Inflow, false)} each within {rule.BelowPercent}% "
                    + $"below {new Money(rule.ThresholdFen)}");
            }
        }
    }

    /// <summary>
    /// AML-S2 快进快出: a wallet whose inflows within WindowHours before one of the day's outflows reach InflowMinFen and whose
    /// outflows in that window reach OutflowPercentMin of them. <paramref name="moves"/> must reach WindowHours before the day.
    /// </summary>
    public static IEnumerable<AmlHit> FindPassThrough(IEnumerable<AmlMovement> moves, DateTimeOffset dayStart, PassThroughRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var window = TimeSpan.FromHours(rule.WindowHours);
        foreach (var wallet in moves.Where(m => LargeValueCriteria.IsNaturalPerson(m.CustomerKey) && rule.Enabled)
            .GroupBy(m => m.CustomerKey).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var list = wallet.OrderBy(m => m.At).ToList();
            long inFen = 0, outFen = 0;
            var first = 0;
            var outflowNow = false;
            for (var i = 0; i < list.Count; i++)
            {
                (inFen, outFen) = Add(list[i], inFen, outFen, 1);
                for (; list[first].At < list[i].At - window; first++)
                {
                    (inFen, outFen) = Add(list[first], inFen, outFen, -1);
                }
                // Judged once per instant, when everything that happened at it is in the window (order within it is moot).
                outflowNow |= !list[i].Inflow;
                if (i + 1 < list.Count && list[i + 1].At == list[i].At)
                {
                    continue;
                }
                var trips = outflowNow && list[i].At >= dayStart && inFen >= rule.InflowMinFen
                    && checked(outFen * 100) >= checked(inFen * rule.OutflowPercentMin);
                outflowNow = false;
                if (trips)
                {
                    var percent = outFen * 100 / inFen;
                    yield return new AmlHit(PassThrough, "快进快出 rapid pass-through", wallet.Key, outFen, list[first..(i + 1)],
                        $"{rule.WindowHours} 小时内转入 {new Money(inFen)}、转出 {new Money(outFen)}（{percent}%） / within "
                        + $"{rule.WindowHours} h {new Money(inFen)} in and {new Money(outFen)} out ({percent}%)");
                    break;
                }
            }
        }
    }

    /// <summary>AML-S3 分散转出 / AML-S4 集中转入: a wallet moving money to or from CountMin or more distinct counterparties.</summary>
    public static IEnumerable<AmlHit> FindCounterparties(IEnumerable<AmlMovement> dayMoves, CounterpartiesRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        // Shopping at many merchants is ordinary: merchant payments and their refunds are not counted.
        var transfers = dayMoves.Where(m => rule.Enabled && LargeValueCriteria.IsNaturalPerson(m.CustomerKey)
            && m.Type is not (AmlMovementTypes.Payment or AmlMovementTypes.Refund));
        foreach (var side in Sides(transfers))
        {
            var count = side.Select(m => m.CounterpartyKey).Distinct(StringComparer.Ordinal).Count();
            if (count >= rule.CountMin)
            {
                var moves = side.ToList();
                yield return side.Key.Inflow
                    ? new AmlHit(FanIn, "集中转入 fan-in", side.Key.CustomerKey, Sum(moves), moves,
                        $"当日自 {count} 个不同交易对手转入 / money in from {count} distinct counterparties in a day")
                    : new AmlHit(FanOut, "分散转出 fan-out", side.Key.CustomerKey, Sum(moves), moves,
                        $"当日向 {count} 个不同交易对手转出 / money out to {count} distinct counterparties in a day");
            }
        }
    }

    private static (long In, long Out) Add(AmlMovement m, long inFen, long outFen, int sign) =>
        m.Inflow ? (checked(inFen + sign * m.AmountFen), outFen) : (inFen, checked(outFen + sign * m.AmountFen));

    public static long Sum(IEnumerable<AmlMovement> moves) => moves.Aggregate(0L, (sum, m) => checked(sum + m.AmountFen));

    private static IEnumerable<IGrouping<(string CustomerKey, bool Inflow), AmlMovement>> Sides(IEnumerable<AmlMovement> moves) =>
        moves.GroupBy(m => (m.CustomerKey, m.Inflow)).OrderBy(g => g.Key.CustomerKey, StringComparer.Ordinal).ThenBy(g => g.Key.Inflow);

    private static string Way(bool inflow, bool chinese) => (inflow, chinese) switch
    {
        (true, true) => "收入",
        (false, true) => "支出",
        (true, false) => "inflows",
        _ => "outflows",
    };
}
