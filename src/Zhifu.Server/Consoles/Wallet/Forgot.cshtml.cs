using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Server.Accounts;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>
/// 找回登录密码 (ACC-7) through <see cref="LoginPasswordReset"/>, exactly as the Wallet API resets: a code to the phone, the ID
/// number of a real-name wallet (else the payment password, when set), the new password twice; then back to the sign-in page.
/// Neither the ID number nor any password is ever written back into the form.
/// </summary>
[AllowAnonymous]
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(Hosting.SignInRateLimit.WalletPolicy)]
public sealed class ForgotModel(LoginPasswordReset reset, IConfiguration configuration) : PageModel
{
    [BindProperty]
    public string? Phone { get; set; }

    [BindProperty]
    public string? Otp { get; set; }

    [BindProperty]
    public string? IdNumber { get; set; }

    [BindProperty]
    public string? PaymentPassword { get; set; }

    [BindProperty]
    public string? NewPassword { get; set; }

    [BindProperty]
    public string? ConfirmPassword { get; set; }

    public bool DevInbox => configuration.GetValue("Sms:DevInbox", false);
    public string? Message { get; private set; }
    public string? PhoneError { get; private set; }
    public string? OtpError { get; private set; }
    public string? IdentityError { get; private set; }
    public string? PasswordError { get; private set; }
    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostSendCodeAsync()
    {
        Phone = Phone?.Trim();
        (PhoneError, Message) = WalletText.CodeAsked(HttpContext, await reset.SendCodeAsync(Phone, HttpContext.RequestAborted));
        return Page();
    }

    public async Task<IActionResult> OnPostResetAsync()
    {
        Phone = Phone?.Trim();
        if (NewPassword != ConfirmPassword)
        {
            PasswordError = ConsoleText.IsEnglish(HttpContext) ? "The two new passwords differ" : "两次输入的新密码不一致";
            return Page();
        }
        var error = await reset.ResetAsync(new LoginPasswordReset.ResetRequest(Phone, Otp?.Trim(), IdNumber, PaymentPassword, NewPassword),
            HttpContext.RequestAborted);
        if (error is null)
        {
            return Redirect("/wallet/login?reset=1");
        }
        var text = WalletText.Say(HttpContext, error);
        switch (error.Code)
        {
            case "INVALID_PHONE" or "PHONE_HAS_NO_WALLET":
                PhoneError = text;
                break;
            case "OTP_INVALID":
                OtpError = text;
                break;
            case "INVALID_ID_NUMBER":
                IdentityError = text;
                break;
            case "ID_NUMBER_REQUIRED" or "ID_NUMBER_MISMATCH" or "PAYMENT_PASSWORD_REQUIRED" or "BAD_PAYMENT_PASSWORD" or "PAYMENT_PASSWORD_LOCKED":
                // the code went with the try
                (IdentityError, Otp) = (text + (ConsoleText.IsEnglish(HttpContext) ? " — get a new code and try again" : "，请重新获取验证码后再试"), null);
                break;
            case "WEAK_LOGIN_PASSWORD":
                PasswordError = text;
                break;
            default:
                Error = text;
                break;
        }
        return Page();
    }
}
