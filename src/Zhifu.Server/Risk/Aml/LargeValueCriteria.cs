namespace Zhifu.Server.Risk.Aml;

/// <summary>
/// 大额交易 (RISK-6; 中国人民银行令〔2016〕第3号 art. 5): a customer whose transfers one way in a China natural day — income
/// or expenditure, summed one-sided per customer as art. 5 asks — reach the threshold of their kind, single or summed. Every
/// movement of that side of the day is reported, with the day's total.
/// </summary>
public static class LargeValueCriteria
{
    /// <summary>One reported movement and the one-sided day total that made it reportable.</summary>
    public sealed record Line(AmlMovement Move, long DayTotalFen);

    public static List<Line> Find(IEnumerable<AmlMovement> dayMoves, AmlRegulation regulation)
    {
        ArgumentNullException.ThrowIfNull(regulation);
        var lines = new List<Line>();
        foreach (var side in dayMoves.GroupBy(m => (m.CustomerKey, m.Inflow)).OrderBy(g => g.Key.CustomerKey, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Inflow))
        {
            var total = side.Aggregate(0L, (sum, m) => checked(sum + m.AmountFen));
            var threshold = IsNaturalPerson(side.Key.CustomerKey)
                ? regulation.LargeValueNaturalPersonFen
                : regulation.LargeValueNonNaturalPersonFen;
            if (total >= threshold)
            {
                lines.AddRange(side.Select(m => new Line(m, total)));
            }
        }
        return lines;
    }

    /// <summary>Wallets and the people holding them are natural persons; merchants (and, later, enterprise wallets) are not.</summary>
    public static bool IsNaturalPerson(string customerKey) =>
        customerKey.StartsWith("U:", StringComparison.Ordinal) || customerKey.StartsWith("P:", StringComparison.Ordinal);
}
