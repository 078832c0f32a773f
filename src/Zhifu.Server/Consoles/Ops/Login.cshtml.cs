using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Server.Security;

namespace Zhifu.Server.Consoles.Ops;

/// <summary>The operator console's sign-in (SEC-2): the same password check, lockout and session as the Operator API.</summary>
[AllowAnonymous]
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(Hosting.SignInRateLimit.Policy)]
public sealed class LoginModel : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Username { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    public string? UsernameError { get; private set; }
    public string? PasswordError { get; private set; }
    public string? Error { get; private set; }

    /// <summary>An operator whose initial password is still to be changed is sent back to its change (ACC-7).</summary>
    public async Task<IActionResult> OnGetAsync() =>
        (await HttpContext.AuthenticateAsync(OperatorAuth.PasswordScheme)).Succeeded ? Redirect("/ops/password") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        var en = ConsoleText.IsEnglish(HttpContext);
        if (string.IsNullOrWhiteSpace(Username) || Username.Length > 64)
        {
            UsernameError = en ? "Enter your username" : "请输入用户名";
        }
        if (string.IsNullOrEmpty(Password) || Password.Length > 128)
        {
            PasswordError = en ? "Enter your password" : "请输入密码";
        }
        if (UsernameError is not null || PasswordError is not null)
        {
            return Page();
        }
        var (session, refusal) = await OperatorAuth.SignInAsync(HttpContext, Username!.Trim(), Password!);
        if (refusal is not null)
        {
            Error = refusal == SignInRefusal.Locked
                ? (en ? "Too many wrong passwords: the account is locked for a while" : "密码错误次数过多，账户已锁定，请稍后再试")
                : (en ? "Wrong username or password" : "用户名或密码错误");
            return Page();
        }
        if (session!.MustChangePassword)
        {
            return Redirect("/ops/password"); // an initial password is changed before anything else (ACC-7)
        }
        return LocalRedirect(ReturnUrl is { Length: > 1 } r && Url.IsLocalUrl(r) && r.StartsWith("/ops", StringComparison.OrdinalIgnoreCase)
            ? r : "/ops");
    }
}
