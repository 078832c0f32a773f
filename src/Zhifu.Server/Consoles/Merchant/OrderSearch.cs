using System.Globalization;
using Zhifu.Core;
using Zhifu.Data.Entities;
using Zhifu.Server.Payments;

namespace Zhifu.Server.Consoles.Merchant;

/// <summary>
/// The orders list's filter (MER-3), bound from the query string and applied on the server, the same for the page and its
/// CSV / Excel exports: order number (out_trade_no or transaction_id), trade type, the protocol's trade state, an amount
/// range in yuan and a date range in China time.
/// </summary>
public sealed class OrderSearch
{
    public static readonly (string Value, string Zh, string En)[] TradeTypes =
    [
        (OrderRequest.Native, "扫码支付", "Native (QR)"), (OrderRequest.Jsapi, "公众号/小程序", "JSAPI"), (OrderRequest.App, "APP 支付", "App"),
        (OrderRequest.H5, "H5 支付", "H5"), (OrderRequest.MicroPay, "付款码支付", "Payment code"),
        (OrderRequest.EntrustedDebit, "免密支付（委托代扣）", "Passwordless (PAP)"), (OrderRequest.FacePay, "刷脸支付", "Face pay"),
    ];

    /// <summary>The protocol's trade_state values (<see cref="TransactionView.State"/>).</summary>
    public static readonly (string Value, string Zh, string En)[] States =
    [
        ("SUCCESS", "支付成功", "paid"), ("REFUND", "转入退款", "refunded"), ("NOTPAY", "未支付", "not paid"), ("CLOSED", "已关闭", "closed"),
        ("USERPAYING", "用户支付中", "payer confirming"), ("PAYERROR", "支付失败", "payment failed"), ("REVOKED", "已撤销", "reversed"),
    ];

    public string? Number { get; set; }

    public string? TradeType { get; set; }

    public string? State { get; set; }

    public string? MinYuan { get; set; }

    public string? MaxYuan { get; set; }

    public string? From { get; set; }

    public string? To { get; set; }

    public string? Sort { get; set; }

    /// <summary>The filter in a request's query string (q, type, state, min, max, from, to, sort).</summary>
    public static OrderSearch Of(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        string? Get(string name) => query[name].FirstOrDefault() is { Length: > 0 and <= 64 } v ? v : null;
        return new OrderSearch
        {
            Number = Get("q"), TradeType = Get("type"), State = Get("state"), MinYuan = Get("min"), MaxYuan = Get("max"), From = Get("from"),
            To = Get("to"), Sort = Get("sort"),
        };
    }

    public string? AmountError { get; private set; }
    public string? DateError { get; private set; }

    /// <summary>A field the filter could not read (and so left out): an export would not be what the merchant asked for.</summary>
    public bool HasErrors => AmountError is not null || DateError is not null;

    /// <summary>The filter as a query string (for paging links and export links), without the page.</summary>
    public string QueryString() => string.Join('&', new[]
        {
            ("q", Number), ("type", TradeType), ("state", State), ("min", MinYuan), ("max", MaxYuan), ("from", From), ("to", To),
            ("sort", Sort),
        }.Where(p => !string.IsNullOrEmpty(p.Item2)).Select(p => p.Item1 + "=" + Uri.EscapeDataString(p.Item2!)));

