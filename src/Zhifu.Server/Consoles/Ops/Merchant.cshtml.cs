using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Merchants;
using Zhifu.Server.Security;

namespace Zhifu.Server.Consoles.Ops;

/// <summary>
/// One merchant (MER-1), masked; risk staff approve or reject a pending application (four eyes, audited); risk and operations
/// change an active merchant's terms — risk level, single payment limit, passwordless and face-pay eligibility and the
/// passwordless limits (PWL-3) — through the Operator API's own validation and audit (<see cref="MerchantTerms.Problem"/>,
/// <see cref="MerchantOnboarding.ChangeTermsAsync"/>).
/// </summary>
[Authorize(AuthenticationSchemes = OperatorAuth.Scheme)]
public sealed class MerchantModel(DatabaseOptions database, PersonalData personal, MerchantOnboarding onboarding) : PageModel
{
    [BindProperty(SupportsGet = true)] public string MchId { get; set; } = "";
    [BindProperty] public string? Note { get; set; }

    public OperatorMerchantEndpoints.MerchantDto? Merchant { get; private set; }
    public string? Message { get; private set; }
    public string? Error { get; private set; }
    public string? NoteError { get; private set; }
    public bool CanReview => User.IsInRole("risk");
    public bool CanChangeTerms => OperatorMerchantEndpoints.TermsRoles.Split(',').Any(User.IsInRole);

    [BindProperty] public string? RiskLevel { get; set; }
    // Amounts bind as the text typed: a decimal property left "5000元" unbound (null), which read as an empty box — the
    // platform's default — and saved a limit nobody asked for. Text that is not yuan is refused by the field instead.
    [BindProperty] public string? SinglePaymentLimitYuan { get; set; }
    [BindProperty] public bool PasswordlessEligible { get; set; }
    [BindProperty] public bool FacePayEligible { get; set; }
    [BindProperty] public string? PasswordlessPerPaymentYuan { get; set; }
    [BindProperty] public string? PasswordlessDailyYuan { get; set; }

    /// <summary>The terms form's refusal, by the field it names.</summary>
    public Dictionary<string, string> TermErrors { get; } = [];

    public async Task<IActionResult> OnPostTermsAsync()
    {
        if (!CanChangeTerms)
        {
            return Forbid();
        }
        var en = ConsoleText.IsEnglish(HttpContext);
        var terms = new MerchantTerms(RiskLevel, null, PasswordlessEligible, FacePayEligible, Fen(SinglePaymentLimitYuan),
            Fen(PasswordlessPerPaymentYuan), Fen(PasswordlessDailyYuan));
        if (terms.Problem() is { } problem)
        {
            TermErrors[problem.Field] = en ? problem.En : problem.Zh;
        }
        else
        {
            var (_, refusal) = await onboarding.ChangeTermsAsync(MchId, terms, OperatorActor.Of(User), HttpContext.RequestAborted);
            if (refusal is null)
            {
                Message = en ? "Terms saved" : "条款已保存";
            }
            else
            {
                var (_, zh, english) = MerchantOnboarding.Explain(refusal);
                Error = en ? english : zh;
            }
        }
        return await LoadAsync() ? Page() : NotFound();
    }

    /// <summary>Yuan as typed → fen; an empty box is 0 (the platform's default); text that is not a yuan amount (two decimals at
    /// most), a negative or an absurd one is out of range (-1), which the terms refuse with the field's message.</summary>
    private static long? Fen(string? yuan) => string.IsNullOrWhiteSpace(yuan) ? 0
        : Money.TryParseYuan(yuan, out var money) && money.Fen is >= 0 and < 10_000_000_000 ? money.Fen : -1;

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFound();

    [BindProperty] public string? SuspensionReason { get; set; }
    public string? SuspensionError { get; private set; }

    /// <summary>暂停 / 恢复交易 (<see cref="MerchantOnboarding.SetSuspendedAsync"/>, audited with the reason): risk or operations.</summary>
    public async Task<IActionResult> OnPostSuspensionAsync(bool suspend)
    {
        if (!CanChangeTerms)
        {
            return Forbid();
        }
        var en = ConsoleText.IsEnglish(HttpContext);
        if (Lifecycle.LifecycleInput.Reason(SuspensionReason) is not { } reason)
        {
            SuspensionError = en ? Lifecycle.LifecycleErrors.ReasonRequired.En : Lifecycle.LifecycleErrors.ReasonRequired.Zh;
        }
        else if ((await onboarding.SetSuspendedAsync(MchId, suspend, reason, OperatorActor.Of(User), HttpContext.RequestAborted)).Refusal
                 is { } refusal)
        {
            var (_, zh, english) = MerchantOnboarding.Explain(refusal);
            Error = en ? english : zh;
        }
        else
        {
            Message = suspend ? (en ? "Trading suspended" : "已暂停交易") : (en ? "Trading resumed" : "已恢复交易");
            SuspensionReason = null; // said and audited: the next change asks for its own
        }
        return await LoadAsync() ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostAsync(bool approve)
    {
        if (!CanReview)
        {
            return Forbid();
        }
        var en = ConsoleText.IsEnglish(HttpContext);
        Note = string.IsNullOrWhiteSpace(Note) ? null : Note.Trim();
        if (Note is { Length: > 200 } || (!approve && Note is null))
        {
            NoteError = en ? "A rejection needs a reason; notes are at most 200 characters" : "驳回须写明原因，备注不超过 200 字";
        }
        else
        {
            var (_, refusal) = await onboarding.ReviewAsync(MchId, approve, Note, OperatorActor.Of(User), HttpContext.RequestAborted);
            if (refusal is null)
            {
                Message = en ? (approve ? "Approved" : "Rejected") : (approve ? "已通过" : "已驳回");
            }
            else
            {
                var (_, zh, english) = MerchantOnboarding.Explain(refusal);
                Error = en ? english : zh;
            }
        }
        return await LoadAsync() ? Page() : NotFound();
    }

    /// <summary>When, by whom and why a suspended merchant was suspended (its audit entry).</summary>
    public (string At, string By, string Reason)? Suspension { get; private set; }

    private async Task<bool> LoadAsync()
    {
        await using var db = database.CreateContext();
        var row = await db.Merchants.AsNoTracking().FirstOrDefaultAsync(m => m.MchId == MchId, HttpContext.RequestAborted);
        Merchant = row is null ? null : await OperatorMerchantEndpoints.DetailAsync(db, row, personal, HttpContext.RequestAborted);
        if (row?.Status == MerchantRow.Suspended
            && await db.Set<AuditRow>().AsNoTracking().Where(a => a.Target == MchId && a.Action == "merchant.suspend")
                .OrderByDescending(a => a.Sequence).FirstOrDefaultAsync(HttpContext.RequestAborted) is { } entry)
        {
            Suspension = (ChinaTime.Format(entry.At), entry.Actor, entry.Details);
        }
        return Merchant is not null;
    }
}
