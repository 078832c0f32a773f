using Microsoft.AspNetCore.Mvc;
using Zhifu.Core;
using Zhifu.Data.Entities;
using Zhifu.Server.Payments;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>
/// 付款 (PAY-1): what a scanned merchant code (or the merchant's H5 <c>h5_url</c>) asks for — merchant, goods, amount — paid
/// with the payment password (ACC-7), the SMS step-up when risk control asks (RISK-1). Through <see cref="WalletPayments"/>.
/// </summary>
public sealed class PayModel(WalletPayments payments) : WalletPage
{
    [BindProperty(SupportsGet = true)]
    public string? Code { get; set; }

    [BindProperty]
    public string? PaymentPassword { get; set; }

    [BindProperty]
    public string? VerificationCode { get; set; }

    [BindProperty]
    public bool StepUp { get; set; }

    public PaymentOrderRow? Order { get; private set; }
    public string? Merchant { get; private set; }
    public string? Unpayable { get; private set; }
    public bool Paid { get; private set; }
    public string? PasswordError { get; private set; }
    public string? CodeError { get; private set; }
    public string? Error { get; private set; }
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFoundPage();

    public async Task<IActionResult> OnPostSendCodeAsync()
    {
        if (!await LoadAsync())
        {
            return NotFoundPage();
        }
        StepUp = true;
        var refusal = await SendMyCodeAsync();
        (CodeError, Message) = (refusal, refusal is null ? T("验证码已发送到您的手机", "A code was sent to your phone") : null);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await LoadAsync())
        {
            return NotFoundPage();
        }
        var (paid, error) = await payments.PayAsync(UserId, Order!, PaymentPassword,
            VerificationCode is { Length: > 0 and <= 16 } c ? c.Trim() : null, Risk.RiskOrigin.Of(HttpContext), Aborted);
        if (error is null)
        {
            Order = paid;
            (Paid, Unpayable) = (Order!.State == PaymentOrders.Success, null);
            return Page();
        }
        switch (error.Code)
        {
            case "BAD_PAYMENT_PASSWORD" or "PAYMENT_PASSWORD_LOCKED" or "PAYMENT_PASSWORD_NOT_SET":
                PasswordError = Say(error);
                break;
            case var code when IsStepUp(code):
                StepUp = true;
                Error = T("为保障资金安全，需要短信验证：请获取验证码后再次确认。", "For your safety, confirm with an SMS code: get the code, then confirm again.");
                break;
            case "RISK_VERIFICATION_INVALID":
                CodeError = Say(error);
                break;
            default:
                Error = Say(error);
                break;
        }
        await LoadAsync(); // the order may have moved (held for review, paid by someone else)
        return Page();
    }

    private async Task<bool> LoadAsync()
    {
        if (Code is not { Length: > 0 and <= 64 })
        {
            return false;
        }
        (Order, Merchant) = await payments.FindAsync(Code, Aborted);
        if (Order is null)
        {
            return false;
        }
        Paid = Order.State == PaymentOrders.Success && Order.PayerUserId == UserId;
        Unpayable = Paid ? null : await payments.UnpayableAsync(Order, UserId, Aborted) is { } why ? Say(why) : null;
        return true;
    }

    private IActionResult NotFoundPage()
    {
        Error = T("找不到该订单，请确认二维码或链接是否正确", "No such order: check the code or the link");
        return Page();
    }

    public string Amount => Order is null ? "" : new Money(Order.TotalFen).ToString();
}
