using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Server.Hosting;

namespace Zhifu.Server.Security;

/// <summary>Operator sign-in lockout (section <c>Security:OperatorLockout</c>).</summary>
public sealed record OperatorLockoutOptions
{
    public int FailuresMax { get; init; } = 5;
    public int LockMinutes { get; init; } = 15;
    public int SessionMinutes { get; init; } = 30;
}

/// <summary>
/// Operators sign in with a role (SEC-1): risk, operations, service, finance, audit. A cookie session that expires when
/// idle; repeated wrong passwords lock the account for a while. APIs answer 401/403, never a redirect. An operator whose
/// password was given to them (<c>operator add</c>, <c>operator reset-password</c>) gets a session of its own scheme,
/// <see cref="PasswordScheme"/>, that nothing but the password change accepts until it is changed (ACC-7).
/// </summary>
public static class OperatorAuth
{
    public const string Scheme = "ops";

    /// <summary>The session of an operator who must first change the initial password: only the password change takes it.</summary>
    public const string PasswordScheme = "ops-password";

    private const string PasswordCookie = "zhifu.ops.pw";

    /// <summary>Whichever operator session the browser holds (one at a time: issuing one removes the other), so a refusal is
    /// answered once, by that session's scheme.</summary>
    public const string AnySession = "ops-any";

    /// <summary>The policy of the password change: any operator session, the full one or the must-change one.</summary>
    public const string PasswordChange = "ops-password-change";
    public static readonly string[] Roles = ["risk", "operations", "service", "finance", "audit"];

    public static void AddServices(IServiceCollection services)
    {
        services.AddSingleton(sp => sp.GetRequiredService<IConfiguration>().GetSection("Security:OperatorLockout")
            .Get<OperatorLockoutOptions>() ?? new OperatorLockoutOptions());
        services.AddSingleton<PasswordSignIn>();
        services.AddSingleton<OperatorAccounts>();
        services.AddAuthentication(Scheme).AddCookie(Scheme, o =>
        {
            StaffCookie.Configure(o, "zhifu.ops", "OPS_SIGN_IN_REQUIRED", "请先登录", "Sign in first", "OPS_ROLE_FORBIDDEN",
                "/ops/login");
            o.Events.OnValidatePrincipal = c => StillValidAsync(c, Scheme);
        }).AddCookie(PasswordScheme, o =>
        {
            StaffCookie.Configure(o, PasswordCookie, "OPS_SIGN_IN_REQUIRED", "请先登录", "Sign in first", "OPS_ROLE_FORBIDDEN",
                "/ops/login");
            o.Events.OnValidatePrincipal = c => StillValidAsync(c, PasswordScheme);
        }).AddPolicyScheme(AnySession, AnySession, o =>
            o.ForwardDefaultSelector = c => c.Request.Cookies.ContainsKey(PasswordCookie) ? PasswordScheme : Scheme);
        services.AddAuthorizationBuilder().AddPolicy(PasswordChange, p => p.AddAuthenticationSchemes(AnySession)
            .RequireAuthenticatedUser());
    }

    public static void Map(WebApplication app)
    {
        var group = app.MapGroup("/api/ops/auth").WithTags("Operator sign-in");
        group.MapPost("/login", LoginAsync).AllowAnonymous().RequireRateLimiting(Hosting.SignInRateLimit.Policy);
        group.MapPost("/logout", async (HttpContext c) =>
        {
            await SignOutAsync(c);
            return Results.NoContent();
        });
        group.MapGet("/me", (ClaimsPrincipal user) => Results.Ok(Session(user))).RequireAuthorization(PasswordChange);
        group.MapPost("/password", PasswordAsync).RequireAuthorization(PasswordChange);
    }

    /// <summary>Who is signed in; <see cref="MustChangePassword"/>: nothing but the password change works until it is changed.</summary>
    public sealed record OperatorSession(string Username, string Role, bool MustChangePassword);

    /// <summary>Change of password: the current one and a strong new one (8–64 characters, letters and digits).</summary>
    public sealed record PasswordChangeRequest(string? CurrentPassword, string? NewPassword);

    private const string MustChangeClaim = "zhifu:must-change-password";

    /// <summary>The signed-in operator's session, as the console shows it.</summary>
    public static OperatorSession Session(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new(user.Identity!.Name!, user.FindFirstValue(ClaimTypes.Role)!, user.HasClaim(MustChangeClaim, "1"));
    }

    private static async Task<IResult> PasswordAsync(PasswordChangeRequest? request, ClaimsPrincipal user, HttpContext context)
    {
        var (session, refusal) = await ChangePasswordAsync(context, user, request?.CurrentPassword, request?.NewPassword);
        return refusal?.ToResult(context) ?? Results.Ok(session);
    }

