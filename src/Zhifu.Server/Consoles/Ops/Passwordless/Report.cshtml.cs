using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Server.Passwordless;
using Zhifu.Server.Security;

namespace Zhifu.Server.Consoles.Ops.Passwordless;

/// <summary>
/// 免密支付损失与投诉报表 (PWL-6): per merchant and in total over the window, from <see cref="PasswordlessOversight.ReportAsync"/>
/// (what <c>GET /api/ops/passwordless/report</c> answers); the CSV is the API's file, the Excel the same rows
/// (<see cref="PasswordlessReportFile"/>).
/// </summary>
[Authorize(AuthenticationSchemes = OperatorAuth.Scheme, Roles = PasswordlessEndpoints.OperatorRoles.Report)]
public sealed class ReportModel(PasswordlessOversight oversight, PasswordlessOptions options) : PageModel
{
    public PasswordlessReport Report { get; private set; } = null!;
    public PasswordlessOptions Options => options;

    public async Task OnGetAsync() => Report = await oversight.ReportAsync(HttpContext.RequestAborted);

    public Task<IActionResult> OnGetCsvAsync() => SendAsync(SheetExport.Csv);

    public Task<IActionResult> OnGetXlsxAsync() => SendAsync(SheetExport.Xlsx);

    private async Task<IActionResult> SendAsync(string format)
    {
        var report = await oversight.ReportAsync(HttpContext.RequestAborted);
        await PasswordlessReportFile.SendAsync(Response, format, report, ConsoleText.IsEnglish(HttpContext), HttpContext.RequestAborted);
        return new EmptyResult();
    }
}
