using Microsoft.Playwright;
using Zhifu.Tests.Infrastructure;
using static Zhifu.E2E.OpsKit;
using static Zhifu.E2E.WalletKit;

namespace Zhifu.E2E;

/// <summary>
/// More of the H5 wallet at 375 px (issue 8 point 1): paying by an uploaded picture of the merchant's QR code, transfers to
/// one's own bank card, the transfer limits page, and each browser as a device that risk control knows.
/// </summary>
public sealed class WalletConsoleMoreTests(Browser browser) : IClassFixture<Browser>
{
    [Fact]
    public async Task Wallet_pages_are_never_cached_and_odd_addresses_are_told_not_failed()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var page = await browser.PageAsync(server.BaseAddress, WalletKit.Width, WalletKit.Height);
        var login = await page.GotoAsync("/wallet/login?returnUrl=%2Fwallet%0a");
        Assert.Contains("no-store", login!.Headers["cache-control"], StringComparison.Ordinal); // ACC-8: nothing kept for the Back button on a shared phone
        await page.FillAsync("#phone", OpsKit.ZhangSan);
        await page.FillAsync("#password", OpsKit.UserPassword);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("#balance", new() { Timeout = Browser.SignInTimeoutMs }); // a return address with a line break: home

        var bills = await page.GotoAsync("/wallet/bills?month=9999-12");
        Assert.Equal(200, bills!.Status);
        Assert.Contains("月份格式应为", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Contains("no-store", bills.Headers["cache-control"], StringComparison.Ordinal);

        await page.GotoAsync("/wallet/realname"); // what the class allows, in words
        var realName = await page.InnerTextAsync("main");
        Assert.Contains("消费、转账", realName, StringComparison.Ordinal);
        Assert.DoesNotContain("consumption", realName, StringComparison.Ordinal);
        Assert.DoesNotContain("class-", realName, StringComparison.Ordinal);

        var receipt = await page.GotoAsync($"/wallet/transfers/{Guid.NewGuid()}"); // a receipt that is nobody's: told, not a bare 404
        Assert.Equal(404, receipt!.Status);
        Assert.Contains("找不到这笔转账", await page.InnerTextAsync("#error"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#receipt").CountAsync());
    }

    [Fact]
    public async Task Wang_wu_forgot_his_login_password_and_resets_it_with_a_code_and_his_id_number()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var page = await browser.PageAsync(server.BaseAddress, WalletKit.Width, WalletKit.Height);
        await page.GotoAsync("/wallet/login");
        await page.ClickAsync("#forgot");
        await Browser.AtAsync(page, "**/wallet/forgot");
        await page.FillAsync("#phone", WangWu);
        await page.ClickAsync("#send-code");
        await page.WaitForSelectorAsync("text=验证码已发送");
        await page.FillAsync("#otp", await LatestCodeAsync(server, WangWu));
        await page.FillAsync("#new-password", "Wang@2027new");
        await page.FillAsync("#confirm-password", "Wang@2027nwe");
        await page.ClickAsync("#reset");
        await page.WaitForSelectorAsync("text=两次输入的新密码不一致"); // told before the code is spent
        await page.FillAsync("#id-number", "44010619581102155x"); // as typed on a phone keyboard: a small x
        await page.FillAsync("#new-password", "Wang@2027new");
        await page.FillAsync("#confirm-password", "Wang@2027new");
        await AssertFitsAsync(page);
        await Browser.ShotAsync(page, "wallet-40-forgot-password");
        await page.ClickAsync("#reset");
        await page.WaitForSelectorAsync("#reset-done");
        Assert.Contains("/wallet/login", page.Url, StringComparison.Ordinal);
        await page.FillAsync("#phone", WangWu);
        await page.FillAsync("#password", UserPassword);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("text=手机号或密码错误"); // the old password is gone
        await page.FillAsync("#password", "Wang@2027new");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("#balance", new PageWaitForSelectorOptions { Timeout = Browser.SignInTimeoutMs });
        // ACC-8: the session's cookie lives as long as the browser does (closing it on a shared phone forgets the sign-in)
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "zhifu.wallet");
        Assert.Equal(-1, cookie.Expires);
    }

