using Microsoft.AspNetCore.Mvc;
using Zhifu.Server.Passwordless;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>
/// 免密支付签约确认 (PWL-1, PWL-2): the prominent confirmation page — who asks, the core terms first (large for an elderly
/// user), the limits the user may lower, nothing pre-ticked; for an elderly user the risk-tolerance questions and an extra
/// confirmation; then the payment password and an SMS code. Through <see cref="PasswordlessAgreements"/>.
/// </summary>
public sealed class PasswordlessSignModel(PasswordlessAgreements agreements) : WalletPage
{
    /// <summary>PWL-2's three risk-tolerance questions; the prudent answer of each is "yes" (1).</summary>
    public static readonly IReadOnlyList<(string Zh, string En)> Questions =
    [
        ("我知道开通后小额扣款不再需要输入密码", "I understand small payments will no longer ask for my password"),
        ("我知道可以随时在钱包中一键关闭免密支付", "I know I can close passwordless payment at any time in the wallet"),
        ("遇到陌生人要求开通免密支付时，我会拒绝", "I will refuse if a stranger asks me to open passwordless payment"),
    ];

    [BindProperty(SupportsGet = true)]
    public string? PreSignId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    [BindProperty]
    public bool AcceptTerms { get; set; }

    [BindProperty]
    public bool ElderlyConfirm { get; set; }

    [BindProperty]
    public int?[] Answers { get; set; } = new int?[3];

    [BindProperty]
    public string? PerPaymentYuan { get; set; }

    [BindProperty]
    public string? DailyYuan { get; set; }

    [BindProperty]
    public string? PaymentPassword { get; set; }

    [BindProperty]
    public string? SmsCode { get; set; }

    public PasswordlessOffer? Offer { get; private set; }
    public PasswordlessEndpoints.AgreementDto? Signed { get; private set; }
    public Dictionary<string, string> FieldErrors { get; } = [];
    public string? Error { get; private set; }
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostSendCodeAsync()
    {
        if (await LoadAsync())
        {
            var refusal = await SendMyCodeAsync(PasswordlessAgreements.SignCodePurpose);
            if (refusal is null)
            {
                Message = T("验证码已发送到您的手机", "A code was sent to your phone");
            }
            else
            {
                FieldErrors["smsCode"] = refusal;
            }
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await LoadAsync())
        {
            return Page();
        }
        var request = new SignRequest(PreSignId, PreSignId is null ? Kind : null, PaymentPassword, SmsCode?.Trim(), AcceptTerms,
            Fen(PerPaymentYuan), Fen(DailyYuan), ElderlyConfirm,
            Enumerable.Range(0, Questions.Count).Any(i => Answer(i) is null) ? null : [.. Enumerable.Range(0, Questions.Count).Select(i => Answer(i)!.Value)]);
        var (row, error) = await agreements.SignAsync(UserId, request, "wallet-h5", Aborted);
        if (error is null)
        {
            Signed = await HttpContext.RequestServices.GetRequiredService<PasswordlessQueries>().DtoAsync(row!, Aborted);
            return Page();
        }
        var field = error.Code switch
        {
            "PASSWORDLESS_TERMS_NOT_ACCEPTED" => "acceptTerms",
            "PASSWORDLESS_ELDERLY_CONFIRM_REQUIRED" => "elderlyConfirm",
            "PASSWORDLESS_ASSESSMENT_NOT_PASSED" => "assessment",
            "PASSWORDLESS_LIMIT_ABOVE_CAP" or "PASSWORDLESS_INVALID_LIMIT" => "limits",
            "BAD_PAYMENT_PASSWORD" or "PAYMENT_PASSWORD_LOCKED" or "PAYMENT_PASSWORD_NOT_SET" => "paymentPassword",
            "OTP_INVALID" => "smsCode",
            _ => null,
        };
        if (field is null)
        {
            Error = Say(error);
        }
        else
        {
            FieldErrors[field] = Say(error);
        }
        return Page();
    }

    /// <summary>The answer given to question <paramref name="i"/>, if any (the binder leaves out unanswered ones).</summary>
    public int? Answer(int i) => Answers is { } a && i < a.Length ? a[i] : null;

    /// <summary>An empty field is no choice (the cap); anything but an amount in yuan with at most two decimals is 0 fen, which
    /// the service refuses — never read as "no choice", which would give the highest limit.</summary>
    private static long? Fen(string? yuan) => string.IsNullOrWhiteSpace(yuan) ? null
        : Zhifu.Core.Money.TryParseYuan(yuan, out var money) ? money.Fen : 0;

    private async Task<bool> LoadAsync()
    {
        if (PreSignId is { Length: 0 or > 64 })
        {
            PreSignId = null;
        }
        if (PreSignId is null && Kind != Data.Entities.PasswordlessAgreementRow.KindOfflineCode)
        {
            Error = T("签约链接无效，请回到商户重新发起", "This signing link is not valid; start again at the merchant");
            return false;
        }
        var (offer, error) = await agreements.OfferAsync(UserId, PreSignId, Aborted);
        (Offer, Error) = (offer, error is null ? null : Say(error));
        return offer is not null;
    }

    public string? FieldError(string field) => FieldErrors.GetValueOrDefault(field);
}
