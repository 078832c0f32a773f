using Microsoft.AspNetCore.Mvc;
using Zhifu.Core;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Lifecycle;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>
/// 安全设置: freeze the wallet at once (ACC-6, holder's loss freeze: a session is enough) and lift it with the payment password
/// and an SMS code; change the login and payment passwords with an SMS code (ACC-7); see and end signed-in sessions.
/// </summary>
public sealed class SecurityModel(WalletAccounts accounts, WalletCredentials credentials, OneTimeCodes codes, AccountFreezes freezes,
    AccountRestrictions restrictions, WalletSessions sessions, AccountsOptions options) : WalletPage
{
    private static readonly HashSet<string> CodePurposes = ["login-password", "payment-password", HolderConfirmation.Unfreeze];

    [BindProperty]
    public string? Otp { get; set; }

    [BindProperty]
    public string? NewPassword { get; set; }

    /// <summary>The new password typed twice: one slip would otherwise lock the holder out (every session ends with a new login
    /// password) — told before the SMS code is spent, as the reset page does.</summary>
    [BindProperty]
    public string? ConfirmPassword { get; set; }

    [BindProperty]
    public string? PaymentPassword { get; set; }

    [BindProperty]
    public string? Purpose { get; set; }

    public AccountRestrictionRow? HolderFreeze { get; private set; }
    public IReadOnlyList<ActiveRestriction> Restrictions { get; private set; } = [];
    public IReadOnlyList<WalletSessionRow> Sessions { get; private set; } = [];
    public Guid CurrentSession => User.SessionId();
    public string Phone { get; private set; } = "";
    public string? Open { get; private set; }
    public string? Message { get; private set; }
    public string? Error { get; private set; }
    public string? OtpError { get; private set; }
    public string? PasswordError { get; private set; }
    public int IdleMinutes => options.SessionIdleMinutes;

    public async Task OnGetAsync() => await LoadAsync();

    /// <summary>Loss freeze: one tap and a confirm(); nothing else, as the phone and its codes may be in someone else's hands.</summary>
    public async Task OnPostFreezeAsync()
    {
        var (freeze, error) = await freezes.FreezeByHolderAsync(UserId, User.SessionId(), Aborted);
        if (error is null)
        {
            Message = T($"钱包已冻结（{ChinaTime.Format(freeze!.CreatedAt)}），资金收付已暂停。", $"Your wallet is frozen ({ChinaTime.Format(freeze!.CreatedAt)}): no money moves.");
        }
        else
        {
            Error = Say(error);
        }
        await LoadAsync();
    }

    public async Task OnPostUnfreezeAsync()
    {
        Open = HolderConfirmation.Unfreeze;
        var error = await freezes.UnfreezeByHolderAsync(UserId, PaymentPassword, Otp?.Trim(), Aborted);
        Show(error, "已解除冻结", "Unfrozen");
        await LoadAsync();
    }

    public async Task OnPostSendCodeAsync()
    {
        Open = Purpose is { } p && CodePurposes.Contains(p) ? p : null;
        if (Open is null)
        {
            Error = Say(WalletErrors.InvalidPurpose);
        }
        else
        {
            var user = (await accounts.FindAsync(UserId, Aborted))!;
            var error = await codes.SendAsync(credentials.PhoneOf(user), Open, Aborted);
            (OtpError, Message) = (error is null ? null : Say(error), error is null ? T("验证码已发送到您的手机", "A code was sent to your phone") : null);
        }
        await LoadAsync();
    }

    public async Task<IActionResult> OnPostLoginPasswordAsync()
    {
        Open = "login-password";
        if (Differs())
        {
            await LoadAsync();
            return Page();
        }
        var error = await credentials.ChangeLoginPasswordAsync(UserId, User.SessionId(), Otp?.Trim(), NewPassword, Aborted);
        if (error is null)
        {
            WalletText.SignOut(HttpContext); // every session ends with a new login password (ACC-7)
            return Redirect(WalletAuthenticationHandler.LoginPath);
        }
        Show(error, "", "");
        await LoadAsync();
        return Page();
    }

    public async Task OnPostPaymentPasswordAsync()
    {
        Open = "payment-password";
        if (!Differs())
        {
            Show(await credentials.SetPaymentPasswordAsync(UserId, Otp?.Trim(), NewPassword, Aborted), "支付密码已修改", "Payment password changed");
        }
        await LoadAsync();
    }

    public async Task OnPostEndSessionAsync(Guid session)
    {
        Message = session != User.SessionId() && await sessions.RevokeOwnAsync(UserId, session, Aborted)
            ? T("已让该设备退出登录", "That device is signed out") : null;
        await LoadAsync();
    }

    private bool Differs()
    {
        if (NewPassword == ConfirmPassword)
        {
            return false;
        }
        PasswordError = T("两次输入的新密码不一致", "The two new passwords differ");
        return true;
    }

    private void Show(WalletError? error, string zh, string en)
    {
        if (error is null)
        {
            Message = T(zh, en);
            return;
        }
        var text = Say(error);
        switch (error.Code)
        {
            case "OTP_INVALID" or "OTP_RATE_LIMITED":
                OtpError = text;
                break;
            case "WEAK_LOGIN_PASSWORD" or "WEAK_PAYMENT_PASSWORD" or "BAD_PAYMENT_PASSWORD" or "PAYMENT_PASSWORD_LOCKED":
                PasswordError = text;
                break;
            default:
                Error = text;
                break;
        }
    }

    private async Task LoadAsync()
    {
        var user = (await accounts.FindAsync(UserId, Aborted))!;
        Phone = PersonalDataMask.Phone(credentials.PhoneOf(user));
        HolderFreeze = await restrictions.FindOpenAsync(UserId, RestrictionKinds.HolderFreeze, Aborted);
        Restrictions = await restrictions.ActiveAsync(user, Aborted);
        Sessions = await sessions.ListAsync(UserId, Aborted);
    }
}
