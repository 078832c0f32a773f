using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Zhifu.Data;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Security;

/// <summary>A console sign-in request (operators, merchant staff): a username and a password, both bounded.</summary>
public sealed record LoginRequest(string? Username, string? Password)
{
    /// <summary>400 INVALID_REQUEST when either is missing or too long; null when the request can be checked.</summary>
    public static IResult? Invalid(LoginRequest? request, HttpContext context) =>
        request is null || string.IsNullOrWhiteSpace(request.Username) || string.IsNullOrEmpty(request.Password)
            || request.Username.Length > 64 || request.Password.Length > 128
            ? Hosting.ApiProblem.Create(context, 400, "INVALID_REQUEST", "请输入用户名和密码", "Username and password are required")
            : null;
}

/// <summary>Why a sign-in was refused: the account is locked, or the name or password is wrong (never which of the two).</summary>
public enum SignInRefusal
{
    Locked,
    BadCredentials,
}

/// <summary>
/// One password sign-in with lockout (ACC-7, SEC-1), for operators and merchant staff alike: a locked account is refused
/// without checking the password; each wrong password counts — before it is checked (<see cref="SecretAttempts"/>) — and the
/// one reaching the maximum locks the account for a while.
/// </summary>
public sealed class PasswordSignIn(SecretAttempts attempts, PasswordHasher passwords, OperatorLockoutOptions lockout)
{
    private static readonly SecretColumns Columns =
        new(nameof(IPasswordSignIn.PasswordHash), nameof(IPasswordSignIn.FailedSignIns), nameof(IPasswordSignIn.LockedUntil));

    /// <summary>Null when <paramref name="who"/> may sign in; <paramref name="who"/> null means no such name.</summary>
    public async Task<SignInRefusal?> CheckAsync<TRow>(ZhifuDb db, TRow? who, string password, CancellationToken ct)
        where TRow : class, IPasswordSignIn
    {
        ArgumentNullException.ThrowIfNull(db);
        if (who is null)
        {
            passwords.VerifyNone(password); // as long as a wrong password takes: the time does not tell which usernames exist
            return SignInRefusal.BadCredentials;
        }
        return await attempts.CheckAsync<TRow>(db, who.Id, Columns, password, who.PasswordHash, lockout.FailuresMax, lockout.LockMinutes, ct) switch
        {
            SecretCheck.Right => null,
            SecretCheck.Locked => SignInRefusal.Locked,
            _ => SignInRefusal.BadCredentials, // the wrong password that locks is still told as wrong; the next try hears "locked"
        };
    }
}

/// <summary>
/// The session cookie of a console's staff (operators, merchant staff): HttpOnly, SameSite strict, sliding 30 minutes; an
/// API caller without a session or role gets 401/403 problem+json with the console's codes, never a redirect.
/// </summary>
public static class StaffCookie
{
    /// <summary>
    /// The staff session cookie the API and the console share: an API call without a session answers the problem JSON; a
    /// console page redirects to its sign-in page (<paramref name="signInPage"/>) and shows a refusal page for a role that
    /// may not see it.
    /// </summary>
    public static void Configure(CookieAuthenticationOptions o, string cookieName, string signInCode, string signInZh, string signInEn,
        string forbiddenCode, string signInPage)
    {
        ArgumentNullException.ThrowIfNull(o);
        o.Cookie.Name = cookieName;
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Strict;
        o.SlidingExpiration = true;
        o.ExpireTimeSpan = TimeSpan.FromMinutes(30);
        o.Events.OnRedirectToLogin = c =>
        {
            if (!IsApi(c.Request))
            {
                c.Response.Redirect($"{signInPage}?returnUrl={Uri.EscapeDataString(c.Request.Path + c.Request.QueryString)}");
                return Task.CompletedTask;
            }
            return Hosting.ApiProblem.Create(c.HttpContext, 401, signInCode, signInZh, signInEn).ExecuteAsync(c.HttpContext);
        };
        o.Events.OnRedirectToAccessDenied = c =>
        {
            if (!IsApi(c.Request))
            {
                c.Response.Redirect(signInPage.Replace("/login", "/denied", StringComparison.Ordinal));
                return Task.CompletedTask;
            }
            return Hosting.ApiProblem.Create(c.HttpContext, 403, forbiddenCode, "您的角色无权执行此操作", "Your role may not do this")
                .ExecuteAsync(c.HttpContext);
        };
    }

    private static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);
}
