using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Server.Hosting;
using Zhifu.Server.Security;

namespace Zhifu.Server.Merchants;

/// <summary>
/// Merchant staff sign in to the merchant console API (MER-2, MER-5, SEC-2) with a role: admin, finance or cashier. A
/// cookie session that expires when idle, the same lockout as operators, and every answer scoped to the staff member's own
/// merchant. Roles are enforced here on the server: a cashier cannot review refunds or see settlement.
/// </summary>
public static class MerchantStaffAuth
{
    public const string Scheme = "merchant";
    public const string AnyStaff = "merchant-staff";
    public const string Reviewers = "merchant-reviewers";
    public const string Admins = "merchant-admins";
    public const string MerchantClaim = "zhifu:merchant";
    public static readonly string[] Roles = ["admin", "finance", "cashier"];

    public static void AddServices(IServiceCollection services)
    {
        services.AddAuthentication().AddCookie(Scheme, o => StaffCookie.Configure(o, "zhifu.merchant", "MERCHANT_SIGN_IN_REQUIRED",
            "请先登录商户后台", "Sign in to the merchant console first", "MERCHANT_ROLE_FORBIDDEN"));
        services.AddAuthorizationBuilder()
            .AddPolicy(AnyStaff, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser().RequireClaim(MerchantClaim))
            .AddPolicy(Reviewers, p => p.AddAuthenticationSchemes(Scheme).RequireClaim(MerchantClaim).RequireRole("admin", "finance"))
            .AddPolicy(Admins, p => p.AddAuthenticationSchemes(Scheme).RequireClaim(MerchantClaim).RequireRole("admin"));
    }

    public static void Map(WebApplication app)
    {
        var group = app.MapGroup("/api/merchant/auth").WithTags("Merchant console: sign-in");
        group.MapPost("/login", LoginAsync).AllowAnonymous();
        group.MapPost("/logout", async (HttpContext c) =>
        {
            await c.SignOutAsync(Scheme);
            return Results.NoContent();
        });
        group.MapGet("/me", (ClaimsPrincipal user) => Results.Ok(Session(user))).RequireAuthorization(AnyStaff);
    }

    /// <summary>The signed-in staff member's merchant.</summary>
    public static Guid MerchantId(this ClaimsPrincipal user) => Guid.Parse(user.FindFirstValue(MerchantClaim)!);

    /// <summary>Sign-in request.</summary>
    public sealed record LoginRequest(string? Username, string? Password);

    /// <summary>Who is signed in, for which merchant.</summary>
    public sealed record StaffSession(string Username, string Role, string MchId);

    private static StaffSession Session(ClaimsPrincipal user) =>
        new(user.Identity!.Name!, user.FindFirstValue(ClaimTypes.Role)!, user.FindFirstValue("zhifu:mchid")!);

    private static async Task<IResult> LoginAsync(LoginRequest? request, HttpContext context, DatabaseOptions database, PasswordSignIn signIn,
        OperatorLockoutOptions lockout, IClock clock, ILogger<StaffSession> logger)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.Username) || string.IsNullOrEmpty(request.Password)
            || request.Username.Length > 64 || request.Password.Length > 128)
        {
            return ApiProblem.Create(context, 400, "INVALID_REQUEST", "请输入用户名和密码", "Username and password are required");
        }
        await using var db = database.CreateContext();
        var staff = await db.Set<Zhifu.Data.Entities.MerchantStaffRow>().FirstOrDefaultAsync(s => s.Username == request.Username, context.RequestAborted);
        var refusal = signIn.Check(staff, request.Password);
        await db.SaveChangesAsync(context.RequestAborted);
        if (refusal == SignInRefusal.Locked)
        {
            return ApiProblem.Create(context, 423, "MERCHANT_LOCKED", "密码错误次数过多，账户已锁定，请稍后再试",
                "Too many wrong passwords: the account is locked for a while");
        }
        var merchant = staff is null ? null : await db.Merchants.AsNoTracking().FirstOrDefaultAsync(m => m.Id == staff.MerchantId, context.RequestAborted);
        if (refusal is not null || merchant is not { Status: 1 })
        {
            logger.LogWarning("Merchant staff sign-in refused");
            return ApiProblem.Create(context, 401, "MERCHANT_BAD_CREDENTIALS", "用户名或密码错误", "Wrong username or password");
        }
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, staff!.Username), new Claim(ClaimTypes.Role, staff.Role),
            new Claim(MerchantClaim, staff.MerchantId.ToString()), new Claim("zhifu:mchid", merchant.MchId),
        ], Scheme);
        await context.SignInAsync(Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties
        {
            ExpiresUtc = clock.UtcNow.AddMinutes(lockout.SessionMinutes),
            AllowRefresh = true,
        });
        logger.LogInformation("Merchant staff {Username} ({Role}) of {MchId} signed in", staff.Username, staff.Role, merchant.MchId);
        return Results.Ok(Session(new ClaimsPrincipal(identity)));
    }
}
