using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Zhifu.E2E;

/// <summary>
/// Headless Chromium from the system (<c>/usr/bin/chromium</c>, installed by apt-get; Playwright never downloads one here),
/// one per test class, with a fresh context (cookies, storage) per test. Screenshots go to <see cref="Artifacts"/>.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Chromium { get; private set; } = null!;

    /// <summary>Where screenshots are written: <c>ZHIFU_E2E_ARTIFACTS</c>, or tests/Zhifu.E2E/artifacts.</summary>
    public static string Artifacts { get; } = Environment.GetEnvironmentVariable("ZHIFU_E2E_ARTIFACTS") is { Length: > 0 } dir ? dir
        : Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "artifacts");

    public async ValueTask InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: apt-get install -y chromium fonts-noto-cjk");
        Directory.CreateDirectory(Artifacts);
        _playwright = await Playwright.CreateAsync();
        Chromium = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run"],
        });
    }

    /// <summary>A fresh browser context (its own cookies) on <paramref name="baseAddress"/>, Chinese by default.</summary>
    public async Task<IPage> PageAsync(Uri baseAddress, int width = 1280, int height = 900)
    {
        var context = await Chromium.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString().TrimEnd('/'), Locale = "zh-CN", TimezoneId = "Asia/Shanghai",
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        // generous: CI runs these on two shared cores beside PostgreSQL, and a sign-in hashes with Argon2id (SEC-3)
        context.SetDefaultTimeout(30_000);
        context.SetDefaultNavigationTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>How long a console sign-in may take to land: an Argon2id check, an audit entry and the first page, on two
    /// shared cores beside the other suite's servers and PostgreSQL.</summary>
    public const int SignInTimeoutMs = 60_000;

    /// <summary>
    /// Waits for a submitted sign-in to land on the console at <paramref name="path"/>; one that does not (refused, or the server
    /// too slow) fails here with the page it stayed on, its text and a screenshot, instead of as a bare timeout further on.
    /// </summary>
    public static async Task LandedAsync(IPage page, string path, string who)
    {
        ArgumentNullException.ThrowIfNull(page);
        try
        {
            await AtAsync(page, "**" + path, SignInTimeoutMs);
        }
        catch (PlaywrightException)
        {
            await ShotAsync(page, "sign-in-not-landed-" + who);
            Assert.Fail($"signing in as {who} did not reach {path} within {SignInTimeoutMs / 1_000} s; still at {page.Url}: "
                + await page.InnerTextAsync("body"));
        }
    }

    /// <summary>
    /// Waits until the page's address matches <paramref name="glob"/> (<c>**</c> anything, <c>*</c> anything but '/'), polled on
    /// the browser side. Not page.WaitForURLAsync after the action: it compares the client's copy of the address and then waits
    /// for a navigation, so a navigation landing between the two is never seen (it missed 60 s in CI with the page already there).
    /// </summary>
    public static Task AtAsync(IPage page, string glob, float timeoutMs = 30_000)
    {
        ArgumentNullException.ThrowIfNull(glob);
        var pattern = string.Join(".*", glob.Split("**").Select(part => string.Join("[^/]*", part.Split('*').Select(Regex.Escape))));
        return Assertions.Expect(page).ToHaveURLAsync(new Regex("^" + pattern + "$"), new PageAssertionsToHaveURLOptions { Timeout = timeoutMs });
    }

    /// <summary>
    /// Saves a full-page screenshot named after the test and the step. Chromium refuses a capture that meets a navigation still
    /// settling (<c>Page.captureScreenshot: Unable to capture screenshot</c>, seen once in CI after a redirect to the sign-in
    /// page): the page is let settle and the capture tried again, at most three times.
    /// </summary>
    public static async Task ShotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, name + ".png"), FullPage = true });
                return;
            }
            catch (PlaywrightException e) when (attempt < attempts && e.Message.Contains("Unable to capture screenshot", StringComparison.Ordinal))
            {
                await page.WaitForLoadStateAsync(LoadState.Load);
                await Task.Delay(250 * attempt);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Chromium is not null)
        {
            await Chromium.DisposeAsync();
        }
        _playwright?.Dispose();
    }
}
