using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Zhifu.Core;
using Zhifu.Server.Accounts;
using Zhifu.Server.Transfers;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>
/// 转账 to a phone (TRF-1 … TRF-3): amount and arrival (real time, 2 h, 24 h); the payee shown masked before confirming; the
/// payment password, the SMS second factor or risk step-up and the large-amount confirmation when asked. Through
/// <see cref="TransferTargets"/> and <see cref="WalletTransfers"/>, as the Wallet API.
/// </summary>
public sealed partial class TransferModel(TransferTargets targets, WalletTransfers transfers) : WalletPage
{
    [BindProperty]
    public string? Phone { get; set; }

    [BindProperty]
    public string? Amount { get; set; }

    [BindProperty]
    public string Arrival { get; set; } = WalletTransfers.RealTime;

    [BindProperty]
    public string? Memo { get; set; }

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

    public IReadOnlyList<string> Arrivals => targets.Arrivals;
    public TransferTarget? Target { get; private set; }
    public long AmountFen { get; private set; }
    public bool Confirming { get; private set; }
    public string? PhoneError { get; private set; }
    public string? AmountError { get; private set; }
    public string? ArrivalError { get; private set; }
    public string? MemoError { get; private set; }
    public string? PasswordError { get; private set; }
    public string? CodeError { get; private set; }
    public string? Error { get; private set; }
    public string? Warning { get; private set; }
    public string? Message { get; private set; }

    public void OnGet()
    {
    }

    /// <summary>Step 1 → 2: the payee as the payer may see them (masked), the arrival notice, then the payment password.</summary>
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
        var order = new TransferOrder(RequestId, AmountFen, Arrival, string.IsNullOrWhiteSpace(Memo) ? null : Memo.Trim(), PaymentPassword,
            VerificationCode is { Length: > 0 and <= 16 } code ? code.Trim() : null, ConfirmationToken is { Length: > 0 and <= 128 } t ? t : null)
        {
            Origin = Risk.RiskOrigin.Of(HttpContext),
        };
        var (row, problem) = await transfers.SendAsync(UserId, order, Target!, Aborted);
        if (problem is null)
        {
            return Redirect($"/wallet/transfers/{row!.Id}");
        }
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
                ConfirmationToken = problem.Extra?["confirmationToken"] as string;
                Warning = text;
                break;
            default:
                Error = text;
                break;
        }
        return Page();
    }

    private async Task<bool> CheckAsync()
    {
        Phone = Phone?.Trim();
        if (!CredentialRules.IsPhone(Phone))
        {
            PhoneError = Say(WalletErrors.InvalidPhone);
        }
        if (!Money.TryParseYuan(Amount, out var money) || money.Fen <= 0 || money.Fen > 100_000_000_000)
        {
            AmountError = Say(TransferErrors.InvalidAmount with { Zh = "请输入正确的金额", En = "Enter a valid amount" });
        }
        AmountFen = money.Fen;
        if (!targets.IsArrival(Arrival))
        {
            ArrivalError = Say(TransferErrors.InvalidArrival);
        }
        if (Memo is { Length: > 32 })
        {
            MemoError = Say(TransferErrors.InvalidMemo);
        }
        if (PhoneError is null && (Target = await targets.WalletAsync(Phone!, UserId, Aborted)) is null)
        {
            PhoneError = Say(TransferErrors.PayeeNotFound);
        }
        return PhoneError is null && AmountError is null && ArrivalError is null && MemoError is null;
    }

    public string ArrivalName(string arrival) => arrival == WalletTransfers.RealTime ? T("实时到账", "Real time")
        : T($"{arrival.TrimEnd('h')} 小时后到账", $"In {arrival.TrimEnd('h')} hours");

    [GeneratedRegex("^[A-Za-z0-9_-]{8,64}\\z")]
    private static partial Regex RequestIdPattern();
}
