using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Data.Entities;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Risk;
using Zhifu.Server.Security;

namespace Zhifu.Server.Consoles.Ops.Risk;

/// <summary>The rules in force (RISK-2); risk staff write new versions here, auditors read.</summary>
[Authorize(AuthenticationSchemes = OperatorAuth.Scheme, Roles = "risk,audit")]
public sealed class RulesModel(RiskRules rules) : PageModel
{
    [BindProperty] public string? RuleId { get; set; }
    [BindProperty] public string? Type { get; set; }
    [BindProperty] public string? Kinds { get; set; }
    [BindProperty] public string? Parameters { get; set; }
    [BindProperty] public string? Action { get; set; }
    [BindProperty] public int Score { get; set; } = 10;
    [BindProperty] public string? Mode { get; set; } = "active";
    [BindProperty] public string? Description { get; set; }

    public IReadOnlyList<RiskRuleRow> Rules { get; private set; } = [];
    public string? FormError { get; private set; }
    public string? Message { get; private set; }
    public bool CanEdit => User.IsInRole("risk");

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAsync()
    {
        if (!CanEdit)
        {
            return Forbid();
        }
        var en = ConsoleText.IsEnglish(HttpContext);
        if (RuleId is not { Length: > 0 and <= 32 } id || !id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            FormError = en ? "A rule id is 1–32 letters, digits or '-'" : "规则编号须为 1–32 位字母、数字或 -";
        }
        else if (ModelState[nameof(Score)]?.Errors.Count > 0)
        {
            FormError = en ? "The score is a whole number" : "分值须为整数"; // not bound: never saved as the default instead
        }
        else if (Description?.Trim() is not { Length: > 0 and <= 256 } description || Parameters is not { Length: <= 2048 })
        {
            FormError = en ? "A description (1–256) and parameters are required" : "请填写说明（1–256 字）和参数";
        }
        else
        {
            var (row, error) = await rules.PutAsync(id, new RiskRuleDefinition(Type ?? "", Kinds?.Trim() ?? "*", Parameters, Action ?? "",
                Score, Mode ?? "", description), OperatorActor.Of(User), HttpContext.RequestAborted);
            FormError = error is null ? null : (en ? "Invalid rule: " : "规则定义有误：") + error;
            Message = row is null ? null : (en ? $"{row.RuleId} v{row.Version} is in force" : $"{row.RuleId} 第 {row.Version} 版已生效");
        }
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync() =>
        Rules = [.. (await rules.HistoryAsync(null, HttpContext.RequestAborted)).GroupBy(r => r.RuleId).Select(g => g.First())];
}
