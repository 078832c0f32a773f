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
/// Amounts in yuan with 2 decimals, fees with 5; ALL has 27 columns, SUCCESS 20, REFUND 29. A payment is on the bill of the day
/// it succeeded; a refund on the bill of the day it was accepted (发起退款成功: its 交易时间 is that, not its success), with its
/// state as of that day's end (出账后退款状态不会更新): SUCCESS, PROCESSING (under review, or still moving) or REFUNDCLOSE.
/// </summary>
public sealed class TradeBill(DatabaseOptions database, PaymentLedger money, PaymentsOptions options)
{
    public const string All = "ALL";
    public const string SuccessOnly = "SUCCESS";
    public const string RefundOnly = "REFUND";

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

    /// <summary>
    /// 账单生成: the day's bill can be applied for once the day has ended in China time and at least this long has passed, so a
    /// payment stamped in the day's last moment has been committed before anyone reads the day (its file and hash never change
    /// after). See <see cref="ReadyAt"/>.
    /// </summary>
    public static readonly TimeSpan ReadyAfter = TimeSpan.FromMinutes(1);

    /// <summary>
    /// When the day's bill can be made: <see cref="ReadyAfter"/> past the day's end, and well past the time a refund accepted
    /// in its last moment may still be in its first ledger request (<c>Payments:PayingRecoverySeconds</c>, then 30 s for its
    /// removal to commit; a refusal within it removes the refund, after it closes the refund) — so the day's refunds are fixed
    /// before anyone reads them.
    /// </summary>
    public DateTimeOffset ReadyAt(DateOnly day) =>
        Bounds(day).To + TimeSpan.FromSeconds(Math.Max(ReadyAfter.TotalSeconds, options.PayingRecoverySeconds + 30));

    /// <summary>退款状态 in the bill: the protocol's bill values (v2's refund states, which the bill file kept).</summary>
    public const string RefundSucceeded = "SUCCESS";
    public const string RefundProcessing = "PROCESSING";
    public const string RefundClosed = "REFUNDCLOSE";

    /// <summary>Whether the day has anything of <paramref name="billType"/> (a bill exists).</summary>
    public async Task<bool> ExistsAsync(Guid merchantId, DateOnly day, string billType, CancellationToken ct)
    {
        var (from, to) = Bounds(day);
        await using var db = database.CreateContext();
        return (billType != RefundOnly && await db.Set<PaymentOrderRow>()
                .AnyAsync(o => o.MerchantId == merchantId && o.SuccessTime >= from && o.SuccessTime < to, ct))
            || (billType != SuccessOnly && await db.Set<PaymentRefundRow>()
                .AnyAsync(r => r.MerchantId == merchantId && r.CreatedAt >= from && r.CreatedAt < to, ct));
    }

