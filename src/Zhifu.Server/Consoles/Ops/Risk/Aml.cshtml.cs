using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Core;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Risk.Aml;
using Zhifu.Server.Security;

namespace Zhifu.Server.Consoles.Ops.Risk;

/// <summary>AML reports (RISK-6): risk and audit list and download (the download is the Operator API's, audited); risk regenerates.</summary>
[Authorize(AuthenticationSchemes = OperatorAuth.Scheme, Roles = "risk,audit")]
public sealed class AmlModel(AmlReports reports, AmlOptions options, IClock clock) : PageModel
{
    public const int PageSize = 20;

    [BindProperty(SupportsGet = true)] public string? Day { get; set; }
    [BindProperty(SupportsGet = true)] public string? Kind { get; set; }
    [BindProperty(SupportsGet = true)] public int Offset { get; set; }
    [BindProperty] public string? GenDay { get; set; }
    [BindProperty] public string? GenKind { get; set; }
    [BindProperty] public string? Reason { get; set; }

    public IReadOnlyList<AmlReportSummary> Reports { get; private set; } = [];
    public bool More { get; private set; }
    public string? FilterError { get; private set; }
    public string? GenError { get; private set; }
    public string? Message { get; private set; }
    public bool CanGenerate => User.IsInRole("risk");

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAsync()
    {
        if (!CanGenerate)
        {
            return Forbid();
        }
        var en = ConsoleText.IsEnglish(HttpContext);
        var day = AmlEndpoints.ParseDay(GenDay);
        var kind = string.IsNullOrEmpty(GenKind) ? null : GenKind;
        var refusal = day is null ? AmlErrors.InvalidDay
            : AmlEndpoints.Unreportable(day.Value, options, clock)
            ?? (kind is not null && !AmlReportBuilder.Kinds.Contains(kind) ? AmlErrors.InvalidKind
                : LifecycleInput.Reason(Reason) is null ? LifecycleErrors.ReasonRequired : null);
        if (refusal is not null)
        {
            GenError = en ? refusal.En : refusal.Zh;
        }
        else
        {
            var made = await reports.RegenerateAsync(day!.Value, kind, LifecycleInput.Reason(Reason)!, OperatorActor.Of(User),
                HttpContext.RequestAborted);
            Message = en ? $"{made.Count} report(s) generated" : $"已生成 {made.Count} 份报告";
            (Day, Kind, Offset) = (GenDay, kind, 0);
        }
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        DateOnly? day = null;
        if (!string.IsNullOrEmpty(Day))
        {
            day = AmlEndpoints.ParseDay(Day);
            FilterError = day is null ? (ConsoleText.IsEnglish(HttpContext) ? "The day is YYYY-MM-DD" : "日期格式为 YYYY-MM-DD") : null;
        }
        Kind = Kind is { } k && AmlReportBuilder.Kinds.Contains(k) ? k : null;
        Offset = Math.Clamp(Offset, 0, 10_000);
        (var page, More) = await reports.ListAsync(day, Kind, PageSize, Offset, HttpContext.RequestAborted);
        Reports = page;
    }
}
