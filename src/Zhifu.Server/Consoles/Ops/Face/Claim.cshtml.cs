using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Face;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Security;
using ClaimRoles = Zhifu.Server.Face.FaceClaimEndpoints.OperatorRoles;

namespace Zhifu.Server.Consoles.Ops.Face;

/// <summary>
/// One face-pay claim (FACE-6, CS-1, CS-2): the user's account of it, the decision and the recovery. Risk and service take it
/// (<see cref="FaceClaims.AssignAsync"/>); risk decides it — 先行赔付 from the risk compensation fund, or rejected when the
/// user's fault is shown (<see cref="FaceClaims.DecideAsync"/>); finance concludes the recovery — from the merchant or written
/// off (<see cref="FaceClaims.RecoverAsync"/>). The same audited calls as the Operator API; a refusal is shown beside the field
/// <see cref="FaceClaims.FieldOf"/> names, and nothing changes.
/// </summary>
[Authorize(AuthenticationSchemes = OperatorAuth.Scheme, Roles = ClaimRoles.Read)]
public sealed class ClaimModel(FaceClaims claims, DatabaseOptions database) : PageModel
{
    public const string Compensate = "compensate";
    public const string Reject = "reject";

    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }

    public FaceClaimView Claim { get; private set; } = null!;

    /// <summary>What the fund would pay if the open claim were compensated now: the payment less what the merchant refunded.</summary>
    public long UnrefundedFen { get; private set; }

    public bool CanAssign => Has(ClaimRoles.Assign);
    public bool CanDecide => Has(ClaimRoles.Decide);
    public bool CanRecover => Has(ClaimRoles.Recover);

    /// <summary>What a refused form had (kept to be corrected), and the refusals by field; any other in <see cref="Error"/>.</summary>
    public string? Decision { get; private set; }
    public string? Outcome { get; private set; }
    public string? AmountYuan { get; private set; }
    public string? Note { get; private set; }
    public string? DecisionError { get; private set; }
    public string? NoteError { get; private set; }
    public string? AmountError { get; private set; }
    public string? Error { get; private set; }
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFound();

    public async Task<IActionResult> OnPostAssignAsync()
    {
        if (!CanAssign)
        {
            return Forbid();
        }
        var refused = await claims.AssignAsync(Id, OperatorActor.Of(User), HttpContext.RequestAborted);
        return await AnswerAsync(refused, "您已成为该申诉的责任人", "You are now responsible for this claim");
    }

    public async Task<IActionResult> OnPostDecideAsync(string? decision, string? note, long? expectedFen)
    {
        if (!CanDecide)
        {
            return Forbid();
        }
        (Decision, Note) = (decision, note);
        if (decision is not (Compensate or Reject))
        {
            DecisionError = English ? "Choose: compensate from the fund, or reject" : "请选择先行赔付或驳回";
            return await LoadAsync() ? Page() : NotFound();
        }
        // what the operator confirmed is what the fund pays: a refund in between makes the decision ask again
        var refused = await claims.DecideAsync(Id, decision == Reject, note, OperatorActor.Of(User), HttpContext.RequestAborted,
            decision == Reject ? null : expectedFen ?? -1);
        return await AnswerAsync(refused, decision == Reject ? "已驳回申诉" : "已先行赔付，风险补偿金已支付至用户余额",
            decision == Reject ? "Claim rejected" : "Compensated: the risk fund has paid the user's balance");
    }

    public async Task<IActionResult> OnPostRecoverAsync(string? outcome, string? amountYuan, string? note)
    {
        if (!CanRecover)
        {
            return Forbid();
        }
        (Outcome, AmountYuan, Note) = (outcome, amountYuan, note);
        long amountFen = 0; // a write-off recovers nothing
        if (outcome == "merchant")
        {
            if (!Money.TryParseYuan(amountYuan, out var amount))
            {
                AmountError = English ? "Enter the amount in yuan, e.g. 20.00" : "请输入追偿金额（元），如 20.00";
                return await LoadAsync() ? Page() : NotFound();
            }
            amountFen = amount.Fen; // the service holds it between ¥0.01 and what the fund paid
        }
        var refused = await claims.RecoverAsync(Id, outcome, amountFen, note, OperatorActor.Of(User), HttpContext.RequestAborted);
        return await AnswerAsync(refused, outcome == "merchant" ? $"已向商户追回 {new Money(amountFen)}" : "已核销，由风险补偿金承担",
            outcome == "merchant" ? $"{new Money(amountFen)} recovered from the merchant" : "Written off against the risk fund");
    }

    private bool English => ConsoleText.IsEnglish(HttpContext);

    private bool Has(string roles) => roles.Split(',').Any(User.IsInRole);

    private async Task<IActionResult> AnswerAsync(WalletError? refused, string zh, string en)
    {
        if (refused is null)
        {
            (Message, Decision, Outcome, AmountYuan, Note) = (English ? en : zh, null, null, null, null);
        }
        else
        {
            var text = English ? refused.En : refused.Zh;
            switch (FaceClaims.FieldOf(refused))
            {
                case "note": NoteError = text; break;
                case "amount": AmountError = text; break;
                default: Error = text; break;
            }
        }
        return await LoadAsync() ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync()
    {
        if (await claims.FindAsync(Id, HttpContext.RequestAborted) is not { } claim)
        {
            return false;
        }
        Claim = claim;
        if (claim.State == FaceClaimRow.Open)
        {
            await using var db = database.CreateContext();
            UnrefundedFen = await db.Set<PaymentOrderRow>().AsNoTracking().Where(o => o.TransactionId == claim.TransactionId)
                .Select(o => o.TotalFen - o.RefundedFen).FirstOrDefaultAsync(HttpContext.RequestAborted);
        }
        return true;
    }
}