    /// <summary>
    /// Writes the bill's CSV (UTF-8 with its byte-order mark) to <paramref name="output"/> row by row, as the database reads them —
    /// a day of any size in constant memory: payments and refunds each read in (time, transaction id, refund id) order and
    /// merged, so the same day's file (and its hash_value) is the same every time; the totals are summed on the way.
    /// </summary>
    public async Task WriteAsync(Guid merchantId, DateOnly day, string billType, Stream output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(output);
        var (from, to) = Bounds(day);
        var columns = billType switch { SuccessOnly => SuccessColumns, RefundOnly => RefundColumns, _ => AllColumns };
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 64 * 1024, leaveOpen: true)
            { NewLine = "\n" };
        await writer.WriteLineAsync(string.Join(',', columns));
        await using var paymentsDb = database.CreateContext();
        await using var refundsDb = database.CreateContext();
        var payments = billType == RefundOnly ? AsyncEnumerable.Empty<Line>() : paymentsDb.Set<PaymentOrderRow>().AsNoTracking()
            .Where(o => o.MerchantId == merchantId && o.SuccessTime >= from && o.SuccessTime < to)
            .OrderBy(o => o.SuccessTime).ThenBy(o => o.TransactionId).AsAsyncEnumerable()
            .Select(o => new Line(o.SuccessTime!.Value, o.TransactionId, "0", Cells(o, money.OpenId(o.AppId, o.PayerUserId!.Value)),
                o.TotalFen, 0L, o.FeeFen, o.TotalFen));
        var refunds = billType == SuccessOnly ? AsyncEnumerable.Empty<Line>() : refundsDb.Set<PaymentRefundRow>().AsNoTracking()
            .Where(r => r.MerchantId == merchantId && r.CreatedAt >= from && r.CreatedAt < to)
            .Join(refundsDb.Set<PaymentOrderRow>(), r => r.OrderId, o => o.Id, (r, o) => new { r, o })
            .OrderBy(x => x.r.CreatedAt).ThenBy(x => x.o.TransactionId).ThenBy(x => x.r.RefundId).AsAsyncEnumerable()
            .Select(x => RefundLine(x.r, x.o, to));
        long count = 0, settled = 0, refunded = 0, fees = 0, total = 0;
        await foreach (var line in Merge(payments, refunds, ct))
        {
            await writer.WriteLineAsync(string.Join(',', columns.Select(c => "`" + Cell(line.Cells.GetValueOrDefault(c, "")))));
            (count, settled, refunded, fees, total) =
                (count + 1, settled + line.Settled, refunded + line.Refund, fees + line.Fee, total + line.Total);
        }
        await writer.WriteLineAsync(SummaryHeader);
        await writer.WriteLineAsync(string.Join(',', new[]
        {
            count.ToString(CultureInfo.InvariantCulture), Yuan(settled), Yuan(refunded), Yuan(0), Fee(fees), Yuan(total), Yuan(refunded),
        }.Select(v => "`" + v)));
    }

    /// <summary>One detail row of the bill, with what orders it and what it adds to the totals.</summary>
    private sealed record Line(DateTimeOffset At, string TransactionId, string RefundId, Dictionary<string, string> Cells, long Settled,
        long Refund, long Fee, long Total);

    private static (DateTimeOffset From, DateTimeOffset To) Bounds(DateOnly day)
    {
        var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)).ToUniversalTime(); // stored as UTC
        return (from, from.AddDays(1));
    }

    /// <summary>Two sequences each in (time, transaction id, refund id) order, merged into one in that order; ties between a
    /// payment and a refund of the same moment go by the ids compared ordinally.</summary>
    private static async IAsyncEnumerable<Line> Merge(IAsyncEnumerable<Line> first, IAsyncEnumerable<Line> second,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var a = first.GetAsyncEnumerator(ct);
        await using var b = second.GetAsyncEnumerator(ct);
        var (hasA, hasB) = (await a.MoveNextAsync(), await b.MoveNextAsync());
        while (hasA || hasB)
        {
            if (hasA && (!hasB || Before(a.Current, b.Current)))
            {
                yield return a.Current;
                hasA = await a.MoveNextAsync();
            }
            else
            {
                yield return b.Current;
                hasB = await b.MoveNextAsync();
            }
        }
    }

    private static bool Before(Line x, Line y) => x.At != y.At ? x.At < y.At
        : string.CompareOrdinal(x.TransactionId, y.TransactionId) is var byId && byId != 0 ? byId < 0
        : string.CompareOrdinal(x.RefundId, y.RefundId) <= 0;

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

    /// <summary>
    /// A refund's row: dated when it was accepted, in its state as of <paramref name="asOf"/> (the day's end). A refund closed by
    /// then gave its money back, so it is listed but adds nothing to the summary's refund and fee totals.
    /// </summary>
    private Line RefundLine(PaymentRefundRow r, PaymentOrderRow o, DateTimeOffset asOf)
    {
        var state = r.SuccessTime < asOf ? RefundSucceeded : r.ClosedAt < asOf ? RefundClosed : RefundProcessing;
        var cells = Cells(o, money.OpenId(o.AppId, o.PayerUserId!.Value));
        cells["交易时间"] = Time(r.CreatedAt);
        cells["交易状态"] = "REFUND";
        cells["应结订单金额"] = Yuan(0);
        cells["订单金额"] = Yuan(0);
        cells["退款申请时间"] = Time(r.CreatedAt);
        cells["退款成功时间"] = state == RefundSucceeded ? Time(r.SuccessTime!.Value) : "";
        cells["微信退款单号"] = r.RefundId;
        cells["商户退款单号"] = r.OutRefundNo;
        cells["退款金额"] = Yuan(r.RefundFen);
        cells["申请退款金额"] = Yuan(r.RefundFen);
        cells["退款类型"] = "ORIGINAL";
        cells["退款状态"] = state;
        cells["手续费"] = Fee(-r.FeeRefundFen);
        var counted = state != RefundClosed;
        return new Line(r.CreatedAt, o.TransactionId, r.RefundId, cells, 0L, counted ? r.RefundFen : 0L, counted ? -r.FeeRefundFen : 0L, 0L);
    }

    private static string Time(DateTimeOffset at) => ChinaTime.ToChina(at).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Fen as yuan with 2 decimals, exactly (no floating point): 1234 → 12.34, -5 → -0.05.</summary>
    public static string Yuan(long fen) => (fen < 0 ? "-" : "") + $"{Math.Abs(fen) / 100}.{Math.Abs(fen) % 100:00}";

    /// <summary>Fees are written with 5 decimals in the protocol's bills: 6 fen → 0.06000.</summary>
    private static string Fee(long fen) => Yuan(fen) + "000";

    /// <summary>The fee rate the payment was charged at, as the bill writes it: 6000 ppm → 0.60%, 6050 ppm → 0.605% (never rounded).</summary>
    public static string Rate(int ppm) => $"{ppm / 10_000}.{(ppm % 10_000).ToString("0000", CultureInfo.InvariantCulture).TrimEnd('0').PadRight(2, '0')}%";
}
