namespace Zhifu.Server.Merchants;

/// <summary>The merchant console's settings (section <c>MerchantConsole</c>).</summary>
public sealed record MerchantConsoleOptions
{
    /// <summary>Rows one order export (CSV or Excel) writes at most; a larger filter is cut there and says so.</summary>
    public int ExportRowsMax { get; init; } = 50_000;

    /// <summary>How long a sign-in captcha may be answered.</summary>
    public int CaptchaSeconds { get; init; } = 300;

    /// <summary>Captchas waiting to be answered at once (each sign-in page shown makes one); the oldest go first.</summary>
    public int CaptchasMax { get; init; } = 10_000;

    /// <summary>
    /// Tests only (the browser tests pass <c>--MerchantConsole:CaptchaFixed=…</c>): every captcha shows this code instead of
    /// a random one. Everything else — the image, the single-use cookie, the hashed check — works as in production; the
    /// server logs a warning at start when it is set.
    /// </summary>
    public string? CaptchaFixed { get; init; }
}
