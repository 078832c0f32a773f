using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Payments;
using Zhifu.Server.Security;

namespace Zhifu.Server.Consoles.Ops;

/// <summary>
/// The operator console's dashboard (SEC-2, SET-5): volumes, amounts and success rates by day and method, for every role.
/// Money is put on the China day it was paid (its success time, as the merchants' trade bills do): an order made at 23:59:50
/// and paid at 00:00:10 is the next day's takings. Orders and the success rate go by the day an order was made. At most
/// <see cref="OrdersMax"/> rows of each are read; the page says when the figures are partial.
/// </summary>
[Authorize(AuthenticationSchemes = OperatorAuth.Scheme)]
public sealed class IndexModel(DatabaseOptions database, IClock clock) : PageModel
{
    public const int Days14 = 14;
    public const int OrdersMax = 200_000;

    public sealed record DayRow(string Day, int Orders, int Paid, string Rate, string Amount);

    public string TodayAmount { get; private set; } = "";
    public int TodayCount { get; private set; }
    public int TodayTransfers { get; private set; }
    public int OpenCases { get; private set; }
    public string SuccessRate { get; private set; } = "–";
    public string AmountChart { get; private set; } = "";
    public IReadOnlyList<DayRow> Days { get; private set; } = [];
    public bool FiguresPartial { get; private set; }

    public async Task OnGetAsync()
    {
        var today = ChinaTime.ToChina(clock.UtcNow).Date;
        var from = new DateTimeOffset(today.AddDays(-(Days14 - 1)), TimeSpan.FromHours(8)).ToUniversalTime();
        await using var db = database.CreateContext();
        var ct = HttpContext.RequestAborted;
        var orders = await db.Set<PaymentOrderRow>().AsNoTracking().Where(o => o.CreatedAt >= from).OrderByDescending(o => o.CreatedAt)
            .Take(OrdersMax).Select(o => new { o.CreatedAt, o.State }).ToListAsync(ct);
        var paid = await db.Set<PaymentOrderRow>().AsNoTracking().Where(o => o.State == PaymentOrders.Success && o.SuccessTime >= from)
            .OrderByDescending(o => o.SuccessTime).Take(OrdersMax).Select(o => new { At = o.SuccessTime!.Value, o.TradeType, o.TotalFen })
            .ToListAsync(ct);
        FiguresPartial = orders.Count == OrdersMax || paid.Count == OrdersMax;
        var todayStart = new DateTimeOffset(today, TimeSpan.FromHours(8)).ToUniversalTime();
        TodayTransfers = await db.Set<WalletTransferRow>().CountAsync(t => t.CreatedAt >= todayStart, ct);
        OpenCases = await db.Set<RiskCaseRow>().CountAsync(c => c.Status != Zhifu.Server.Risk.RiskCases.Decided, ct);
        var todays = paid.Where(o => o.At >= todayStart).ToList();
        (TodayCount, TodayAmount) = (todays.Count, new Money(todays.Sum(o => o.TotalFen)).ToString());
        var madePaid = orders.Count(o => o.State == PaymentOrders.Success);
        SuccessRate = orders.Count == 0 ? "–" : (madePaid * 100.0 / orders.Count).ToString("0.0", CultureInfo.InvariantCulture) + "%";
        var days = Enumerable.Range(0, Days14).Select(i => today.AddDays(-(Days14 - 1) + i)).ToList();
        // Each row's China day once (a time-zone conversion each), then one pass per figure instead of one per day and method.
        var made = orders.Select(o => (Day: ChinaTime.ToChina(o.CreatedAt).Date, o.State)).ToLookup(x => x.Day, x => x.State);
        var paidOn = paid.Select(o => (Day: ChinaTime.ToChina(o.At).Date, Order: o)).ToLookup(x => x.Day, x => x.Order);
        var paidFen = paid.GroupBy(o => (ChinaTime.ToChina(o.At).Date, o.TradeType)).ToDictionary(g => g.Key, g => g.Sum(o => o.TotalFen));
        Days = [.. days.Select(d =>
        {
            var all = made[d].Count();
            var ok = made[d].Count(s => s == PaymentOrders.Success);
            return new DayRow(d.ToString("MM-dd", CultureInfo.InvariantCulture), all, paidOn[d].Count(),
                all == 0 ? "–" : (ok * 100.0 / all).ToString("0.0", CultureInfo.InvariantCulture) + "%", new Money(paidOn[d].Sum(o => o.TotalFen)).ToString());
        }).Reverse()];
        var methods = paid.Select(o => o.TradeType).Distinct().Order(StringComparer.Ordinal).ToList();
        AmountChart = BarChart.Stacked(days.Select(d => d.ToString("MM-dd", CultureInfo.InvariantCulture)).ToList(), methods,
            (day, method) => paidFen.GetValueOrDefault((days[day], method)),
            ConsoleText.IsEnglish(HttpContext) ? "No payments in these days" : "这段时间没有收款");
    }
}

/// <summary>A stacked bar chart as inline SVG, drawn on the server: no script, prints and screenshots as it shows.</summary>
public static class BarChart
{
    private static readonly string[] Colors = ["#1456f0", "#2ea121", "#de7802", "#7f3bf5", "#d83931", "#0fb5ae"];

    public static string Stacked(IReadOnlyList<string> labels, IReadOnlyList<string> series, Func<int, string, long> valueFen, string empty)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(valueFen);
        const int width = 760, height = 220, left = 70, bottom = 30;
        var totals = labels.Select((_, i) => series.Sum(s => valueFen(i, s))).ToList();
        if (totals.All(t => t == 0))
        {
            return $"<p class=\"muted\">{System.Net.WebUtility.HtmlEncode(empty)}</p>";
        }
        var max = totals.Max();
        var bar = (width - left) / Math.Max(1, labels.Count);
        var svg = new StringBuilder($"<svg role=\"img\" viewBox=\"0 0 {width} {height + 24}\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"14\" font-size=\"12\" fill=\"#646a73\">{new Money(max)}</text>");
        for (var i = 0; i < labels.Count; i++)
        {
            double y = height - bottom;
            for (var s = 0; s < series.Count; s++)
            {
                var h = valueFen(i, series[s]) * (height - bottom - 20.0) / max;
                y -= h;
                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect x=\"{left + i * bar + 4}\" y=\"{y:0.#}\" width=\"{bar - 8}\" height=\"{h:0.#}\" fill=\"{Colors[s % Colors.Length]}\"><title>{series[s]} {new Money(valueFen(i, series[s]))}</title></rect>");
            }
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{left + i * bar + bar / 2}\" y=\"{height - 10}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#646a73\">{labels[i]}</text>");
        }
        for (var s = 0; s < series.Count; s++)
        {
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{left + s * 110}\" y=\"{height + 6}\" width=\"10\" height=\"10\" fill=\"{Colors[s % Colors.Length]}\"/><text x=\"{left + s * 110 + 14}\" y=\"{height + 15}\" font-size=\"12\">{series[s]}</text>");
        }
        return svg.Append("</svg>").ToString();
    }
}
