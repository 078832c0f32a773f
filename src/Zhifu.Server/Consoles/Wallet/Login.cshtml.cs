using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Server.Accounts;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>The wallet's sign-in (ACC-7): the Wallet API's own password check, lockout and session, carried in a cookie.</summary>
[AllowAnonymous]
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(Hosting.SignInRateLimit.WalletPolicy)]
public sealed class LoginModel(WalletCredentials credentials) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Phone { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    public string? PhoneError { get; private set; }
    public string? PasswordError { get; private set; }
    public string? Error { get; private set; }

    /// <summary>Arrived from a completed 找回登录密码 (<c>?reset=1</c>).</summary>
    public bool WasReset => Request.Query["reset"] == "1";

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        Phone = Phone?.Trim();
        if (!CredentialRules.IsPhone(Phone))
        {
            PhoneError = WalletText.Say(HttpContext, WalletErrors.InvalidPhone);
        }
        if (string.IsNullOrEmpty(Password) || Password.Length > 64)
        {
            PasswordError = ConsoleText.IsEnglish(HttpContext) ? "Enter your login password" : "请输入登录密码";
        }
        if (PhoneError is not null || PasswordError is not null)
        {
            return Page();
        }
        var (token, _, error) = await credentials.LoginAsync(Phone!, Password!, WalletText.BrowserDevice(HttpContext),
            HttpContext.RequestAborted);
        if (error is not null)
        {
            Error = WalletText.Say(HttpContext, error);
            return Page();
        }
        WalletText.SignIn(HttpContext, token!);
        return LocalRedirect(WalletText.Local(ReturnUrl, "/wallet") ?? "/wallet");
    }
}
