using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Server.Accounts;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>
/// 找回登录密码 (ACC-7) through <see cref="LoginPasswordReset"/>, exactly as the Wallet API resets: a code to the phone, the ID
/// number of a real-name wallet, the new password twice; then back to the sign-in page. The ID number is never written back.
/// </summary>
[AllowAnonymous]
public sealed class ForgotModel(LoginPasswordReset reset, IConfiguration configuration) : PageModel
{
    [BindProperty]
    public string? Phone { get; set; }

    [BindProperty]
    public string? Otp { get; set; }

    [BindProperty]
    public string? IdNumber { get; set; }

    [BindProperty]
    public string? NewPassword { get; set; }

    [BindProperty]
    public string? ConfirmPassword { get; set; }

    public bool DevInbox => configuration.GetValue("Sms:DevInbox", false);
    public string? Message { get; private set; }
    public string? PhoneError { get; private set; }
    public string? OtpError { get; private set; }
    public string? IdNumberError { get; private set; }
    public string? PasswordError { get; private set; }
    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostSendCodeAsync()
    {
        Phone = Phone?.Trim();
        if (await reset.SendCodeAsync(Phone, HttpContext.RequestAborted) is { } error)
        {
            PhoneError = WalletText.Say(HttpContext, error);
        }
        else
        {
            Message = ConsoleText.IsEnglish(HttpContext)
                ? "If this number has a wallet, a code is on its way by SMS"
                : "如该手机号已开通钱包，验证码已发送，请查收短信";
        }
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
        var error = await reset.ResetAsync(Phone, Otp?.Trim(), IdNumber, NewPassword, HttpContext.RequestAborted);
        if (error is null)
        {
            return Redirect("/wallet/login?reset=1");
        }
        var text = WalletText.Say(HttpContext, error);
        switch (error.Code)
        {
            case "INVALID_PHONE":
                PhoneError = text;
                break;
            case "OTP_INVALID":
                OtpError = text;
                break;
            case "INVALID_ID_NUMBER" or "ID_NUMBER_REQUIRED" or "ID_NUMBER_MISMATCH":
                IdNumberError = text + (ConsoleText.IsEnglish(HttpContext) ? " — ask for a new code and try again" : "，请重新获取验证码后再试");
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
