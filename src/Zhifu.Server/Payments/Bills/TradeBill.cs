using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Payments.Bills;

/// <summary>
/// 交易账单 (PAY-3, MER-4): one merchant's payments and refunds of one China day as the protocol's CSV — UTF-8 with a byte-order
/// mark (the SDKs' bill parsers drop the first three bytes unread, e.g. wechatpay-axios-plugin's Formatter.castCsvBill), a header row,
/// detail rows with every cell prefixed by a backtick (so spreadsheets keep long numbers as text), then the summary header and row.
/// Amounts in yuan with 2 decimals, fees with 5; ALL has 27 columns, SUCCESS 20, REFUND 29.
/// </summary>
public sealed class TradeBill(DatabaseOptions database, PaymentLedger money)
{
    public const string All = "ALL";
    public const string SuccessOnly = "SUCCESS";
    public const string RefundOnly = "REFUND";

    /// <summary>Rows one bill may hold; a day beyond it is refused rather than built half (put a limit on everything).</summary>
    public const int RowsMax = 200_000;

    private static readonly string[] AllColumns =
    [
        "交易时间", "公众账号ID", "商户号", "特约商户号", "设备号", "微信订单号", "商户订单号", "用户标识", "交易类型", "交易状态", "付款银行",
        "货币种类", "应结订单金额", "代金券金额", "微信退款单号", "商户退款单号", "退款金额", "充值券退款金额", "退款类型", "退款状态", "商品名称",
        "商户数据包", "手续费", "费率", "订单金额", "申请退款金额", "费率备注",
    ];

    private static readonly string[] SuccessColumns =
    [
        "交易时间", "公众账号ID", "商户号", "特约商户号", "设备号", "微信订单号", "商户订单号", "用户标识", "交易类型", "交易状态", "付款银行",
        "货币种类", "应结订单金额", "代金券金额", "商品名称", "商户数据包", "手续费", "费率", "订单金额", "费率备注",
    ];

    private static readonly string[] RefundColumns = [.. AllColumns[..14], "退款申请时间", "退款成功时间", .. AllColumns[14..]];

    private const string SummaryHeader = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额";