    [Fact]
    public async Task A_picture_of_the_merchant_qr_code_is_uploaded_and_paid_and_bad_pictures_are_told_by_the_field()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var page = await SignedInAsync(browser, server);
        var codeUrl = await NativeOrderAsync(server, "E2E-PICTURE-01", 1_280, "知付演示咖啡馆-美式");
        await page.ClickAsync("#go-scan");
        await page.WaitForSelectorAsync("#picture-form");
        Assert.Equal("environment", await page.GetAttributeAsync("#photo", "capture")); // phones may open the camera
        Assert.Equal("image/*", await page.GetAttributeAsync("#photo", "accept"));

        await page.ClickAsync("#read-picture"); // nothing chosen
        await page.WaitForSelectorAsync("#picture-error >> text=请先拍照或选择一张图片");
        await UploadAsync(page, "#picture", "风景.png", "image/png", Pictures.Gradient(), "没有识别到二维码");
        await AssertFitsAsync(page);
        await Browser.ShotAsync(page, "wallet-30-scan-no-code");
        await UploadAsync(page, "#picture", "notes.png", "image/png", "not a picture at all"u8.ToArray(), "无法读取该文件");
        await UploadAsync(page, "#photo", "big.jpg", "image/jpeg", new byte[3 * 1024 * 1024], "图片太大");
        await UploadAsync(page, "#picture", "bomb.png", "image/png", Pictures.Claiming(6_000, 6_000), "图片太大"); // never decoded
        await UploadAsync(page, "#picture", "other.png", "image/png", Pictures.QrScreenshot("https://example.com/pay?id=42"),
            "不是知付商户收款码");
        Assert.Equal("¥500.00", await BalanceAsync(page)); // none of it changed anything

        // Past what the page reads at all: refused as a request, not a server error.
        await page.GotoAsync("/wallet/scan");
        await page.SetInputFilesAsync("#photo", new FilePayload { Name = "huge.jpg", MimeType = "image/jpeg", Buffer = new byte[17 * 1024 * 1024] });
        var refused = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#read-picture"), r => r.Request.Method == "POST");
        Assert.InRange(refused.Status, 400, 499);

        // A screenshot of the merchant's code: on to the payment exactly as a pasted link.
        await page.GotoAsync("/wallet/scan");
        await UploadAsync(page, "#picture", "收款码.png", "image/png", Pictures.QrScreenshot(codeUrl), expected: null);
        await page.WaitForSelectorAsync("#pay-form");
        Assert.Equal("¥12.80", await page.InnerTextAsync("#pay-amount"));
        Assert.Contains("美式", await page.InnerTextAsync("#goods"), StringComparison.Ordinal);
        await AssertFitsAsync(page);
        await Browser.ShotAsync(page, "wallet-31-picture-pay-confirm");
        await page.FillAsync("#payment-password", PaymentPassword);
        await page.ClickAsync("#pay");
        await page.WaitForSelectorAsync("#paid");
        Assert.Equal("¥487.20", await BalanceAsync(page));

        await page.GotoAsync("/wallet/font?to=large&back=%2Fwallet%2Fscan");
        await page.WaitForSelectorAsync("html.large");
        await UploadAsync(page, "#picture", "风景.png", "image/png", Pictures.Gradient(), "没有识别到二维码");
        await AssertFitsAsync(page);
        await Browser.ShotAsync(page, "wallet-32-large-scan-error");
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task Zhang_san_transfers_to_his_own_debit_card_within_his_limits_and_the_limits_page_shows_what_is_left()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var page = await SignedInAsync(browser, server);
        await page.GotoAsync("/wallet/transfer");
        await page.ClickAsync("#go-limits");
        await page.WaitForSelectorAsync("#limits");
        var count = await page.InnerTextAsync("#limit-daily-count .remaining");
        var amount = await page.InnerTextAsync("#limit-daily-amount .remaining");
        Assert.Matches("^[0-9]+ 笔$", count);
        await AssertFitsAsync(page);
        await Browser.ShotAsync(page, "wallet-33-limits");

