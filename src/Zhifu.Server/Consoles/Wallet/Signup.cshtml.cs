using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Server.Accounts;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>Self-service opening (ACC-1) through <see cref="WalletSignUp"/>, exactly as the Wallet API opens; then signed in.</summary>
[AllowAnonymous]
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(Hosting.SignInRateLimit.WalletPolicy)]
public sealed class SignupModel(WalletSignUp signUp, IConfiguration configuration) : PageModel
{
    [BindProperty]
    public string? Phone { get; set; }

    [BindProperty]
    public string? Otp { get; set; }

    [BindProperty]
    public string? LoginPassword { get; set; }

    [BindProperty]
    public bool Accept { get; set; }

    [BindProperty]
    public string? AgreementVersion { get; set; }

    public bool DevInbox => configuration.GetValue("Sms:DevInbox", false);
    public string? Message { get; private set; }
    public string? PhoneError { get; private set; }
    public string? OtpError { get; private set; }
    public string? PasswordError { get; private set; }
    public string? AgreementError { get; private set; }
    public string? Error { get; private set; }

    public void OnGet() => AgreementVersion = signUp.AgreementVersion;

    public async Task<IActionResult> OnPostSendCodeAsync()
    {
        Phone = Phone?.Trim();
        AgreementVersion ??= signUp.AgreementVersion;
        (PhoneError, Message) = WalletText.CodeAsked(HttpContext, await signUp.SendCodeAsync(Phone, HttpContext.RequestAborted));
        return Page();
    }

    public async Task<IActionResult> OnPostOpenAsync()
    {
        Phone = Phone?.Trim();
        var (token, _, error) = await signUp.OpenAsync(Phone, Otp?.Trim(), LoginPassword, AgreementVersion, Accept,
            WalletText.BrowserDevice(HttpContext), HttpContext.RequestAborted);
        if (error is null)
        {
            WalletText.SignIn(HttpContext, token!);
            return Redirect("/wallet");
        }
        var text = WalletText.Say(HttpContext, error);
        switch (error.Code)
        {
            case "INVALID_PHONE" or "PHONE_ALREADY_HAS_WALLET":
                PhoneError = text;
                break;
            case "OTP_INVALID":
                OtpError = text;
                break;
            case "WEAK_LOGIN_PASSWORD":
                PasswordError = text;
                break;
            case "AGREEMENT_NOT_ACCEPTED" or "AGREEMENT_VERSION_OUTDATED":
                AgreementError = text;
                AgreementVersion = signUp.AgreementVersion;
                break;
            default:
                Error = text;
                break;
        }
        return Page();
    }
}
