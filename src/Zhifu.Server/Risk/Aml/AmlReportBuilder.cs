using System.Globalization;
using Zhifu.Core;

namespace Zhifu.Server.Risk.Aml;

/// <summary>Builds one day's report file of one kind from the movements (RISK-6); the file layout is docs/risk-aml.md's.</summary>
public sealed class AmlReportBuilder(AmlSources sources, AmlRegulation regulation, AmlOptions options)
{
    public const string LargeValue = "large-value";
    public const string Suspicious = "suspicious";
    public static readonly string[] Kinds = [LargeValue, Suspicious];

    private static readonly string[] CustomerColumns =
    [
        "报告日期 Report day", "客户号 Customer id", "客户类型 Customer type", "客户名称 Name (masked)", "手机号 Phone (masked)",
        "证件号码 ID number (masked)",
    ];

    public static readonly string[] LargeValueHeader =
    [
        .. CustomerColumns, "资金方向 Direction", "当日单边累计 Day total", "交易时间 Transaction time", "交易类型 Type",
        "交易金额 Amount", "交易对手 Counterparty (masked)", "交易编号 Transaction id",
    ];

    public static readonly string[] SuspiciousHeader =
    [
        "报告日期 Report day", "规则编号 Rule id", "规则名称 Rule name", .. CustomerColumns[1..], "涉及金额 Amount", "交易笔数 Count",
        "触发事实 Facts", "交易编号 Transaction ids",
    ];

    /// <summary>A built file, its detail rows, and whether a limit cut it short.</summary>
    public sealed record Built(byte[] Content, int RowCount, bool Truncated);

