using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Zhifu.Core;

namespace Zhifu.Server.Merchants;

/// <summary>
/// 图形验证码 of the merchant console's sign-in (MER-2): a short random code drawn as an inline SVG of jittered strokes with
/// noise (no text for a script to read, no JavaScript, no outside service). The server keeps only a hash of the code under a
/// random challenge id, which the browser holds in a short-lived HttpOnly cookie; a challenge is answered once, right or
/// wrong, and expires after <see cref="MerchantConsoleOptions.CaptchaSeconds"/>.
/// </summary>
public sealed class MerchantCaptcha
{
    public const string Cookie = "zhifu.merchant.captcha";
    public const int Length = 5;

    /// <summary>No look-alikes (0/O, 1/I, B/8, S/5 …); each has a stroke drawing below.</summary>
    private const string Alphabet = "234679ACEFHKLMNPRTUVWXY";

    private readonly ConcurrentDictionary<string, (byte[] Hash, DateTimeOffset Expires)> _open = new(StringComparer.Ordinal);
    private readonly MerchantConsoleOptions _options;
    private readonly IClock _clock;

    public MerchantCaptcha(MerchantConsoleOptions options, IClock clock, ILogger<MerchantCaptcha> logger)
    {
        (_options, _clock) = (options, clock);
        if (options.CaptchaFixed is not null)
        {
            if (options.CaptchaFixed.Length is < 4 or > 8 || options.CaptchaFixed.ToUpperInvariant().Any(c => !Alphabet.Contains(c)))
            {
                throw new InvalidOperationException($"MerchantConsole:CaptchaFixed must be 4–8 of {Alphabet}");
            }
            logger.LogWarning("MerchantConsole:CaptchaFixed is set: every merchant sign-in captcha is the same code (tests only)");
        }
    }

