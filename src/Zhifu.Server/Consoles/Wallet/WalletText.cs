using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Zhifu.Server.Accounts;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>
/// The H5 wallet's display choices: large text for elderly users (the <c>zhifu.font</c> cookie, set by
/// <c>/wallet/font?to=large</c>, remembered a year), beside the consoles' language choice (<see cref="ConsoleText"/>).
/// </summary>
public static class WalletText
{
    public const string FontCookie = "zhifu.font";

    public static bool IsLargeFont(HttpContext context) => context?.Request.Cookies[FontCookie] == "large";

    /// <summary>A refusal in the page's language.</summary>
    public static string Say(HttpContext context, WalletError error) =>
        error is null ? "" : ConsoleText.IsEnglish(context) ? error.En : error.Zh;

    /// <summary>What a page says once it asked for a one-time code: the refusal for the phone's field, or the "sent" notice.</summary>
    public static (string? PhoneError, string? Message) CodeAsked(HttpContext context, WalletError? refusal) =>
        refusal is not null ? (Say(context, refusal), null)
        : (null, ConsoleText.IsEnglish(context) ? "The code is on its way by SMS" : "验证码已发送，请查收短信");

    /// <summary>
    /// Puts a wallet session's opaque token in the HttpOnly, SameSite=Strict <see cref="WalletAuthenticationHandler.Cookie"/>
    /// for the wallet's pages; the session store decides how long it lives (idle and maximum age, as for the API). A browser
    /// session cookie (ACC-8): closing the browser on a shared or borrowed phone forgets it, whatever the session has left.
    /// </summary>
    public static void SignIn(HttpContext context, string token)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Cookies.Append(WalletAuthenticationHandler.Cookie, token, new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = context.Request.IsHttps, Path = "/wallet", IsEssential = true,
        });
    }

    /// <summary>The cookie that keeps this browser's device id (<see cref="BrowserDevice"/>).</summary>
    public const string DeviceCookie = "zhifu.device";

    private const string BrowserDevicePrefix = "web-";

    /// <summary>
    /// This browser's device id, as the app sends its own at sign-in (RISK-2: new-device rules, device lists; ACC-3: openings
    /// per device): a random id kept in a long-lived HttpOnly cookie, made on the first sign-in or sign-up from the browser.
    /// It names a browser profile, not a person — clearing the cookies makes a new device.
    /// </summary>
    public static string BrowserDevice(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.Cookies[DeviceCookie] is { Length: 36 } kept && kept.StartsWith(BrowserDevicePrefix, StringComparison.Ordinal)
            && kept[BrowserDevicePrefix.Length..].All(char.IsAsciiHexDigitLower))
        {
            return kept;
        }
        var made = BrowserDevicePrefix + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        context.Response.Cookies.Append(DeviceCookie, made, new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = context.Request.IsHttps, Path = "/wallet", IsEssential = true,
            MaxAge = TimeSpan.FromDays(400), // the longest a browser keeps a cookie
        });
        return made;
    }

    /// <summary>A signed-in device as the security page lists it: a browser of the web wallet, the app's device id, or neither.</summary>
    public static string DeviceName(string? deviceId, bool en) => deviceId switch
    {
        { Length: > 0 } d when d.StartsWith(BrowserDevicePrefix, StringComparison.Ordinal) =>
            (en ? "Web browser " : "网页浏览器 ") + d[^4..],
        { Length: > 0 } d => d,
        _ => en ? "Unregistered device" : "未登记设备",
    };

    public static void SignOut(HttpContext context) =>
        context?.Response.Cookies.Delete(WalletAuthenticationHandler.Cookie, new CookieOptions { Path = "/wallet" });

    /// <summary>A statement line's kind as the holder reads it.</summary>
    public static string KindName(string kind, bool en) => kind switch
    {
        "top-up" => en ? "Top-up" : "充值",
        "withdrawal" => en ? "Withdrawal" : "提现",
        "payment" => en ? "Payment" : "付款",
        "refund" => en ? "Refund" : "退款",
        "transfer-out" => en ? "Transfer out" : "转出",
        "transfer-in" => en ? "Transfer in" : "转入",
        "transfer-to-card" => en ? "To bank card" : "转到银行卡",
        "merge-in" => en ? "Merged in" : "合并转入",
        "merge-out" => en ? "Merged out" : "合并转出",
        "adjustment" => en ? "Adjustment" : "调账",
        _ => kind,
    };

    /// <summary>A movement's status as the holder reads it, and the tag colour that goes with it.</summary>
    public static (string Text, string Tone) StatusName(string status, bool en) => status switch
    {
        "succeeded" or "SUCCESS" => (en ? "Done" : "成功", "ok"),
        "pending" or "processing" or "NOTPAY" or "PAYING" => (en ? "In progress" : "处理中", ""),
        "review" or "REVIEW" => (en ? "Under review (money held)" : "审核中（资金已冻结）", "warn"),
        "failed" => (en ? "Failed" : "失败", "bad"),
        "revoked" => (en ? "Revoked" : "已撤销", "bad"),
        "CLOSED" => (en ? "Closed" : "已关闭", "bad"),
        "unknown" => (en ? "Awaiting the bank" : "等待银行结果", "warn"),
        _ => (status, ""),
    };

    /// <summary>A local path to go back to, or null (never another site: <c>//host</c> and <c>/\host</c> are refused).</summary>
    public static string? Local(string? back, string prefix = "/") =>
        back is { Length: > 1 and <= 512 } b && b[0] == '/' && b[1] != '/' && b[1] != '\\' && b.All(c => c is >= ' ' and <= '~')
            && b.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? b : null; // control or non-ASCII: the Location header throws
}

/// <summary>Every signed-in wallet page: the wallet session (the <c>zhifu.wallet</c> cookie), the user, texts in two languages.</summary>
[Authorize(Policy = WalletSessions.Scheme)]
public abstract class WalletPage : PageModel
{
    protected Guid UserId => User.UserId();

    protected bool En => ConsoleText.IsEnglish(HttpContext);

    protected string T(string zh, string en) => En ? en : zh;

    protected string Say(WalletError error) => WalletText.Say(HttpContext, error);

    protected CancellationToken Aborted => HttpContext.RequestAborted;

    /// <summary>Texts the holder a one-time code to the bound phone (by default the step-up risk control asks for, RISK-1); the refusal, if any.</summary>
    protected async Task<string?> SendMyCodeAsync(string purpose = Risk.RiskCheck.CodePurpose)
    {
        var services = HttpContext.RequestServices;
        var user = (await services.GetRequiredService<WalletAccounts>().FindAsync(UserId, Aborted))!;
        var phone = services.GetRequiredService<WalletCredentials>().PhoneOf(user);
        return await services.GetRequiredService<OneTimeCodes>().SendAsync(phone, purpose, Aborted) is { } error
            ? Say(error) : null;
    }

    /// <summary>Whether a refusal asks for risk control's SMS step-up (RISK-1).</summary>
    protected static bool IsStepUp(string code) => code == Risk.RiskErrors.StepUpRequired.Code;

    /// <summary>A fresh request id for an idempotent money request (one per confirmation form).</summary>
    protected static string NewRequestId() => "h5-" + Guid.NewGuid().ToString("N");
}
