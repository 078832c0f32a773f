using Microsoft.AspNetCore.Mvc.Rendering;

namespace Zhifu.Server.Consoles;

/// <summary>
/// The consoles' two languages: Chinese first, English when the person chose it (the <c>zhifu.lang</c> cookie, set by
/// <c>/lang?to=en</c>). Every text on a page is written in both, side by side, where it is used.
/// </summary>
public static class ConsoleText
{
    public const string Cookie = "zhifu.lang";

    public static bool IsEnglish(HttpContext context) => context?.Request.Cookies[Cookie] == "en";

    /// <summary>A page of one of the three consoles (a person at a browser), not an API call.</summary>
    public static bool IsConsolePage(PathString path) =>
        path.StartsWithSegments("/wallet") || path.StartsWithSegments("/merchant") || path.StartsWithSegments("/ops");

    /// <summary>The text in the page's language.</summary>
    public static string T(this IHtmlHelper html, string zh, string en) =>
        IsEnglish(html?.ViewContext.HttpContext!) ? en : zh;

    /// <summary><c>/lang?to=zh|en&amp;back=/ops</c>: remembers the choice for a year and goes back (to a local page only).</summary>
    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/lang", (string? to, string? back, HttpContext context) =>
        {
            context.Response.Cookies.Append(Cookie, to == "en" ? "en" : "zh", new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromDays(365), IsEssential = true,
            });
            return Results.LocalRedirect(Wallet.WalletText.Local(back) ?? "/"); // a control character in it is no 500
        }).ExcludeFromDescription();
    }
}