    /// <summary>A new challenge: its id (for the cookie) and its picture.</summary>
    public (string Id, string Svg) Issue()
    {
        var now = _clock.UtcNow;
        if (_open.Count >= _options.CaptchasMax)
        {
            foreach (var stale in _open.Where(e => e.Value.Expires <= now).Select(e => e.Key).ToList())
            {
                _open.TryRemove(stale, out _);
            }
            foreach (var oldest in _open.OrderBy(e => e.Value.Expires).Take(Math.Max(1, _open.Count - _options.CaptchasMax + 1))
                .Select(e => e.Key).ToList())
            {
                _open.TryRemove(oldest, out _);
            }
        }
        var code = _options.CaptchaFixed?.ToUpperInvariant()
            ?? new string([.. Enumerable.Range(0, Length).Select(_ => Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)])]);
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _open[id] = (Hash(id, code), now.AddSeconds(_options.CaptchaSeconds));
        return (id, Draw(code));
    }

    /// <summary>A new challenge for the sign-in at <paramref name="path"/> (the console's page, the console API's): its id in an
    /// HttpOnly cookie sent only there, its picture returned.</summary>
    public string IssueTo(HttpContext context, string path)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (id, svg) = Issue();
        context.Response.Cookies.Append(Cookie, id, new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Strict, Path = path, Secure = context.Request.IsHttps,
            MaxAge = TimeSpan.FromSeconds(_options.CaptchaSeconds), IsEssential = true,
        });
        return svg;
    }

    /// <summary>Whether <paramref name="answer"/> is the code of challenge <paramref name="id"/>; the challenge is used up either way.</summary>
    public bool Check(string? id, string? answer)
    {
        if (id is null || !_open.TryRemove(id, out var entry) || entry.Expires <= _clock.UtcNow || answer is not { Length: > 0 and <= 16 })
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(entry.Hash, Hash(id, answer.Trim().ToUpperInvariant()));
    }

    private static byte[] Hash(string id, string code) => SHA256.HashData(Encoding.UTF8.GetBytes(id + ":" + code));

    private static readonly Dictionary<char, string[]> Glyphs = new()
    {
        ['2'] = ["0,1 1,0 3,0 4,1 4,2 0,6 4,6"],
        ['3'] = ["0,0 4,0 2,2 4,3 4,5 3,6 1,6 0,5"],
        ['4'] = ["3,6 3,0 0,4 4,4"],
        ['6'] = ["3,0 1,0 0,2 0,5 1,6 3,6 4,5 4,4 3,3 0,3"],
        ['7'] = ["0,0 4,0 1,6"],
        ['9'] = ["4,3 1,3 0,2 0,1 1,0 3,0 4,1 4,4 3,6 1,6"],
        ['A'] = ["0,6 2,0 4,6", "1,4 3,4"],
        ['C'] = ["4,1 3,0 1,0 0,1 0,5 1,6 3,6 4,5"],
        ['E'] = ["4,0 0,0 0,6 4,6", "0,3 3,3"],
        ['F'] = ["4,0 0,0 0,6", "0,3 3,3"],
        ['H'] = ["0,0 0,6", "4,0 4,6", "0,3 4,3"],
        ['K'] = ["0,0 0,6", "4,0 0,4", "1,3 4,6"],
        ['L'] = ["0,0 0,6 4,6"],
        ['M'] = ["0,6 0,0 2,3 4,0 4,6"],
        ['N'] = ["0,6 0,0 4,6 4,0"],
        ['P'] = ["0,6 0,0 3,0 4,1 4,2 3,3 0,3"],
        ['R'] = ["0,6 0,0 3,0 4,1 4,2 3,3 0,3", "2,3 4,6"],
        ['T'] = ["0,0 4,0", "2,0 2,6"],
        ['U'] = ["0,0 0,5 1,6 3,6 4,5 4,0"],
        ['V'] = ["0,0 2,6 4,0"],
        ['W'] = ["0,0 1,6 2,3 3,6 4,0"],
        ['X'] = ["0,0 4,6", "4,0 0,6"],
        ['Y'] = ["0,0 2,3 4,0", "2,3 2,6"],
    };

    /// <summary>Each character's strokes, scaled, turned and jittered at random, over noise curves and dots.</summary>
    private static string Draw(string code)
    {
        const int width = 160, height = 56;
        static double R(double min, double max) => min + (RandomNumberGenerator.GetInt32(10_000) / 10_000.0 * (max - min));
        static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" ")
            .Append(CultureInfo.InvariantCulture, $"viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"captcha\">")
            .Append("<rect width=\"100%\" height=\"100%\" fill=\"#f2f4f8\"/>");
        for (var i = 0; i < 5; i++)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<path d=\"M{F(R(0, 20))} {F(R(5, 50))} C{F(R(30, 70))} {F(R(0, 56))} ")
                .Append(CultureInfo.InvariantCulture, $"{F(R(80, 120))} {F(R(0, 56))} {F(R(140, 160))} {F(R(5, 50))}\" ")
                .Append(CultureInfo.InvariantCulture, $"stroke=\"hsl({RandomNumberGenerator.GetInt32(360)},45%,62%)\" stroke-width=\"{F(R(0.8, 1.8))}\" fill=\"none\"/>");
        }
        for (var i = 0; i < 40; i++)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(R(0, width))}\" cy=\"{F(R(0, height))}\" r=\"{F(R(0.6, 1.6))}\" ")
                .Append(CultureInfo.InvariantCulture, $"fill=\"hsl({RandomNumberGenerator.GetInt32(360)},40%,55%)\"/>");
        }
        for (var c = 0; c < code.Length; c++)
        {
            var (cx, cy) = (18 + c * 29 + R(-3, 3), 28 + R(-4, 4));
            var (sx, sy, angle) = (R(4.2, 5.4), R(5.2, 6.2), R(-0.3, 0.3));
            var color = $"hsl({RandomNumberGenerator.GetInt32(360)},65%,{RandomNumberGenerator.GetInt32(22, 36)}%)";
            foreach (var stroke in Glyphs[code[c]])
            {
                var points = stroke.Split(' ').Select(p =>
                {
                    var xy = p.Split(',');
                    var (x, y) = ((int.Parse(xy[0], CultureInfo.InvariantCulture) - 2) * sx, (int.Parse(xy[1], CultureInfo.InvariantCulture) - 3) * sy);
                    return F(cx + x * Math.Cos(angle) - y * Math.Sin(angle) + R(-0.9, 0.9)) + ","
                        + F(cy + x * Math.Sin(angle) + y * Math.Cos(angle) + R(-0.9, 0.9));
                });
                svg.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{string.Join(' ', points)}\" stroke=\"{color}\" ")
                    .Append(CultureInfo.InvariantCulture, $"stroke-width=\"{F(R(2.2, 3.2))}\" fill=\"none\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/>");
            }
        }
        return svg.Append("</svg>").ToString();
    }
}
