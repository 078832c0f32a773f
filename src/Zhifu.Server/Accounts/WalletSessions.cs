using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Accounts;

/// <summary>
/// Wallet sign-in sessions: an opaque bearer token (only its SHA-256 is stored) that ends after idle time or a maximum
/// age, and can be revoked (sign-out, password change, freeze).
/// </summary>
public sealed class WalletSessions(DatabaseOptions database, IClock clock, AccountsOptions options)
{
    public const string Scheme = "wallet";

    public async Task<string> CreateAsync(Guid userId, string? deviceId, CancellationToken cancellationToken)
    {
        var token = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = clock.UtcNow;
        await using var db = database.CreateContext();
        db.Set<WalletSessionRow>().Add(new WalletSessionRow
        {
            Id = Guid.CreateVersion7(),
            TokenHash = SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(token)),
            UserId = userId,
            DeviceId = deviceId,
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = now.AddHours(options.SessionMaxHours),
        });
        await db.SaveChangesAsync(cancellationToken);
        return token;
    }

    /// <summary>Every request of a signed-in wallet reads its session: compiled once (no per-request query translation).</summary>
    private static readonly ModelCompiled<Func<ZhifuDb, byte[], CancellationToken, Task<WalletSessionRow?>>> SessionByHash =
        new(() => EF.CompileAsyncQuery((ZhifuDb db, byte[] hash, CancellationToken ct) => db.Set<WalletSessionRow>().FirstOrDefault(s => s.TokenHash == hash)));

    /// <summary>The session's user and id, or null when unknown, revoked, idle too long or too old.</summary>
    public async Task<(Guid UserId, Guid SessionId, string? DeviceId)?> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        if (token.Length is < 20 or > 100)
        {
            return null;
        }
        var hash = SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(token));
        var now = clock.UtcNow;
        await using var db = database.CreateContext();
        var session = await SessionByHash.For(db)(db, hash, cancellationToken);
        if (session is null || session.RevokedAt is not null || session.ExpiresAt <= now
            || session.LastSeenAt.AddMinutes(options.SessionIdleMinutes) <= now)
        {
            return null;
        }
        if (now - session.LastSeenAt > TimeSpan.FromMinutes(1))
        {
            session.LastSeenAt = now; // sliding idle timeout, written at most once a minute
            await db.SaveChangesAsync(cancellationToken);
        }
        return (session.UserId, session.Id, session.DeviceId);
    }

    /// <summary>Ends the session a token names (one just issued that must not stand).</summary>
    public async Task RevokeTokenAsync(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var hash = SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(token));
        var now = clock.UtcNow;
        await using var db = database.CreateContext();
        await db.Set<WalletSessionRow>().Where(s => s.TokenHash == hash && s.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, now), CancellationToken.None);
    }

    public async Task RevokeAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var now = clock.UtcNow;
        await db.Set<WalletSessionRow>().Where(s => s.Id == sessionId && s.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, now), cancellationToken);
    }

    /// <summary>A user's live sessions (not revoked, not expired, not idle too long), newest first: where they are signed in.</summary>
    public async Task<IReadOnlyList<WalletSessionRow>> ListAsync(Guid userId, CancellationToken cancellationToken)
    {
        var now = clock.UtcNow;
        var idleSince = now.AddMinutes(-options.SessionIdleMinutes);
        await using var db = database.CreateContext();
        return await db.Set<WalletSessionRow>().AsNoTracking()
            .Where(s => s.UserId == userId && s.RevokedAt == null && s.ExpiresAt > now && s.LastSeenAt > idleSince)
            .OrderByDescending(s => s.LastSeenAt).Take(50).ToListAsync(cancellationToken);
    }

    /// <summary>Ends one of the user's own sessions (signing a lost device out); false when it is not theirs or already ended.</summary>
    public async Task<bool> RevokeOwnAsync(Guid userId, Guid sessionId, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var now = clock.UtcNow;
        return await db.Set<WalletSessionRow>().Where(s => s.Id == sessionId && s.UserId == userId && s.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, now), cancellationToken) > 0;
    }

    /// <summary>Ends every session of a user (after a password change, a freeze or a closure) but <paramref name="except"/>.</summary>
    public async Task RevokeAllAsync(Guid userId, CancellationToken cancellationToken, Guid? except = null)
    {
        await using var db = database.CreateContext();
        var now = clock.UtcNow;
        await db.Set<WalletSessionRow>().Where(s => s.UserId == userId && s.RevokedAt == null && s.Id != except)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, now), cancellationToken);
    }
}

/// <summary>
/// Turns <c>Authorization: Bearer …</c> into the signed-in wallet user; the wallet console's pages (not <c>/api</c>) carry the
/// same opaque token in the HttpOnly, SameSite=Strict cookie <see cref="Cookie"/>, checked against the same session store.
/// </summary>
public sealed class WalletAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, WalletSessions sessions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The wallet console's session cookie: the token <see cref="WalletSessions.CreateAsync"/> issued.</summary>
    public const string Cookie = "zhifu.wallet";

    /// <summary>Where a page request without a session is sent.</summary>
    public const string LoginPath = "/wallet/login";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        string token;
        if (header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            token = header[7..].Trim();
        }
        else if (!IsApi(Request) && Request.Cookies[Cookie] is { Length: > 0 } cookie)
        {
            token = cookie; // the console's pages only: the API stays bearer-only (no ambient credential, no CSRF there)
        }
        else
        {
            return AuthenticateResult.NoResult();
        }
        var session = await sessions.ValidateAsync(token, Context.RequestAborted);
        if (session is not { } s)
        {
            return AuthenticateResult.Fail("invalid or expired session");
        }
        List<Claim> claims = [new(ClaimTypes.NameIdentifier, s.UserId.ToString()), new("sid", s.SessionId.ToString())];
        if (s.DeviceId is { Length: > 0 } device)
        {
            claims.Add(new Claim(WalletPrincipal.DeviceClaim, device)); // the signed-in device, for risk control (RISK-2)
        }
        var identity = new ClaimsIdentity(claims, WalletSessions.Scheme);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), WalletSessions.Scheme));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (IsApi(Request))
        {
            return WalletErrors.SignInRequired.ToResult(Context).ExecuteAsync(Context);
        }
        var back = Request.Path + Request.QueryString;
        Response.Redirect(LoginPath + "?returnUrl=" + Uri.EscapeDataString(back));
        return Task.CompletedTask;
    }

    private static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Reads the signed-in wallet user from a request.</summary>
public static class WalletPrincipal
{
    public const string DeviceClaim = "dev";

    public static Guid UserId(this ClaimsPrincipal user) => Guid.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier)!);

    public static Guid SessionId(this ClaimsPrincipal user) => Guid.Parse(user.FindFirstValue("sid")!);
}