    /// <summary>The instants a China natural day spans, [start, end).</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Span(DateOnly day)
    {
        var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)).ToUniversalTime();
        return (start, start.AddDays(1));
    }

    public async Task<Built> BuildAsync(DateOnly day, string kind, CancellationToken ct)
    {
        var (start, end) = Span(day);
        var lookback = kind == Suspicious ? TimeSpan.FromHours(regulation.PassThrough.WindowHours) : TimeSpan.Zero;
        var (moves, truncated) = await sources.LoadAsync(start - lookback, end, options.SourceRowsMax, ct);
        // Customers, not accounts (art. 5 以客户为单位): a verified person's wallets are judged together; a movement between
        // two of them is none of the customer's. The dormant-wallet rule alone looks at each wallet.
        var people = await sources.PeopleAsync(moves.SelectMany(m => new[] { m.CustomerKey, m.CounterpartyKey }), ct);
        var byPerson = moves.Select(m => m with
            {
                CustomerKey = people.GetValueOrDefault(m.CustomerKey, m.CustomerKey),
                CounterpartyKey = people.GetValueOrDefault(m.CounterpartyKey, m.CounterpartyKey),
            })
            .Where(m => m.CustomerKey != m.CounterpartyKey).ToList();
        var dayMoves = byPerson.Where(m => m.At >= start).ToList();
        var text = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var rows = kind == LargeValue
            ? await LargeValueRowsAsync(text, dayMoves, ct)
            : await SuspiciousRowsAsync(text, byPerson, dayMoves, [.. moves.Where(m => m.At >= start)], start, ct);
        if (rows.Count > options.ReportRowsMax)
        {
            (rows, truncated) = (rows[..options.ReportRowsMax], true);
        }
        return new Built(AmlCsv.Write(kind == LargeValue ? LargeValueHeader : SuspiciousHeader, rows), rows.Count, truncated);
    }

    private async Task<List<IReadOnlyList<string>>> LargeValueRowsAsync(string day, List<AmlMovement> dayMoves, CancellationToken ct)
    {
        var lines = LargeValueCriteria.Find(dayMoves, regulation);
        var customers = await sources.CustomersAsync(lines.SelectMany(l => new[] { l.Move.CustomerKey, l.Move.CounterpartyKey }), ct);
        return [.. lines.Select(l => (IReadOnlyList<string>)
        [
            .. Customer(day, customers, l.Move.CustomerKey), l.Move.Inflow ? "收入 in" : "支出 out", new Money(l.DayTotalFen).ToString(),
            ChinaTime.Format(l.Move.At), l.Move.Type, new Money(l.Move.AmountFen).ToString(), Counterparty(l.Move, customers),
            l.Move.Reference,
        ])];
    }

    private async Task<List<IReadOnlyList<string>>> SuspiciousRowsAsync(string day, List<AmlMovement> moves, List<AmlMovement> dayMoves,
        List<AmlMovement> walletDayMoves, DateTimeOffset start, CancellationToken ct)
    {
        var hits = SuspiciousCriteria.FindStructuring(dayMoves, regulation.Structuring)
            .Concat(SuspiciousCriteria.FindPassThrough(moves, start, regulation.PassThrough))
            .Concat(SuspiciousCriteria.FindCounterparties(dayMoves, regulation.Counterparties))
            .Concat(await DormantAsync(walletDayMoves, start, ct)).ToList();
        var customers = await sources.CustomersAsync(hits.Select(h => h.CustomerKey), ct);
        return [.. hits.Select(h => (IReadOnlyList<string>)
        [
            day, h.RuleId, h.RuleName, .. Customer(day, customers, h.CustomerKey)[1..], new Money(h.AmountFen).ToString(),
            h.Moves.Count.ToString(CultureInfo.InvariantCulture), h.Facts, References(h.Moves),
        ])];
    }

    /// <summary>AML-S5: a wallet opened and idle for IdleDays before the day that moves AmountMinFen or more (in plus out) in it.</summary>
    private async Task<List<AmlHit>> DormantAsync(List<AmlMovement> dayMoves, DateTimeOffset start, CancellationToken ct)
    {
        var rule = regulation.Dormant;
        var candidates = dayMoves.Where(m => rule.Enabled && LargeValueCriteria.IsNaturalPerson(m.CustomerKey))
            .GroupBy(m => m.CustomerKey).Where(g => SuspiciousCriteria.Sum(g) >= rule.AmountMinFen).ToList();
        var idleFrom = start.AddDays(-rule.IdleDays);
        var customers = await sources.CustomersAsync(candidates.Select(c => c.Key), ct);
        var hits = new List<AmlHit>();
        var idle = candidates.Where(c => customers.TryGetValue(c.Key, out var who) && who.OpenedAt <= idleFrom).ToList();
        var active = await sources.ActiveAsync([.. idle.Select(w => Guid.Parse(w.Key[2..]))], idleFrom, start, ct);
        foreach (var wallet in idle.Where(w => !active.Contains(Guid.Parse(w.Key[2..]))))
        {
            var moved = SuspiciousCriteria.Sum(wallet);
            hits.Add(new AmlHit(SuspiciousCriteria.Dormant, "休眠账户异常启用 dormant wallet reactivated", wallet.Key, moved,
                [.. wallet], $"此前 {rule.IdleDays} 天无交易，当日收付合计 {new Money(moved)} / no transaction in the "
                + $"{rule.IdleDays} days before, then {new Money(moved)} moved in the day"));
        }
        return hits;
    }

    private static string[] Customer(string day, Dictionary<string, AmlCustomer> customers, string key)
    {
        var c = customers.GetValueOrDefault(key);
        return c is null
            ? [day, key, "", "", "", ""]
            : [day, c.Id, c.NaturalPerson ? "自然人 natural person" : "非自然人 non-natural person", c.NameMasked, c.PhoneMasked,
                c.IdNumberMasked];
    }

    private static string Counterparty(AmlMovement move, Dictionary<string, AmlCustomer> customers) =>
        move.CounterpartyShown.Length > 0 ? move.CounterpartyShown
        : customers.GetValueOrDefault(move.CounterpartyKey) is not { } c ? ""
        : c.NaturalPerson ? $"{c.NameMasked} {c.PhoneMasked}"
        : $"{c.NameMasked} ({c.Id})";

    private string References(IReadOnlyList<AmlMovement> moves)
    {
        var ids = moves.Select(m => m.Reference).Distinct(StringComparer.Ordinal).ToList();
        var shown = string.Join(';', ids.Take(options.IdsPerHitMax));
        return ids.Count > options.IdsPerHitMax ? $"{shown};…(+{ids.Count - options.IdsPerHitMax})" : shown;
    }
}