        await page.GotoAsync("/wallet/transfer");
        await page.ClickAsync("#go-card-transfer");
        await page.WaitForSelectorAsync("#card-transfer-form");
        var cards = await page.Locator("#card option").AllInnerTextsAsync();
        Assert.Contains("工商银行储蓄卡（5670）", cards);
        Assert.DoesNotContain(cards, c => c.Contains("信用卡", StringComparison.Ordinal)); // CARD-3: never to a credit card
        await page.EvaluateAsync("() => { const s = document.querySelector('#card'); s.add(new Option('?', 'not-my-card')); s.value = 'not-my-card'; }");
        await page.FillAsync("#amount", "50");
        await page.ClickAsync("#next");
        await page.WaitForSelectorAsync("text=找不到这张已绑定的银行卡");
        await page.SelectOptionAsync("#card", new SelectOptionValue { Label = "工商银行储蓄卡（5670）" });
        await page.FillAsync("#amount", "50");
        await AssertFitsAsync(page);
        await Browser.ShotAsync(page, "wallet-34-card-transfer-form");
        await page.ClickAsync("#next");
        await page.WaitForSelectorAsync("#confirm-form");
        Assert.Equal("工商银行储蓄卡（5670）", await page.InnerTextAsync("#confirm-card"));
        Assert.Equal("¥50.00", await page.InnerTextAsync("#confirm-amount"));
        await page.FillAsync("#payment-password", "000000");
        await page.ClickAsync("#confirm");
        await page.WaitForSelectorAsync("text=支付密码错误");
        Assert.Equal(1, await page.Locator("#confirm-form").CountAsync()); // still confirming, nothing moved
        await page.FillAsync("#payment-password", PaymentPassword);
        await AssertFitsAsync(page);
        await Browser.ShotAsync(page, "wallet-35-card-transfer-confirm");
        await page.ClickAsync("#confirm");
        await page.WaitForSelectorAsync("#receipt");
        Assert.Contains("成功", await page.InnerTextAsync("#transfer-status"), StringComparison.Ordinal);
        Assert.Contains("工商银行", await page.InnerTextAsync("#transfer-to"), StringComparison.Ordinal);
        Assert.Contains("5670", await page.InnerTextAsync("#transfer-to"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#revoke").CountAsync());
        await Browser.ShotAsync(page, "wallet-36-card-transfer-done");
        Assert.Equal("¥450.00", await BalanceAsync(page));

        // The same allowances the API keeps: one transfer and ¥50 fewer today.
        await page.GotoAsync("/wallet/transfer/limits");
        Assert.Equal($"{int.Parse(count.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) - 1} 笔",
            await page.InnerTextAsync("#limit-daily-count .remaining"));
        Assert.Equal(Yuan(amount) - 50m, Yuan(await page.InnerTextAsync("#limit-daily-amount .remaining")));
        await page.GotoAsync("/wallet/font?to=large&back=%2Fwallet%2Ftransfer%2Flimits");
        await page.WaitForSelectorAsync("html.large");
        await AssertFitsAsync(page);
        await Browser.ShotAsync(page, "wallet-37-large-limits");
        await page.GotoAsync("/wallet/transfer/card");
        await AssertFitsAsync(page);
        await Browser.ShotAsync(page, "wallet-38-large-card-transfer");
        await page.ClickAsync("header >> text=EN");
        await page.WaitForSelectorAsync("text=Transfer to my own bank card");
        Assert.Contains("ICBC debit card (5670)", await page.Locator("#card option").AllInnerTextsAsync());
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task Each_browser_is_a_device_it_keeps_and_risk_control_steps_up_a_movement_from_a_new_one()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        await RiskRuleAsync(server, "E2E-NEW-DEVICE", "new-device", "*", new { }, "step-up", "E2E 新设备加强验证");
        var home = await SignedInAsync(browser, server);
        var device = await DeviceCookieAsync(home);
        Assert.True(device.HttpOnly);
        Assert.Matches("^web-[0-9a-f]{32}$", device.Value);
        await TopUpAsync(home, "10");
        await home.WaitForSelectorAsync("#result");

        var other = await SignedInAsync(browser, server); // another browser (its own cookies): a device never seen
        Assert.NotEqual(device.Value, (await DeviceCookieAsync(other)).Value);
        await TopUpAsync(other, "10");
        await other.WaitForSelectorAsync("#verification-code");
        Assert.Contains("短信验证", await other.InnerTextAsync("#error"), StringComparison.Ordinal);
        await other.ClickAsync("#send-code");
        await other.WaitForSelectorAsync("text=验证码已发送到您的手机");
        await other.FillAsync("#verification-code", await LatestCodeAsync(server, ZhangSan));
        await other.FillAsync("#payment-password", PaymentPassword);
        await other.ClickAsync("#confirm");
        await other.WaitForSelectorAsync("#result");

        // The first browser again, signed out and in: the same device, so the same movement needs no step-up.
        AcceptDialogs(home);
        await home.GotoAsync("/wallet/security");
        await home.ClickAsync("#logout");
        await Browser.AtAsync(home, "**/wallet/login");
        await home.FillAsync("#phone", ZhangSan);
        await home.FillAsync("#password", UserPassword);
        await home.ClickAsync("button[type=submit]");
        await home.WaitForSelectorAsync("#balance");
        Assert.Equal(device.Value, (await DeviceCookieAsync(home)).Value);
        await TopUpAsync(home, "10");
        await home.WaitForSelectorAsync("#result");
        Assert.Contains("成功", await home.InnerTextAsync("#result"), StringComparison.Ordinal);

        await home.GotoAsync("/wallet/security");
        var sessions = await home.InnerTextAsync("body");
        Assert.Matches($"网页浏览器 {device.Value[^4..]}\\s*本设备", sessions);
        Assert.Contains("网页浏览器 " + (await DeviceCookieAsync(other)).Value[^4..], sessions, StringComparison.Ordinal);
        await AssertFitsAsync(home);
        await Browser.ShotAsync(home, "wallet-39-security-devices");
        // ACC-7: a new login password is typed twice; a slip is told before the code is spent and the session stays
        await home.ClickAsync("#login-password summary");
        await home.FillAsync("#login-password-new", "Zhang@2027new");
        await home.FillAsync("#login-password-confirm", "Zhang@2027nwe");
        await home.ClickAsync("#login-password button.wide");
        await home.WaitForSelectorAsync("#login-password >> text=两次输入的新密码不一致");
        Assert.EndsWith("/wallet/security", new Uri(home.Url).AbsolutePath, StringComparison.Ordinal);
        Assert.Equal("¥530.00", await BalanceAsync(home));
    }

    /// <summary>Chooses the file and sends it; then waits for the <paramref name="expected"/> error by the field, if any.</summary>
    private static async Task UploadAsync(IPage page, string input, string name, string mimeType, byte[] bytes, string? expected)
    {
        await page.SetInputFilesAsync(input, new FilePayload { Name = name, MimeType = mimeType, Buffer = bytes });
        await page.ClickAsync("#read-picture");
        if (expected is not null)
        {
            await page.WaitForSelectorAsync("#picture-error >> text=" + expected);
        }
    }

    private static async Task TopUpAsync(IPage page, string yuan)
    {
        await page.GotoAsync("/wallet/topup");
        await page.FillAsync("#amount", yuan);
        await page.ClickAsync("#next");
        await page.FillAsync("#payment-password", PaymentPassword);
        await page.ClickAsync("#confirm");
    }

    private static async Task<BrowserContextCookiesResult> DeviceCookieAsync(IPage page) =>
        (await page.Context.CookiesAsync()).Single(c => c.Name == "zhifu.device");

    private static async Task<string> BalanceAsync(IPage page)
    {
        await page.GotoAsync("/wallet");
        return await page.InnerTextAsync("#balance");
    }

    private static decimal Yuan(string money) =>
        decimal.Parse(money.TrimStart('¥').Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
}
