using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Core;
using Zhifu.Data.Entities;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Passwordless;
using Zhifu.Server.Security;

namespace Zhifu.Server.Consoles.Ops.Passwordless;

/// <summary>
/// 免密投诉处理 (PWL-5, PWL-6): disputes by deadline, overdue marked, paged on the server (<see cref="PasswordlessOversight.DisputesAsync"/>);
/// risk and service decide one — upheld with the loss, or rejected, with a note — through <see cref="PasswordlessOversight.DecideAsync"/>,
/// the Operator API's audited decision; its refusal is shown beside the field it is about.
/// </summary>
[Authorize(AuthenticationSchemes = OperatorAuth.Scheme, Roles = PasswordlessEndpoints.OperatorRoles.Disputes)]
public sealed class DisputesModel(PasswordlessOversight oversight) : PageModel
{
    public const int PageSize = 20;

    [BindProperty(SupportsGet = true)] public string State { get; set; } = PasswordlessDisputeRow.Open;
    [BindProperty(SupportsGet = true)] public int PageNumber { get; set; } = 1;

    public IReadOnlyList<DisputeView> Rows { get; private set; } = [];
    public int Total { get; private set; }
    public bool CanDecide => PasswordlessEndpoints.OperatorRoles.Has(PasswordlessEndpoints.OperatorRoles.Decide,
        User.FindFirst(System.Security.Claims.ClaimTypes.Role)?.Value);

    /// <summary>The dispute a refused decision was about, what was typed, and the refusals by field.</summary>
    public Guid? DecidedOn { get; private set; }
    public string? Decision { get; private set; }
    public string? LossYuan { get; private set; }
    public string? Note { get; private set; }
    public string? LossError { get; private set; }
    public string? NoteError { get; private set; }
    public string? Error { get; private set; }
    public string? Message { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostDecideAsync(Guid disputeId, string? decision, string? lossYuan, string? note)
    {
        if (!CanDecide)
        {
            return Forbid();
        }
        var en = ConsoleText.IsEnglish(HttpContext);
        (DecidedOn, Decision, LossYuan, Note) = (disputeId, decision, lossYuan, note);
        var upheld = decision == "upheld";
        long lossFen = 0;
        if (decision is not ("upheld" or "rejected"))
        {
            Error = en ? "Choose upheld or rejected" : "请选择投诉成立或不成立";
        }
        else if (upheld && Money.TryParseYuan(lossYuan, out var loss))
        {
            lossFen = loss.Fen; // the service checks it against the payment's amount
        }
        else if (upheld)
        {
            LossError = en ? "Enter the loss in yuan (0 when nothing was lost)" : "请填写损失金额（元），无损失填 0";
        }
        if (Error is null && LossError is null)
        {
            var refused = await oversight.DecideAsync(disputeId, upheld, lossFen, note, OperatorActor.Of(User), HttpContext.RequestAborted);
            if (refused is not null)
            {
                var text = en ? refused.En : refused.Zh;
                switch (PasswordlessErrors.FieldOf(refused))
                {
                    case "note": NoteError = text; break;
                    case "lossFen": LossError = text; break;
                    default: Error = text; break;
                }
            }
            else
            {
                var refunded = lossFen > 0 ? (en ? " and refunded to the user by the merchant" : "，已由商户退还用户") : "";
                Message = upheld
                    ? (en ? $"Upheld, loss {new Money(lossFen)} recorded{refunded}" : $"已认定投诉成立，记录损失 {new Money(lossFen)}{refunded}")
                    : (en ? "Rejected" : "已认定投诉不成立");
                DecidedOn = null;
            }
        }
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        State = PasswordlessOversight.DisputeStates.Contains(State) || State == "all" ? State : PasswordlessDisputeRow.Open;
        PageNumber = Math.Clamp(PageNumber, 1, PasswordlessQueries.SearchSkipMax / PageSize);
        (Rows, Total) = await oversight.DisputesAsync(State == "all" ? null : State, (PageNumber - 1) * PageSize, PageSize,
            HttpContext.RequestAborted);
    }
}
