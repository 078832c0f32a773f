using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Zhifu.Core;
using Zhifu.Server.Transfers;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>
/// What the two transfer pages share — to another wallet (<see cref="TransferModel"/>) and to one's own bank card
/// (<see cref="CardTransferModel"/>): step 1 checks the form and shows the target, step 2 sends through
/// <see cref="WalletTransfers"/> with the payment password (ACC-7), the SMS second factor past ¥50,000 a day or risk
/// control's step-up (TRF-3, RISK-1) and the large-amount confirmation, each refusal shown by the field it concerns.
/// The confirmation form's common part is <c>_TransferConfirm.cshtml</c>.
/// </summary>
public abstract partial class TransferPage(WalletTransfers transfers) : WalletPage
{
    [BindProperty]
    public string? Amount { get; set; }

    [BindProperty]
    public string? RequestId { get; set; }

    [BindProperty]
    public string? PaymentPassword { get; set; }

    [BindProperty]
    public string? VerificationCode { get; set; }

    [BindProperty]
    public string? CodePurpose { get; set; }

    [BindProperty]
    public string? ConfirmationToken { get; set; }

    public TransferTarget? Target { get; protected set; }
    public long AmountFen { get; private set; }
    public bool Confirming { get; private set; }
    public string? AmountError { get; private set; }
    public string? PasswordError { get; private set; }
    public string? CodeError { get; private set; }
    public string? Error { get; private set; }
    public string? Warning { get; private set; }
    public string? Message { get; private set; }

    /// <summary>Where "change" goes back to: the page's own empty form.</summary>
    public abstract string FormPath { get; }

    /// <summary>The arrival the order asks for (<c>realtime</c> or a delay).</summary>
    protected abstract string OrderArrival { get; }

    protected abstract string? OrderMemo { get; }

    /// <summary>Checks the page's own fields and finds <see cref="Target"/>; true when the form may be confirmed.</summary>
    protected abstract Task<bool> CheckTargetAsync();

    public virtual Task OnGetAsync() => Task.CompletedTask;

    /// <summary>Step 1 → 2: the target as the payer may see it, then the payment password.</summary>
    public async Task OnPostPreviewAsync()
    {
        RequestId = NewRequestId();
        Confirming = await CheckAsync();
    }

    public async Task OnPostSendCodeAsync()
    {
        Confirming = await CheckAsync();
        var purpose = CodePurpose == TransferVerification.CodePurpose ? TransferVerification.CodePurpose : Risk.RiskCheck.CodePurpose;
        var refusal = await SendMyCodeAsync(purpose);
        (CodeError, Message) = (refusal, refusal is null ? T("验证码已发送到您的手机", "A code was sent to your phone") : null);
    }

    public async Task<IActionResult> OnPostSendAsync()
    {
        if (!(Confirming = await CheckAsync()))
        {
            return Page();
        }
        if (RequestId is null || !RequestIdPattern().IsMatch(RequestId))
        {
            RequestId = NewRequestId();
        }
        if (string.IsNullOrEmpty(PaymentPassword) || PaymentPassword.Length > 32)
        {
            PasswordError = T("请输入支付密码", "Enter your payment password");
            return Page();
        }
        var order = new TransferOrder(RequestId, AmountFen, OrderArrival, OrderMemo, PaymentPassword,
            VerificationCode is { Length: > 0 and <= 16 } code ? code.Trim() : null, ConfirmationToken is { Length: > 0 and <= 128 } t ? t : null)
        {
            Origin = Risk.RiskOrigin.Of(HttpContext),
        };
        var (row, problem) = await transfers.SendAsync(UserId, order, Target!, Aborted);
        if (problem is null)
        {
            return Redirect($"/wallet/transfers/{row!.Id}");
        }
        Explain(problem);
        return Page();
    }

    private async Task<bool> CheckAsync()
    {
        if (!Money.TryParseYuan(Amount, out var money) || money.Fen <= 0 || money.Fen > 100_000_000_000)
        {
            AmountError = Say(TransferErrors.InvalidAmount with { Zh = "请输入正确的金额", En = "Enter a valid amount" });
        }
        AmountFen = money.Fen;
        return await CheckTargetAsync() && AmountError is null;
    }

    /// <summary>A refusal by the field it concerns; a second factor, step-up or large-amount confirmation keeps the form open.</summary>
    private void Explain(TransferProblem problem)
    {
        var text = En ? problem.En : problem.Zh;
        switch (problem.Code)
        {
            case "BAD_PAYMENT_PASSWORD" or "PAYMENT_PASSWORD_LOCKED" or "PAYMENT_PASSWORD_NOT_SET":
                PasswordError = text;
                break;
            case "SECOND_FACTOR_REQUIRED":
                CodePurpose = TransferVerification.CodePurpose;
                Warning = text;
                break;
            case var c when IsStepUp(c):
                CodePurpose = Risk.RiskCheck.CodePurpose;
                Warning = T("为保障资金安全，需要短信验证：请获取验证码后再次确认。", "For your safety, confirm with an SMS code: get the code, then confirm again.");
                break;
            case "SECOND_FACTOR_INVALID" or "RISK_VERIFICATION_INVALID":
                CodeError = text;
                break;
            case "LARGE_AMOUNT_CONFIRMATION_REQUIRED":
                // the API's text tells a client what to send back; a person is told what to check, in words
                ConfirmationToken = problem.Extra?["confirmationToken"] as string;
                var (today, limit) = (problem.Extra?["todayTotalFen"] is long t ? new Money(t) : (Money?)null,
                    problem.Extra?["thresholdFen"] is long l ? new Money(l) : (Money?)null);
                Warning = T($"大额转账提醒：今日转账累计将达 {today}，超过 {limit}。请核对收款人和金额，确认无误后再次点击确认。",
                    $"Large-amount reminder: today's transfers would reach {today}, above {limit}. Check the payee and the amount, then confirm again.");
                break;
            default:
                Error = text;
                break;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{8,64}\\z")]
    private static partial Regex RequestIdPattern();
}
