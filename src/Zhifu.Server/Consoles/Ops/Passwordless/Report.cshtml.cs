using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Server.Hosting;
using Zhifu.Server.Passwordless;
using Zhifu.Server.Security;

namespace Zhifu.Server.Consoles.Ops.Passwordless;

/// <summary>
/// 免密支付损失与投诉报表 (PWL-6): per merchant and in total over the window, from <see cref="PasswordlessOversight.ReportAsync"/>
/// (what <c>GET /api/ops/passwordless/report</c> answers); the CSV is the API's file, the Excel the same rows.
/// </summary>
[Authorize(AuthenticationSchemes = OperatorAuth.Scheme, Roles = PasswordlessEndpoints.OperatorRoles.Report)]
public sealed class ReportModel(PasswordlessOversight oversight, PasswordlessOptions options) : PageModel
{
    public PasswordlessReport Report { get; private set; } = null!;
    public PasswordlessOptions Options => options;

    public async Task OnGetAsync() => Report = await oversight.ReportAsync(HttpContext.RequestAborted);

    public async Task<IActionResult> OnGetCsvAsync()
    {
        var report = await oversight.ReportAsync(HttpContext.RequestAborted);
        return File(await PasswordlessReportFile.CsvAsync(report, ConsoleText.IsEnglish(HttpContext), HttpContext.RequestAborted),
            TableExport.CsvType, PasswordlessReportFile.Name("csv"));
    }

    public async Task<IActionResult> OnGetXlsxAsync()
    {
        var report = await oversight.ReportAsync(HttpContext.RequestAborted);
        Response.Headers.ContentDisposition = $"attachment; filename=\"{PasswordlessReportFile.Name("xlsx")}\"";
        Response.ContentType = TableExport.XlsxType;
        await PasswordlessReportFile.XlsxAsync(Response.Body, report, ConsoleText.IsEnglish(HttpContext), HttpContext.RequestAborted);
        return new EmptyResult();
    }
}
