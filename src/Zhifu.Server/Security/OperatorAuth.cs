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
            StaffCookie.Configure(o, "zhifu.ops", "OPS_SIGN_IN_REQUIRED", "请先登录", "Sign in first", "OPS_ROLE_FORBIDDEN"));
        services.AddAuthorizationBuilder();
    }

    public static void Map(WebApplication app)
    {
        var group = app.MapGroup("/api/ops/auth").WithTags("Operator sign-in");
        group.MapPost("/login", LoginAsync).AllowAnonymous();
        group.MapPost("/logout", async (HttpContext c) =>
        {
            await c.SignOutAsync(Scheme);
            return Results.NoContent();
        });
        group.MapGet("/me", (ClaimsPrincipal user) =>
            Results.Ok(new OperatorSession(user.Identity!.Name!, user.FindFirstValue(ClaimTypes.Role)!)))
            .RequireAuthorization();
    }

    /// <summary>Who is signed in.</summary>
    public sealed record OperatorSession(string Username, string Role);

    private static async Task<IResult> LoginAsync(LoginRequest? request, HttpContext context, DatabaseOptions database,
        PasswordSignIn signIn, IClock clock, OperatorLockoutOptions lockout, ILogger<OperatorSession> logger)
    {
        if (LoginRequest.Invalid(request, context) is { } invalid)
        {
            return invalid;
        }
        await using var db = database.CreateContext();
        var op = await db.Operators.FirstOrDefaultAsync(o => o.Username == request!.Username, context.RequestAborted);
        var refusal = signIn.Check(op, request!.Password!);
        await db.SaveChangesAsync(context.RequestAborted);
        if (refusal == SignInRefusal.Locked)
        {
            return ApiProblem.Create(context, 423, "OPS_LOCKED", "密码错误次数过多，账户已锁定，请稍后再试",
                "Too many wrong passwords: the account is locked for a while");
        }
        if (refusal is not null)
        {
            logger.LogWarning("Operator sign-in refused");
            return ApiProblem.Create(context, 401, "OPS_BAD_CREDENTIALS", "用户名或密码错误", "Wrong username or password");
        }
        var now = clock.UtcNow;
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, op!.Username), new Claim(ClaimTypes.Role, op.Role)], Scheme);
        await context.SignInAsync(Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties
        {
            ExpiresUtc = now.AddMinutes(lockout.SessionMinutes),
            AllowRefresh = true,
        });
        logger.LogInformation("Operator {Username} ({Role}) signed in", op.Username, op.Role);
        return Results.Ok(new OperatorSession(op.Username, op.Role));
    }
}
