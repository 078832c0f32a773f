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

    /// <summary>Admin and finance: the merchant's money records beyond single orders (passwordless contracts and charges).</summary>
    public const string Finance = "merchant-finance";
    public const string Admins = "merchant-admins";
    public const string MerchantClaim = "zhifu:merchant";
    public const string MchIdClaim = "zhifu:mchid";

    /// <summary>A session that may only change its initial password.</summary>
    public const string SessionOnly = "merchant-session";
    private const string MustChangeClaim = "zhifu:must-change-password";
    public const string AdminRole = "admin";
    public static readonly string[] Roles = [AdminRole, "finance", "cashier"];

    /// <summary>The roles that see money beyond the till (a cashier does not): refund review, passwordless contracts.</summary>
    public static readonly string[] FinanceRoles = ["admin", "finance"];

    public static void AddServices(IServiceCollection services)
    {
        services.AddAuthentication().AddCookie(Scheme, o =>
        {
            StaffCookie.Configure(o, "zhifu.merchant", "MERCHANT_SIGN_IN_REQUIRED", "请先登录商户后台", "Sign in to the merchant console first",
                "MERCHANT_ROLE_FORBIDDEN", "/merchant/login");
            o.Events.OnValidatePrincipal = StillValidAsync;
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(SessionOnly, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser().RequireClaim(MerchantClaim))
            .AddPolicy(AnyStaff, p => Staff(p))
            .AddPolicy(Reviewers, p => Staff(p).RequireRole(FinanceRoles))
            .AddPolicy(Finance, p => Staff(p).RequireRole(FinanceRoles))
            .AddPolicy(Admins, p => Staff(p).RequireRole("admin"));
    }

    /// <summary>
    /// A session ends the moment its staff member is disabled, re-roled or their merchant stops being active or suspended
    /// (rejected, SEC-2): each request checks the account, not just the cookie.
    /// </summary>
    private static Task StillValidAsync(CookieValidatePrincipalContext context) => StaffSessions.ValidateAsync(context, Scheme,
        (db, name, role, stamp) => db.Set<Zhifu.Data.Entities.MerchantStaffRow>().Where(s => s.Username == name && s.Role == role
            && s.SessionStamp == stamp && s.DisabledAt == null
            && db.Merchants.Any(m => m.Id == s.MerchantId
                && (m.Status == Zhifu.Data.Entities.MerchantRow.Active || m.Status == Zhifu.Data.Entities.MerchantRow.Suspended))));

    /// <summary>Signed in as staff of a merchant, with the initial password already changed.</summary>
    private static Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder Staff(
        Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder p) =>
        p.AddAuthenticationSchemes(Scheme).RequireClaim(MerchantClaim).RequireAssertion(c => !c.User.HasClaim(MustChangeClaim, "1"));

    public static void Map(WebApplication app)
    {
        var group = app.MapGroup("/api/merchant/auth").WithTags("Merchant console: sign-in");
        group.MapGet("/captcha", CaptchaAsync).AllowAnonymous().RequireRateLimiting(Hosting.SignInRateLimit.Policy);
        group.MapPost("/login", LoginAsync).AllowAnonymous().RequireRateLimiting(Hosting.SignInRateLimit.Policy);
        group.MapPost("/logout", async (HttpContext c) =>
        {
            await SignOutAsync(c);
            return Results.NoContent();
        });
        group.MapGet("/me", (ClaimsPrincipal user) => Results.Ok(Session(user))).RequireAuthorization(SessionOnly);
        group.MapPost("/password", PasswordAsync).RequireAuthorization(SessionOnly);
    }

    /// <summary>Signs the staff member out and ends every session of theirs (<see cref="StaffSessions"/>).</summary>
    public static Task SignOutAsync(HttpContext context) =>
        StaffSessions.SignOutAsync(context, Scheme, (db, name) => db.Set<Zhifu.Data.Entities.MerchantStaffRow>().Where(s => s.Username == name));

    /// <summary>The signed-in staff member's merchant.</summary>
    public static Guid MerchantId(this ClaimsPrincipal user) => Guid.Parse(user.FindFirstValue(MerchantClaim)!);

    /// <summary>The signed-in staff member's merchant number (mchid).</summary>
    public static string MchId(this ClaimsPrincipal user) => user.FindFirstValue(MchIdClaim)!;

    /// <summary>Who is signed in, for which merchant; <see cref="MustChangePassword"/>: nothing else works until it is changed.</summary>
    public sealed record StaffSession(string Username, string Role, string MchId, bool MustChangePassword);

    /// <summary>Change of password: the current one and a strong new one (8–64 characters, letters and digits).</summary>
    public sealed record PasswordChange(string? CurrentPassword, string? NewPassword);

    /// <summary>The signed-in staff member's session, as the console shows it.</summary>
    public static StaffSession Session(ClaimsPrincipal user) =>
        new(user.Identity!.Name!, user.FindFirstValue(ClaimTypes.Role)!, user.MchId(),
            user.HasClaim(MustChangeClaim, "1"));

    private static async Task<IResult> PasswordAsync(PasswordChange request, ClaimsPrincipal user, HttpContext context)
    {
        var (session, refusal) = await ChangePasswordAsync(context, user, request.CurrentPassword, request.NewPassword);
        return refusal?.ToResult(context) ?? Results.Ok(session);
    }

    /// <summary>
    /// Changes the signed-in staff member's password (the current one and a strong new one, ACC-7) and renews the session
    /// without the must-change mark; the API and the console's password page both call this.
    /// </summary>
    public static async Task<(StaffSession? Session, Refusal? Refusal)> ChangePasswordAsync(HttpContext context, ClaimsPrincipal user,
        string? currentPassword, string? newPassword)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(user);
        var name = user.Identity!.Name;
        var (staff, refusal) = await StaffPasswords.ChangeAsync(context,
            db => db.Set<Zhifu.Data.Entities.MerchantStaffRow>().Where(s => s.Username == name), currentPassword, newPassword, "MERCHANT",
            s => ("merchant:" + s.Username, s.Role, "merchant.staff.password", s.Username));
        if (refusal is not null)
        {
            return (null, refusal);
        }
        return (await IssueAsync(context, staff!, user.MchId()), null);
    }

    private static async Task<StaffSession> IssueAsync(HttpContext context, Zhifu.Data.Entities.MerchantStaffRow staff, string mchId)
    {
        var services = context.RequestServices;
        List<Claim> claims =
        [
            new(ClaimTypes.Name, staff.Username), new(ClaimTypes.Role, staff.Role), new(MerchantClaim, staff.MerchantId.ToString()),
            new(MchIdClaim, mchId), .. StaffSessions.Claims(staff, StaffSessions.Now(context)),
        ];
        if (staff.MustChangePassword)
        {
            claims.Add(new Claim(MustChangeClaim, "1"));
        }
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme));
        await context.SignInAsync(Scheme, principal, new AuthenticationProperties
        {
            ExpiresUtc = services.GetRequiredService<IClock>().UtcNow.AddMinutes(
                services.GetRequiredService<OperatorLockoutOptions>().SessionMinutes),
            AllowRefresh = true,
        });
        return Session(principal);
    }

    /// <summary>Sign-in through the console API: username, password and the captcha (MER-2), as on the console's page.</summary>
    public sealed record StaffLoginRequest(string? Username, string? Password, string? Captcha);

    /// <summary>Where the API's captcha cookie goes: only to its sign-in.</summary>
    private const string CaptchaPath = "/api/merchant/auth";

    /// <summary>A captcha for the API sign-in: its picture (SVG), its challenge in an HttpOnly cookie.</summary>
    private static IResult CaptchaAsync(HttpContext context, MerchantCaptcha captchas)
    {
        var svg = captchas.IssueTo(context, CaptchaPath);
        context.Response.Headers.CacheControl = "no-store";
        return Results.Content(svg, "image/svg+xml");
    }

    /// <summary>
    /// The console API's sign-in issues the console's own session, so it asks what the console's page asks: the captcha
    /// first (used up, right or wrong) — a script cannot try passwords on every staff name without reading one per try (MER-2).
    /// </summary>
    private static async Task<IResult> LoginAsync(StaffLoginRequest? request, HttpContext context, MerchantCaptcha captchas)
    {
        var captchaRight = captchas.Check(context.Request.Cookies[MerchantCaptcha.Cookie], request?.Captcha);
        if (LoginRequest.Invalid(request is null ? null : new LoginRequest(request.Username, request.Password), context) is { } invalid)
        {
            return invalid;
        }
        if (!captchaRight)
        {
            return ApiProblem.Create(context, 400, "CAPTCHA_INVALID", "验证码错误或已过期，请重新获取（GET /api/merchant/auth/captcha）",
                "The captcha is wrong or has expired; get a new one (GET /api/merchant/auth/captcha)");
        }
        var (session, refusal) = await SignInAsync(context, request!.Username!, request.Password!);
        return refusal?.ToResult(context) ?? Results.Ok(session);
    }

    /// <summary>
    /// Checks a staff member's password (with the operators' lockout) and that they and their merchant are active, and
    /// issues the session cookie the merchant console API and the console pages share (MER-2, SEC-2).
    /// </summary>
    public static async Task<(StaffSession? Session, Refusal? Refusal)> SignInAsync(HttpContext context, string username, string password)
    {
        ArgumentNullException.ThrowIfNull(context);
        var services = context.RequestServices;
        var logger = services.GetRequiredService<ILogger<StaffSession>>();
        await using var db = services.GetRequiredService<DatabaseOptions>().CreateContext();
        var staff = await db.Set<Zhifu.Data.Entities.MerchantStaffRow>()
            .FirstOrDefaultAsync(s => s.Username == username, context.RequestAborted);
        var refusal = await services.GetRequiredService<PasswordSignIn>().CheckAsync(db, staff, password, context.RequestAborted);
        if (refusal == SignInRefusal.Locked)
        {
            return (null, new Refusal(423, "MERCHANT_LOCKED", "密码错误次数过多，账户已锁定，请稍后再试",
                "Too many wrong passwords: the account is locked for a while"));
        }
        var merchant = staff is null ? null
            : await db.Merchants.AsNoTracking().FirstOrDefaultAsync(m => m.Id == staff.MerchantId, context.RequestAborted);
        // a suspended merchant's staff still sign in: its refunds (their review among them), orders and bills go on; the console
        // starts no payment
        if (refusal is not null || merchant is null)
        {
            logger.LogWarning("Merchant staff sign-in refused");
            return (null, new Refusal(401, "MERCHANT_BAD_CREDENTIALS", "用户名或密码错误", "Wrong username or password"));
        }
        // the password was right: the one who knows it is told why the door stays shut, and whom to ask
        if (staff!.DisabledAt is not null)
        {
            logger.LogWarning("Merchant staff sign-in refused: account disabled");
            return (null, new Refusal(403, "MERCHANT_STAFF_DISABLED", "您的账号已被停用，请联系本商户的管理员",
                "Your account is disabled: ask your merchant's admin"));
        }
        if (merchant.Status is not (Zhifu.Data.Entities.MerchantRow.Active or Zhifu.Data.Entities.MerchantRow.Suspended))
        {
            logger.LogWarning("Merchant staff sign-in refused: merchant not in business");
            return (null, new Refusal(403, "MERCHANT_NOT_ACTIVE", "商户未生效，不能登录；请联系平台运营人员",
                "The merchant is not in business: ask the platform's operations staff")); // staff are only made for approved ones
        }
        var session = await IssueAsync(context, staff, merchant.MchId);
        logger.LogInformation("Merchant staff {Username} ({Role}) of {MchId} signed in", staff.Username, staff.Role, merchant.MchId);
        return (session, null);
    }
}
