using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Zhifu.Server.Hosting;

/// <summary>Section <c>Security:SignInRateLimit</c>: how many sign-in, captcha and anonymous code requests one client address may make.</summary>
public sealed record SignInRateLimitOptions
{
    /// <summary>The operator and merchant consoles: requests a minute per client address (a token bucket of this size).</summary>
    public int StaffPermitsPerMinute { get; init; } = 30;

    /// <summary>
    /// The wallet (app and H5): more, as many holders share one address behind a mobile carrier's NAT; each account's lockout
    /// and each phone's code budget still apply.
    /// </summary>
    public int WalletPermitsPerMinute { get; init; } = 120;
}

/// <summary>
/// ACC-7, MER-2, SEC-1: the doors anyone may knock on — the three consoles' sign-ins, the merchant captcha, the wallet's
/// anonymous codes and password reset — answer one client address at most <see cref="SignInRateLimitOptions.PermitsPerMinute"/>
/// times a minute, then 429 <c>TOO_MANY_REQUESTS</c>. Per-account lockouts stop guessing one account's password; this stops
/// one machine from spreading guesses over every account, solving captchas by the thousand, or flushing the captcha store.
/// The address is the connection's, or the one a trusted proxy forwarded (<see cref="TrustedProxies"/>).
/// </summary>
public static class SignInRateLimit
{
    /// <summary>The policy the operator and merchant sign-ins and the captcha name (<c>RequireRateLimiting</c>, <c>[EnableRateLimiting]</c>).</summary>
    public const string Policy = "sign-in";

    /// <summary>The policy the wallet's sign-ins, anonymous codes and password reset name.</summary>
    public const string WalletPolicy = "wallet-sign-in";

    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Security:SignInRateLimit").Get<SignInRateLimitOptions>() ?? new SignInRateLimitOptions();
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(Policy, context => PerAddress(context, options.StaffPermitsPerMinute));
            o.AddPolicy(WalletPolicy, context => PerAddress(context, options.WalletPermitsPerMinute));
            o.OnRejected = async (rejected, ct) =>
            {
                var context = rejected.HttpContext;
                context.Response.Headers.RetryAfter = "60";
                if (Consoles.ConsoleText.IsConsolePage(context.Request.Path))
                {
                    await WritePageAsync(context, ct);
                    return;
                }
                await ApiProblem.Create(context, 429, "TOO_MANY_REQUESTS", "请求过于频繁，请稍后再试",
                    "Too many requests: try again later").ExecuteAsync(context);
            };
        });
    }

    /// <summary>
    /// A person at a console's sign-in page is told in words, in the page's language, what to do (a wallet holder may be
    /// elderly: a bare error code helps nobody), with a link back to the page they asked for.
    /// </summary>
    private static Task WritePageAsync(HttpContext context, CancellationToken ct)
    {
        var english = Consoles.ConsoleText.IsEnglish(context);
        var (lang, title, text, back) = english
            ? ("en", "Please wait a minute", "This device has asked to sign in too often in the last minute. Please wait a minute, then",
                "try again")
            : ("zh-CN", "请稍等一分钟", "这台设备一分钟内的登录请求过多。请等待一分钟后", "重新打开此页");
        var href = System.Text.Encodings.Web.HtmlEncoder.Default.Encode(context.Request.Path.Value ?? "/");
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync($"""
            <!doctype html>
            <html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{title}</title></head>
            <body style="font-family:system-ui,sans-serif;font-size:20px;line-height:1.6;max-width:32em;margin:3em auto;padding:0 1em">
            <h1>{title}</h1><p>{text} <a href="{href}">{back}</a>.</p></body></html>
            """, ct);
    }

    private static RateLimitPartition<string> PerAddress(HttpContext context, int perMinute) => RateLimitPartition.GetTokenBucketLimiter(
        ClientKey(context.Connection.RemoteIpAddress), _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, perMinute), TokensPerPeriod = Math.Max(1, perMinute), ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            QueueLimit = 0, AutoReplenishment = true,
        });

    /// <summary>An IPv4 address, or an IPv6 address's /64 — one subscriber's whole prefix: a machine that can pick any address
    /// in it gets one budget, not one per address.</summary>
    public static string ClientKey(System.Net.IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new System.Net.IPAddress(bytes) + "/64";
    }
}