    /// <summary>
    /// Changes the signed-in operator's password (the current one and a strong new one, ACC-7), ends every other session and
    /// issues a full one in place of this; the Operator API and the console's password page both call this. Audited.
    /// </summary>
    public static async Task<(OperatorSession? Session, Refusal? Refusal)> ChangePasswordAsync(HttpContext context, ClaimsPrincipal user,
        string? currentPassword, string? newPassword)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(user);
        var name = user.Identity!.Name;
        var (op, refusal) = await StaffPasswords.ChangeAsync(context, db => db.Operators.Where(o => o.Username == name), currentPassword,
            newPassword, "OPS", o => (o.Username, o.Role, "operator.password", o.Username));
        if (refusal is not null)
        {
            return (null, refusal);
        }
        return (await IssueAsync(context, op!), null);
    }

    private static async Task<IResult> LoginAsync(LoginRequest? request, HttpContext context)
    {
        if (LoginRequest.Invalid(request, context) is { } invalid)
        {
            return invalid;
        }
        var (session, refusal) = await SignInAsync(context, request!.Username!, request.Password!);
        return refusal switch
        {
            SignInRefusal.Locked => ApiProblem.Create(context, 423, "OPS_LOCKED", "密码错误次数过多，账户已锁定，请稍后再试",
                "Too many wrong passwords: the account is locked for a while"),
            SignInRefusal.BadCredentials => ApiProblem.Create(context, 401, "OPS_BAD_CREDENTIALS", "用户名或密码错误", "Wrong username or password"),
            _ => Results.Ok(session),
        };
    }

    /// <summary>Checks an operator's password (with lockout) and, when right, issues the session cookie the Operator API and the
    /// operator console share.</summary>
    public static async Task<(OperatorSession? Session, SignInRefusal? Refusal)> SignInAsync(HttpContext context, string username,
        string password)
    {
        ArgumentNullException.ThrowIfNull(context);
        var services = context.RequestServices;
        await using var db = services.GetRequiredService<DatabaseOptions>().CreateContext();
        var op = await db.Operators.FirstOrDefaultAsync(o => o.Username == username, context.RequestAborted);
        var refusal = await services.GetRequiredService<PasswordSignIn>().CheckAsync(db, op, password, context.RequestAborted);
        var logger = services.GetRequiredService<ILogger<OperatorSession>>();
        if (refusal is not null)
        {
            logger.LogWarning("Operator sign-in refused ({Refusal})", refusal);
            return (null, refusal);
        }
        if (op!.DisabledAt is not null)
        {
            logger.LogWarning("Operator sign-in refused (disabled)");
            return (null, SignInRefusal.BadCredentials);
        }
        var session = await IssueAsync(context, op);
        logger.LogInformation("Operator {Username} ({Role}) signed in", op.Username, op.Role);
        return (session, null);
    }

    /// <summary>Issues the session cookie: the full one, or the must-change one while the password is an initial one.</summary>
    private static async Task<OperatorSession> IssueAsync(HttpContext context, Zhifu.Data.Entities.OperatorRow op)
    {
        var services = context.RequestServices;
        List<Claim> claims =
            [new(ClaimTypes.Name, op.Username), new(ClaimTypes.Role, op.Role), .. StaffSessions.Claims(op, StaffSessions.Now(context))];
        if (op.MustChangePassword)
        {
            claims.Add(new Claim(MustChangeClaim, "1"));
        }
        var (scheme, other) = op.MustChangePassword ? (PasswordScheme, Scheme) : (Scheme, PasswordScheme);
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
        await context.SignOutAsync(other); // whoever signed in here before is signed out of the other kind of session
        await context.SignInAsync(scheme, principal, new AuthenticationProperties
        {
            ExpiresUtc = services.GetRequiredService<IClock>().UtcNow.AddMinutes(
                services.GetRequiredService<OperatorLockoutOptions>().SessionMinutes),
            AllowRefresh = true,
        });
        return Session(principal);
    }

    /// <summary>Signs the operator out and ends every session of theirs (<see cref="StaffSessions"/>).</summary>
    public static async Task SignOutAsync(HttpContext context)
    {
        foreach (var scheme in (string[])[Scheme, PasswordScheme])
        {
            await StaffSessions.SignOutAsync(context, scheme, (db, name) => db.Operators.Where(o => o.Username == name));
        }
    }

    /// <summary>
    /// A session lives while its operator does — enabled, with the same role, and with the password its scheme was issued for —
    /// under the stamp it was issued with and within <see cref="StaffSessions.AbsoluteMax"/> of its sign-in (SEC-2): each
    /// request checks the account, not just the cookie.
    /// </summary>
    private static Task StillValidAsync(CookieValidatePrincipalContext context, string scheme)
    {
        var mustChange = scheme == PasswordScheme;
        return StaffSessions.ValidateAsync(context, scheme, (db, name, role, stamp) => db.Operators.Where(o => o.Username == name
            && o.Role == role && o.SessionStamp == stamp && o.DisabledAt == null && o.MustChangePassword == mustChange));
    }
}
