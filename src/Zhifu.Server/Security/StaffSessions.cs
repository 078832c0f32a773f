using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Security;

/// <summary>
/// What makes an operator's or a merchant staff member's session cookie a live session (SEC-2): the account's
/// <see cref="IPasswordSignIn.SessionStamp"/> it was issued under, still the account's, and a sign-in at most
/// <see cref="AbsoluteMax"/> ago however often the cookie slid on. Signing out or changing the password takes a new stamp, so a
/// copied cookie ends with the session it was copied from instead of living on while it is used every half hour.
/// </summary>
public static class StaffSessions
{
    public const string StampClaim = "zhifu:session-stamp";
    public const string SignedInClaim = "zhifu:signed-in";

    /// <summary>The longest a session lives from its sign-in, sliding or not.</summary>
    public static readonly TimeSpan AbsoluteMax = TimeSpan.FromHours(12);

    /// <summary>The claims that tie a new session to its account's stamp and its sign-in time.</summary>
    public static IEnumerable<Claim> Claims(IPasswordSignIn account, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(account);
        yield return new Claim(StampClaim, account.SessionStamp);
        yield return new Claim(SignedInClaim, now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The stamp the session was issued under, or null when it has none or its sign-in is over <see cref="AbsoluteMax"/> ago.</summary>
    public static string? LiveStamp(ClaimsPrincipal? principal, DateTimeOffset now) =>
        principal?.FindFirstValue(StampClaim) is { } stamp
        && long.TryParse(principal.FindFirstValue(SignedInClaim), System.Globalization.CultureInfo.InvariantCulture, out var signedIn)
        && now - DateTimeOffset.FromUnixTimeSeconds(signedIn) < AbsoluteMax
            ? stamp
            : null;

    /// <summary>
    /// The per-request check of a session (the cookie handler's OnValidatePrincipal): rejected — and its cookie removed — unless
    /// its sign-in is within <see cref="AbsoluteMax"/> and <paramref name="account"/> finds the account as the session names it
    /// (name, role, current stamp, and whatever else the scheme requires of it).
    /// </summary>
    public static async Task ValidateAsync<TRow>(CookieValidatePrincipalContext context, string scheme,
        Func<Data.ZhifuDb, string, string?, string, IQueryable<TRow>> account) where TRow : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(account);
        var (name, role) = (context.Principal?.Identity?.Name, context.Principal?.FindFirstValue(ClaimTypes.Role));
        var stamp = LiveStamp(context.Principal, Now(context.HttpContext));
        await using var db = context.HttpContext.RequestServices.GetRequiredService<Data.DatabaseOptions>().CreateContext();
        if (stamp is null || name is null || !await account(db, name, role, stamp).AnyAsync(context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(scheme);
        }
    }

    /// <summary>Ends every session of the account(s) <paramref name="rows"/> select: they take a new stamp.</summary>
    public static Task<int> EndAllAsync<TRow>(IQueryable<TRow> rows) where TRow : class, IPasswordSignIn
    {
        var stamp = IPasswordSignIn.NewStamp();
        return rows.ExecuteUpdateAsync(s => s.SetProperty(r => r.SessionStamp, stamp), CancellationToken.None);
    }

    /// <summary>Signs the caller out of <paramref name="scheme"/> and ends its account's sessions everywhere (a stateless cookie
    /// cannot be ended on its own).</summary>
    public static async Task SignOutAsync<TRow>(HttpContext context, string scheme, Func<Data.ZhifuDb, string, IQueryable<TRow>> account)
        where TRow : class, IPasswordSignIn
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(account);
        var result = await context.AuthenticateAsync(scheme);
        if (result.Principal?.Identity?.Name is { } name)
        {
            await using var db = context.RequestServices.GetRequiredService<Data.DatabaseOptions>().CreateContext();
            await EndAllAsync(account(db, name));
        }
        await context.SignOutAsync(scheme);
    }

    /// <summary>Now by the time the cookie handler judges the cookie's own expiry with (the host's time provider), so the two
    /// limits of a session are measured alike.</summary>
    public static DateTimeOffset Now(HttpContext context) =>
        (context?.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
}
