using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Server.Merchants;

namespace Zhifu.Server.Consoles.Merchant;

/// <summary>
/// The merchant console's sign-in (MER-2, SEC-2): the captcha is checked first (and used up, right or wrong), then the same
/// password check, lockout and session as the merchant console API; a staff member who must change the initial password
/// goes to do that.
/// </summary>
[AllowAnonymous]
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(Hosting.SignInRateLimit.Policy)]
public sealed class LoginModel(MerchantCaptcha captchas) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Username { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public string? Captcha { get; set; }

    public string? UsernameError { get; private set; }
    public string? PasswordError { get; private set; }
    public string? CaptchaError { get; private set; }
    public string? Error { get; private set; }
    public string CaptchaSvg { get; private set; } = "";

    public void OnGet() => NewCaptcha();

    public async Task<IActionResult> OnPostAsync()
    {
        var en = ConsoleText.IsEnglish(HttpContext);
        var captchaRight = captchas.Check(Request.Cookies[MerchantCaptcha.Cookie], Captcha);
        if (string.IsNullOrWhiteSpace(Username) || Username.Length > 64)
        {
            UsernameError = en ? "Enter your username" : "请输入用户名";
        }
        if (string.IsNullOrEmpty(Password) || Password.Length > 128)
        {
            PasswordError = en ? "Enter your password" : "请输入密码";
        }
        if (!captchaRight)
        {
            CaptchaError = string.IsNullOrWhiteSpace(Captcha)
                ? (en ? "Enter the characters in the picture" : "请输入图中的字符")
                : (en ? "The captcha is wrong or has expired: enter the new one" : "验证码错误或已过期，请输入新的验证码");
        }
        if (UsernameError is not null || PasswordError is not null || CaptchaError is not null)
        {
            NewCaptcha();
            return Page(); // the password is not checked without a right captcha
        }
        var (session, refusal) = await MerchantStaffAuth.SignInAsync(HttpContext, Username!.Trim(), Password!);
        if (refusal is not null)
        {
            Error = refusal.Text(en);
            NewCaptcha();
            return Page();
        }
        if (session!.MustChangePassword)
        {
            return Redirect("/merchant/password");
        }
        return LocalRedirect(ReturnUrl is { Length: > 1 } r && Url.IsLocalUrl(r) && r.StartsWith("/merchant", StringComparison.OrdinalIgnoreCase)
            ? r : "/merchant");
    }

    private void NewCaptcha() => CaptchaSvg = captchas.IssueTo(HttpContext, "/merchant/login");
}