    /// <summary>The bill's CSV (UTF-8), or null when the day has nothing of this type; throws past <see cref="RowsMax"/>.</summary>
    public async Task<byte[]?> BuildAsync(Guid merchantId, DateOnly day, string billType, CancellationToken ct)
    {
        var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)).ToUniversalTime(); // stored as UTC
        var to = from.AddDays(1);
        await using var db = database.CreateContext();
        var rows = new List<(DateTimeOffset At, Dictionary<string, string> Cells, long Settled, long Refund, long Fee, long Total)>();
        if (billType != RefundOnly)
        {
            var paid = await db.Set<PaymentOrderRow>().AsNoTracking()
                .Where(o => o.MerchantId == merchantId && o.SuccessTime >= from && o.SuccessTime < to)
                .Take(RowsMax + 1).ToListAsync(ct);
            rows.AddRange(paid.Select(o => (o.SuccessTime!.Value, Cells(o, money.OpenId(o.AppId, o.PayerUserId!.Value)),
                o.TotalFen, 0L, o.FeeFen, o.TotalFen)));
        }
        if (billType != SuccessOnly)
        {
            var refunds = await db.Set<PaymentRefundRow>().AsNoTracking()
                .Where(r => r.MerchantId == merchantId && r.SuccessTime >= from && r.SuccessTime < to)
                .Join(db.Set<PaymentOrderRow>(), r => r.OrderId, o => o.Id, (r, o) => new { r, o }).Take(RowsMax + 1).ToListAsync(ct);
            rows.AddRange(refunds.Select(x => (x.r.SuccessTime!.Value,
                RefundCells(x.r, x.o, money.OpenId(x.o.AppId, x.o.PayerUserId!.Value)),
                0L, x.r.RefundFen, -x.r.FeeRefundFen, 0L)));
        }
        if (rows.Count == 0)
        {
            return null;
        }
        if (rows.Count > RowsMax)
        {
            throw new InvalidOperationException($"the bill of {day} has more than {RowsMax} rows");
        }
        var columns = billType switch { SuccessOnly => SuccessColumns, RefundOnly => RefundColumns, _ => AllColumns };
        var csv = new StringBuilder().Append(string.Join(',', columns)).Append('\n');
        // in time order, ties by transaction and refund id: the same day's file (and its hash_value) is the same every time
        foreach (var row in rows.OrderBy(r => r.At).ThenBy(r => r.Cells["微信订单号"], StringComparer.Ordinal)
            .ThenBy(r => r.Cells["微信退款单号"], StringComparer.Ordinal))
        {
            csv.Append(string.Join(',', columns.Select(c => "`" + Cell(row.Cells.GetValueOrDefault(c, ""))))).Append('\n');
        }
        csv.Append(SummaryHeader).Append('\n');
        csv.Append(string.Join(',', new[]
        {
            rows.Count.ToString(CultureInfo.InvariantCulture), Yuan(rows.Sum(r => r.Settled)), Yuan(rows.Sum(r => r.Refund)), Yuan(0),
            Fee(rows.Sum(r => r.Fee)), Yuan(rows.Sum(r => r.Total)), Yuan(rows.Sum(r => r.Refund)),
        }.Select(v => "`" + v))).Append('\n');
        return [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(csv.ToString())];
    }

    /// <summary>
    /// A cell's text as the bill can carry it: the file is split into lines on line breaks and into cells on ",`" (the SDKs'
    /// parsers; plain CSV readers on ","), so a merchant's goods description or attach with a line break, a comma or a backtick
    /// would break its row — line breaks and other control characters become spaces, "," becomes "，" and "`" becomes "'".
    /// </summary>
    private static string Cell(string text) => string.Create(text.Length, text, static (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            span[i] = char.IsControl(c) ? ' ' : c == ',' ? '，' : c == '`' ? '\'' : c;
        }
    });

    private static Dictionary<string, string> Cells(PaymentOrderRow o, string openId) => new()
    {
        ["交易时间"] = Time(o.SuccessTime!.Value), ["公众账号ID"] = o.AppId, ["商户号"] = o.MchId, ["特约商户号"] = "0", ["设备号"] = "",
        ["微信订单号"] = o.TransactionId, ["商户订单号"] = o.OutTradeNo, ["用户标识"] = openId, ["交易类型"] = o.TradeType, ["交易状态"] = "SUCCESS",
        ["付款银行"] = "OTHERS", ["货币种类"] = o.Currency, ["应结订单金额"] = Yuan(o.TotalFen), ["代金券金额"] = Yuan(0), ["微信退款单号"] = "0",
        ["商户退款单号"] = "0", ["退款金额"] = Yuan(0), ["充值券退款金额"] = Yuan(0), ["商品名称"] = o.Description, ["商户数据包"] = o.Attach ?? "",
        ["手续费"] = Fee(o.FeeFen), ["费率"] = Rate(o.FeeRatePpm), ["订单金额"] = Yuan(o.TotalFen), ["申请退款金额"] = Yuan(0), ["费率备注"] = "",
    };

    private static Dictionary<string, string> RefundCells(PaymentRefundRow r, PaymentOrderRow o, string openId)
    {
        var cells = Cells(o, openId);
        cells["交易时间"] = Time(r.SuccessTime!.Value);
        cells["交易状态"] = "REFUND";
        cells["应结订单金额"] = Yuan(0);
        cells["订单金额"] = Yuan(0);
        cells["退款申请时间"] = Time(r.CreatedAt);
        cells["退款成功时间"] = Time(r.SuccessTime.Value);
        cells["微信退款单号"] = r.RefundId;
        cells["商户退款单号"] = r.OutRefundNo;
        cells["退款金额"] = Yuan(r.RefundFen);
        cells["申请退款金额"] = Yuan(r.RefundFen);
        cells["退款类型"] = "ORIGINAL";
        cells["退款状态"] = "SUCCESS";
        cells["手续费"] = Fee(-r.FeeRefundFen);
        return cells;
    }

    private static string Time(DateTimeOffset at) => ChinaTime.ToChina(at).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Fen as yuan with 2 decimals, exactly (no floating point): 1234 → 12.34, -5 → -0.05.</summary>
    public static string Yuan(long fen) => (fen < 0 ? "-" : "") + $"{Math.Abs(fen) / 100}.{Math.Abs(fen) % 100:00}";

    /// <summary>Fees are written with 5 decimals in the protocol's bills: 6 fen → 0.06000.</summary>
    private static string Fee(long fen) => Yuan(fen) + "000";

    /// <summary>The fee rate the payment was charged at, as the bill writes it: 6000 ppm → 0.60%, 6050 ppm → 0.605% (never rounded).</summary>
    public static string Rate(int ppm) => $"{ppm / 10_000}.{(ppm % 10_000).ToString("0000", CultureInfo.InvariantCulture).TrimEnd('0').PadRight(2, '0')}%";
}
