using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Server.Hosting;

namespace Zhifu.Server.Consoles.Shared;

/// <summary>
/// A console's password page (ACC-7): the forced change of an initial password — a session that may do nothing else — and any
/// later change, through the same rule, lockout and audit as the console's API. The operator and merchant consoles each
/// say how the change is made and where the console's home is.
/// </summary>
public abstract class PasswordPage : PageModel
{
    [BindProperty]
    public string? CurrentPassword { get; set; }

    [BindProperty]
    public string? NewPassword { get; set; }

    [BindProperty]
    public string? ConfirmPassword { get; set; }

    /// <summary>The session may do nothing else until the password is changed.</summary>
    public abstract bool MustChange { get; }

    /// <summary>Where the console starts once the initial password is changed.</summary>
    public abstract string Home { get; }

    /// <summary>The page's way back once the password is no initial one.</summary>
    public abstract (string Href, string Zh, string En) Back { get; }

    public bool Done { get; private set; }
    public string? CurrentError { get; private set; }
    public string? NewError { get; private set; }
    public string? ConfirmError { get; private set; }

    /// <summary>Changes the password as the console's API does; null when changed.</summary>
    protected abstract Task<Refusal?> ChangeAsync(string currentPassword, string? newPassword);

    /// <summary>After a change the page is shown anew (<paramref name="done"/>), under the session the change issued: forms
    /// rendered under the old one would carry anti-forgery tokens of a session that no longer is.</summary>
    public void OnGet(bool done) => Done = done;

    public async Task<IActionResult> OnPostAsync()
    {
        var en = ConsoleText.IsEnglish(HttpContext);
        if (string.IsNullOrEmpty(CurrentPassword) || CurrentPassword.Length > 128)
        {
            CurrentError = en ? "Enter the current password" : "请输入当前密码";
            return Page();
        }
        if (NewPassword != ConfirmPassword)
        {
            ConfirmError = en ? "The two new passwords differ" : "两次输入的新密码不一致";
            return Page();
        }
        var wasForced = MustChange;
        if (await ChangeAsync(CurrentPassword, NewPassword) is { } refusal)
        {
            if (refusal.Field == "newPassword")
            {
                NewError = refusal.Text(en);
            }
            else
            {
                CurrentError = refusal.Text(en);
            }
            return Page();
        }
        return wasForced ? Redirect(Home) : Redirect(Request.Path + "?done=true");
    }
}