    /// <summary>Applies the filter to one merchant's orders; a bad amount or date is reported next to its field and ignored.</summary>
    public IQueryable<PaymentOrderRow> Apply(IQueryable<PaymentOrderRow> orders, string mchId, DateTimeOffset now, bool english)
    {
        ArgumentNullException.ThrowIfNull(orders);
        var query = orders.Where(o => o.MchId == mchId);
        Number = Number?.Trim() is { Length: > 0 and <= 64 } n ? n : null;
        if (Number is { } number)
        {
            query = query.Where(o => o.OutTradeNo == number || o.TransactionId == number);
        }
        TradeType = TradeTypes.Any(t => t.Value == TradeType) ? TradeType : null;
        if (TradeType is { } type)
        {
            query = query.Where(o => o.TradeType == type);
        }
        State = States.Any(s => s.Value == State) ? State : null;
        query = State is null ? query : ByState(query, State, now);
        var (min, max) = (Yuan(MinYuan), Yuan(MaxYuan));
        if (min is null && !string.IsNullOrWhiteSpace(MinYuan) || max is null && !string.IsNullOrWhiteSpace(MaxYuan))
        {
            AmountError = english ? "Amounts are yuan with at most two decimals, e.g. 12.50" : "金额须为元，最多两位小数，如 12.50";
        }
        else if (min > max)
        {
            AmountError = english ? "The lowest amount is above the highest" : "最低金额大于最高金额";
        }
        else
        {
            query = min is { } lo ? query.Where(o => o.TotalFen >= lo) : query;
            query = max is { } hi ? query.Where(o => o.TotalFen <= hi) : query;
        }
        var (from, to) = (Day(From), Day(To));
        if (from is null && !string.IsNullOrWhiteSpace(From) || to is null && !string.IsNullOrWhiteSpace(To))
        {
            DateError = english ? "Dates are yyyy-mm-dd" : "日期格式须为 年-月-日";
        }
        else if (from > to)
        {
            DateError = english ? "The start date is after the end date" : "开始日期晚于结束日期";
        }
        else
        {
            query = from is { } f ? query.Where(o => o.CreatedAt >= f) : query;
            query = to is { } t ? query.Where(o => o.CreatedAt < t.AddDays(1)) : query;
        }
        Sort = Sort is "old" or "amount" ? Sort : null;
        // the id last: orders of one instant (or one amount) keep one order between pages, whatever sort the database picks
        return Sort switch
        {
            "old" => query.OrderBy(o => o.CreatedAt).ThenBy(o => o.Id),
            "amount" => query.OrderByDescending(o => o.TotalFen).ThenByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id),
            _ => query.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id),
        };
    }

    /// <summary>Where <see cref="TransactionView.State"/> would answer <paramref name="state"/>, as a query: payment-code
    /// charges and passwordless (PAP) charges wait as USERPAYING and fail as PAYERROR, a closed PAP charge reads PAYERROR.</summary>
    private static IQueryable<PaymentOrderRow> ByState(IQueryable<PaymentOrderRow> q, string state, DateTimeOffset now)
    {
        const string micro = OrderRequest.MicroPay;
        const string pap = OrderRequest.EntrustedDebit;
        return state switch
        {
            "SUCCESS" => q.Where(o => o.State == PaymentOrders.Success && o.RefundedFen == 0),
            "REFUND" => q.Where(o => o.State == PaymentOrders.Success && o.RefundedFen > 0 && !o.Reversed),
            "CLOSED" => q.Where(o => o.State == PaymentOrders.Closed && o.TradeType != micro && o.TradeType != pap),
            "REVOKED" => q.Where(o => (o.State == PaymentOrders.Closed && o.TradeType == micro)
                || (o.State == PaymentOrders.Success && o.Reversed && o.RefundedFen > 0)),
            "NOTPAY" => q.Where(o => o.State != PaymentOrders.Success && o.State != PaymentOrders.Closed && o.TradeType != micro
                && o.TradeType != pap),
            "PAYERROR" => q.Where(o => (o.State == PaymentOrders.Closed && o.TradeType == pap)
                || (o.State == PaymentOrders.NotPay && (o.TradeType == micro || o.TradeType == pap) && o.ExpiresAt < now)),
            _ => q.Where(o => o.State != PaymentOrders.Success && o.State != PaymentOrders.Closed && (o.TradeType == micro || o.TradeType == pap)
                && !(o.State == PaymentOrders.NotPay && o.ExpiresAt < now)),
        };
    }

    public static string StateText(string state, bool english) =>
        States.FirstOrDefault(s => s.Value == state) is { Value: not null } s ? (english ? s.En : s.Zh) : state;

    public static string TypeText(string type, bool english) =>
        TradeTypes.FirstOrDefault(t => t.Value == type) is { Value: not null } t ? (english ? t.En : t.Zh) : type;

    private static long? Yuan(string? text) =>
        !string.IsNullOrWhiteSpace(text) && Money.TryParseYuan(text.Trim(), out var money) && money.Fen <= 100_000_000_000 ? money.Fen : null;

    /// <summary>The start of a China calendar day of 2000–9000 (a date picker lets year 1 or 9999 through; their ends overflow),
    /// in UTC: the form the stored times compare in (SQLite's ordered encoding, PostgreSQL's timestamptz parameters).</summary>
    private static DateTimeOffset? Day(string? text) =>
        DateOnly.TryParseExact(text?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            && day.Year is >= 2000 and <= 9000
            ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), ChinaTime.Zone.GetUtcOffset(day.ToDateTime(TimeOnly.MinValue)))
                .ToUniversalTime()
            : null;
}
