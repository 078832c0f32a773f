using Zhifu.Server.Consoles;

namespace Zhifu.Server.Passwordless;

/// <summary>
/// The loss and dispute report (PWL-6) as a file — CSV for <c>GET /api/ops/passwordless/report?format=csv</c> and the operator
/// console, Excel for the console — one line per merchant, then the totals, written by <see cref="SheetExport"/>. Amounts
/// in yuan, the dispute rate in ‰.
/// </summary>
public static class PasswordlessReportFile
{
    private const string FileStem = "passwordless-report";
    private static readonly string[] HeadZh = ["商户号", "商户名称", "免密资格", "免密笔数", "免密金额(元)", "投诉笔数", "成立笔数", "损失(元)", "投诉率(‰)"];
    private static readonly string[] HeadEn =
        ["mchid", "Merchant", "Eligible", "Payments", "Amount (CNY)", "Disputes", "Upheld", "Loss (CNY)", "Dispute rate (‰)"];

    /// <summary>The CSV in memory, for the API (a report holds at most one line per merchant).</summary>
    public static async Task<IResult> CsvResultAsync(PasswordlessReport report, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await SheetExport.CsvAsync(buffer, HeadZh, Rows(report, false).ToAsyncEnumerable(), ct);
        return Results.File(buffer.ToArray(), SheetExport.CsvType, FileStem + "." + SheetExport.Csv);
    }

    /// <summary>Sends the report as <paramref name="format"/> (<see cref="SheetExport.Csv"/> or <see cref="SheetExport.Xlsx"/>).</summary>
    public static Task SendAsync(HttpResponse response, string format, PasswordlessReport report, bool english, CancellationToken ct) =>
        SheetExport.SendAsync(response, format, FileStem, english ? "Passwordless" : "免密支付损失与投诉", english ? HeadEn : HeadZh,
            Rows(report, english).ToAsyncEnumerable(), ct);

    private static IEnumerable<object[]> Rows(PasswordlessReport report, bool english)
    {
        ArgumentNullException.ThrowIfNull(report);
        foreach (var f in report.Merchants)
        {
            yield return [f.MchId, f.Name, f.Eligible ? (english ? "yes" : "是") : (english ? "no" : "否"), f.Payments, f.AmountFen / 100m,
                f.Disputes, f.Upheld, f.LossFen / 100m, new SheetExport.Fixed(f.DisputeRatePpm / 1000m, 1)];
        }
        yield return [english ? "Total" : "合计", "", "", report.Payments, report.AmountFen / 100m, report.Disputes, report.Upheld,
            report.LossFen / 100m, ""];
    }
}
