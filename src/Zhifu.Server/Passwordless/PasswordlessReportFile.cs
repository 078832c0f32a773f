using Zhifu.Server.Hosting;

namespace Zhifu.Server.Passwordless;

/// <summary>
/// The loss and dispute report (PWL-6) as a file — CSV for <c>GET /api/ops/passwordless/report?format=csv</c> and the operator
/// console, Excel for the console — one line per merchant, then the totals. Amounts in yuan, the dispute rate in ‰.
/// </summary>
public static class PasswordlessReportFile
{
    private static readonly string[] HeadZh = ["商户号", "商户名称", "免密资格", "免密笔数", "免密金额(元)", "投诉笔数", "成立笔数", "损失(元)", "投诉率(‰)"];
    private static readonly string[] HeadEn =
        ["mchid", "Merchant", "Eligible", "Payments", "Amount (CNY)", "Disputes", "Upheld", "Loss (CNY)", "Dispute rate (‰)"];

    public static string Name(string extension) => "passwordless-report." + extension;

    public static Task<byte[]> CsvAsync(PasswordlessReport report, bool english, CancellationToken ct) =>
        TableExport.CsvBytesAsync(english ? HeadEn : HeadZh, Rows(report, english), ct);

    public static Task XlsxAsync(Stream output, PasswordlessReport report, bool english, CancellationToken ct) =>
        TableExport.XlsxAsync(output, english ? "Passwordless" : "免密支付损失与投诉", english ? HeadEn : HeadZh,
            Rows(report, english).ToAsyncEnumerable(), ct);

    private static IEnumerable<object[]> Rows(PasswordlessReport report, bool english)
    {
        ArgumentNullException.ThrowIfNull(report);
        foreach (var f in report.Merchants)
        {
            yield return [f.MchId, f.Name, f.Eligible ? (english ? "yes" : "是") : (english ? "no" : "否"), f.Payments, f.AmountFen / 100m,
                f.Disputes, f.Upheld, f.LossFen / 100m, new TableExport.Fixed(f.DisputeRatePpm / 1000m, 1)];
        }
        yield return [english ? "Total" : "合计", "", "", report.Payments, report.AmountFen / 100m, report.Disputes, report.Upheld,
            report.LossFen / 100m, ""];
    }
}
