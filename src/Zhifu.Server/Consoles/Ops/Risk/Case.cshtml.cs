using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Risk;
using Zhifu.Server.Security;

namespace Zhifu.Server.Consoles.Ops.Risk;

/// <summary>One risk case (RISK-4): its reasons and notes; risk staff assign, annotate and decide (audited, like the API).</summary>
[Authorize(AuthenticationSchemes = OperatorAuth.Scheme, Roles = "risk,audit")]
public sealed class CaseModel(DatabaseOptions database, RiskCases cases, RiskDecisionLog log, RiskOptions options) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    [BindProperty]
    public string? Note { get; set; }

    public RiskCaseRow? Case { get; private set; }
    public RiskDecisionRow? Decision { get; private set; }
    public IReadOnlyList<RiskHit> Hits { get; private set; } = [];
    public IReadOnlyList<RiskCaseNoteRow> Notes { get; private set; } = [];
    public string? Message { get; private set; }
    public string? Error { get; private set; }
    public string? NoteError { get; private set; }
    public int DeadlineHours => options.CaseDeadlineHours;
    public bool CanAct => User.IsInRole("risk");

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFound();

    public async Task<IActionResult> OnPostAssignAsync()
    {
        if (!CanAct)
        {
            return Forbid();
        }
        var by = OperatorActor.Of(User);
        Show(await cases.AssignAsync(Id, by.Username, by, HttpContext.RequestAborted), "已分配给您", "Assigned to you");
        return await LoadAsync() ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostNoteAsync()
    {
        if (!CanAct)
        {
            return Forbid();
        }
        if (Note?.Trim() is not { Length: > 0 and <= 1000 } text)
        {
            NoteError = ConsoleText.IsEnglish(HttpContext) ? "A note is 1–1000 characters" : "备注须为 1–1000 个字符";
        }
        else if (await cases.NoteAsync(Id, OperatorActor.Of(User).CreatedBy, text, HttpContext.RequestAborted) is not null)
        {
            (Note, Message) = (null, ConsoleText.IsEnglish(HttpContext) ? "Note saved" : "备注已保存");
        }
        return await LoadAsync() ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostDecideAsync(string? decision)
    {
        if (!CanAct)
        {
            return Forbid();
        }
        if (decision is not (RiskCases.Release or RiskCases.Void or RiskCases.Legitimate or RiskCases.Fraud))
        {
            Error = RiskErrors.CaseDecisionInvalid.Zh;
            return await LoadAsync() ? Page() : NotFound();
        }
        Show(await cases.DecideAsync(Id, decision, OperatorActor.Of(User), HttpContext.RequestAborted), "已作出决定", "Decided");
        return await LoadAsync() ? Page() : NotFound();
    }

    private void Show(CaseOutcome outcome, string zh, string en)
    {
        var english = ConsoleText.IsEnglish(HttpContext);
        var error = outcome.ErrorCode is { } code ? RiskErrors.ForCase(code) : null;
        if (error is null)
        {
            Message = english ? en : zh;
        }
        else
        {
            Error = english ? error.En : error.Zh;
        }
    }

    private async Task<bool> LoadAsync()
    {
        await log.DrainAsync(HttpContext.RequestAborted);
        await using var db = database.CreateContext();
        Case = await db.Set<RiskCaseRow>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == Id, HttpContext.RequestAborted);
        if (Case is null)
        {
            return false;
        }
        Decision = await db.Set<RiskDecisionRow>().AsNoTracking().FirstOrDefaultAsync(d => d.Id == Case.DecisionId, HttpContext.RequestAborted);
        Hits = Decision is null ? [] : RiskDecisionLog.Hits(Decision.HitsJson);
        Notes = await db.Set<RiskCaseNoteRow>().AsNoTracking().Where(n => n.CaseId == Id).OrderBy(n => n.At).Take(500)
            .ToListAsync(HttpContext.RequestAborted);
        return true;
    }
}
