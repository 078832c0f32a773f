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
/// idle; repeated wrong passwords lock the account for a while. APIs answer 401/403, never a redirect.
/// </summary>
public static class OperatorAuth
{
    public const string Scheme = "ops";
    public static readonly string[] Roles = ["risk", "operations", "service", "finance", "audit"];

    public static void AddServices(IServiceCollection services)
    {
        services.AddSingleton(sp => sp.GetRequiredService<IConfiguration>().GetSection("Security:OperatorLockout")
            .Get<OperatorLockoutOptions>() ?? new OperatorLockoutOptions());
        services.AddSingleton<PasswordSignIn>();
        services.AddAuthentication(Scheme).AddCookie(Scheme, o =>
        {
            StaffCookie.Configure(o, "zhifu.ops", "OPS_SIGN_IN_REQUIRED", "请先登录", "Sign in first", "OPS_ROLE_FORBIDDEN",
                "/ops/login");
            o.Events.OnValidatePrincipal = StillValidAsync;
        });
        services.AddAuthorizationBuilder();
    }

    public static void Map(WebApplication app)
    {
        var group = app.MapGroup("/api/ops/auth").WithTags("Operator sign-in");
        group.MapPost("/login", LoginAsync).AllowAnonymous();
        group.MapPost("/logout", async (HttpContext c) =>
        {
            await SignOutAsync(c);
            return Results.NoContent();
        });
        group.MapGet("/me", (ClaimsPrincipal user) =>
            Results.Ok(new OperatorSession(user.Identity!.Name!, user.FindFirstValue(ClaimTypes.Role)!)))
            .RequireAuthorization();
    }

    /// <summary>Who is signed in.</summary>
    public sealed record OperatorSession(string Username, string Role);

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
        var now = services.GetRequiredService<IClock>().UtcNow;
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, op!.Username), new Claim(ClaimTypes.Role, op.Role),
            .. StaffSessions.Claims(op, StaffSessions.Now(context))], Scheme);
        await context.SignInAsync(Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties
        {
            ExpiresUtc = now.AddMinutes(services.GetRequiredService<OperatorLockoutOptions>().SessionMinutes),
            AllowRefresh = true,
        });
        logger.LogInformation("Operator {Username} ({Role}) signed in", op.Username, op.Role);
        return (new OperatorSession(op.Username, op.Role), null);
    }

    /// <summary>Signs the operator out and ends every session of theirs (<see cref="StaffSessions"/>).</summary>
    public static Task SignOutAsync(HttpContext context) =>
        StaffSessions.SignOutAsync(context, Scheme, (db, name) => db.Operators.Where(o => o.Username == name));

    /// <summary>
    /// A session lives while its operator does, with the same role, under the stamp it was issued with and within
    /// <see cref="StaffSessions.AbsoluteMax"/> of its sign-in (SEC-2): each request checks the account, not just the cookie.
    /// </summary>
    private static Task StillValidAsync(CookieValidatePrincipalContext context) => StaffSessions.ValidateAsync(context, Scheme,
        (db, name, role, stamp) => db.Operators.Where(o => o.Username == name && o.Role == role && o.SessionStamp == stamp));
}
