using System.Text;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.Playwright;
using static Zhifu.E2E.MerchantKit;

namespace Zhifu.E2E;

/// <summary>
/// The merchant self-service console (MER-2 … MER-6, PAY-4) in headless Chromium: captcha sign-in, orders found and exported,
/// a cashier's refund request approved by finance, role refusals, forced password change, credentials and staff for admin.
/// </summary>
public sealed class MerchantConsoleTests(Browser browser) : IClassFixture<Browser>
{
    [Fact]
    public async Task A_cashier_finds_a_paid_order_and_requests_a_refund_finance_approves_it_and_the_order_reads_REFUND()
    {
        await using var server = await StartAsync();
        var transactionId = await PaidOrderAsync(server, "E2E-ORDER-0001", 8_800);
        await PaidOrderAsync(server, "E2E-ORDER-0002", 1_200);

        // the admin switches refund review on (a confirmed action on the account page)
        var admin = await browser.PageAsync(server.BaseAddress);
        var adminAsked = AcceptDialogs(admin);
        await SignedInAsync(admin, "cafe-admin");
        await admin.GotoAsync("/merchant/account");
        await admin.ClickAsync("#toggle-review");
        await admin.WaitForSelectorAsync("text=开启：退款须管理员或财务审核");
        Assert.Contains("退款审核", adminAsked(), StringComparison.Ordinal);

        // the cashier: a session is needed; a wrong captcha is refused next to its field before the password is looked at
        var cashier = await browser.PageAsync(server.BaseAddress);
        var cashierAsked = AcceptDialogs(cashier);
        await cashier.GotoAsync("/merchant");
        Assert.Contains("/merchant/login?returnUrl=%2Fmerchant", cashier.Url, StringComparison.Ordinal);
        Assert.Contains("<polyline", await cashier.InnerHTMLAsync("#captcha-image"), StringComparison.Ordinal);
        Assert.DoesNotContain(Captcha, await cashier.InnerHTMLAsync("#captcha-image"), StringComparison.Ordinal); // strokes, not text
        await cashier.FillAsync("#username", "cafe-cashier");
        await cashier.FillAsync("#password", StaffPassword);
        await cashier.FillAsync("#captcha", "WRONG");
        await cashier.ClickAsync("button[type=submit]");
        await cashier.WaitForSelectorAsync("#captcha-error");
        Assert.Contains("验证码错误", await cashier.InnerTextAsync("#captcha-error"), StringComparison.Ordinal);
        await Browser.ShotAsync(cashier, "merchant-01-login-captcha-refused");
        await SignedInAsync(cashier, "cafe-cashier");
        Assert.DoesNotContain("退款审核", await cashier.InnerTextAsync("header nav"), StringComparison.Ordinal);
        Assert.Equal(2, await cashier.Locator("#orders tbody tr").CountAsync());
        await Browser.ShotAsync(cashier, "merchant-02-orders");
        await cashier.GotoAsync("/merchant?min=50&max=100&type=NATIVE&state=SUCCESS"); // filtered on the server
        Assert.Equal(1, await cashier.Locator("#orders tbody tr").CountAsync());
        await cashier.GotoAsync("/merchant?min=abc&from=2026-13-01");
        Assert.Contains("金额须为元", await cashier.InnerTextAsync("#amount-error"), StringComparison.Ordinal);
        Assert.Contains("日期格式", await cashier.InnerTextAsync("#date-error"), StringComparison.Ordinal);
        foreach (var odd in new[] { "/merchant?from=0001-01-01", "/merchant?to=9999-12-31", "/merchant?handler=Csv&to=9999-12-31" })
        {
            var answer = await cashier.GotoAsync(odd); // a date picker lets these through: told by the field, never a 500
            Assert.Equal(200, answer!.Status);
            Assert.Contains("日期格式", await cashier.InnerTextAsync("#date-error"), StringComparison.Ordinal);
        }
        await cashier.GotoAsync("/merchant");

        // found by its transaction_id; the detail; a refund above what is refundable is refused next to the amount
        await cashier.FillAsync("#q", transactionId);
        await cashier.ClickAsync("#filters button[type=submit]");
        await Browser.AtAsync(cashier, "**/merchant?q=*");
        Assert.Equal(1, await cashier.Locator("#orders tbody tr").CountAsync());
        Assert.Contains("¥88.00", await cashier.InnerTextAsync("#orders tbody tr"), StringComparison.Ordinal);
        await cashier.ClickAsync("#orders tbody tr a");
        await cashier.WaitForSelectorAsync("#request-refund");
        Assert.Equal("E2E-ORDER-0001", await cashier.InnerTextAsync("#out-trade-no"));
        await cashier.FillAsync("#amount", "88.01");
        await cashier.FillAsync("#reason", "顾客退货");
        await cashier.ClickAsync("#request-refund");
        await cashier.WaitForSelectorAsync("#amount-error");
        Assert.Contains("¥88.00", await cashier.InnerTextAsync("#amount-error"), StringComparison.Ordinal);
        await cashier.FillAsync("#amount", "20.00");
        await cashier.FillAsync("#reason", "顾客退回一杯拿铁");
        await cashier.ClickAsync("#request-refund");
        await cashier.WaitForSelectorAsync("#message");
        Assert.Contains("等待管理员或财务审核", await cashier.InnerTextAsync("#message"), StringComparison.Ordinal);
        Assert.Contains("退款", cashierAsked(), StringComparison.Ordinal);
        await Browser.ShotAsync(cashier, "merchant-03-refund-requested");

        // the cashier may not review refunds nor see credentials or staff: 403 and the refusal page
        foreach (var path in new[] { "/merchant/refunds", "/merchant/credentials", "/merchant/staff" })
        {
            var refused = await cashier.GotoAsync(path);
            Assert.Equal(403, refused!.Status);
            Assert.EndsWith("/merchant/denied", cashier.Url, StringComparison.Ordinal);
        }
        await Browser.ShotAsync(cashier, "merchant-04-cashier-denied");

        // finance approves it, asked first with the amount
        var finance = await browser.PageAsync(server.BaseAddress);
        var financeAsked = AcceptDialogs(finance);
        await SignedInAsync(finance, "cafe-finance");
        await finance.ClickAsync("nav >> text=退款审核");
        await finance.WaitForSelectorAsync("#refund-review");
        var row = finance.Locator("#refund-review tbody tr").First;
        Assert.Contains("E2E-ORDER-0001", await row.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("¥20.00", await row.InnerTextAsync(), StringComparison.Ordinal);
        await Browser.ShotAsync(finance, "merchant-05-refund-review");
        await row.Locator("input[name=note]").FillAsync("已收回商品");
        await row.Locator("button.approve").ClickAsync();
        await finance.WaitForSelectorAsync("#message");
        Assert.Contains("已通过退款", await finance.InnerTextAsync("#message"), StringComparison.Ordinal);
        Assert.Contains("¥20.00", financeAsked(), StringComparison.Ordinal);
        await Browser.ShotAsync(finance, "merchant-06-refund-approved");

        // the order now reads REFUND, in the list filter and on its page
        await finance.GotoAsync("/merchant?state=REFUND");
        Assert.Equal(1, await finance.Locator("#orders tbody tr").CountAsync());
        await finance.ClickAsync("#orders tbody tr a");
        await finance.WaitForSelectorAsync("#order-state");
        Assert.Contains("REFUND", await finance.InnerTextAsync("#order-state"), StringComparison.Ordinal);
        Assert.Contains("SUCCESS", await finance.InnerTextAsync("#refunds"), StringComparison.Ordinal);
        await Browser.ShotAsync(finance, "merchant-07-order-refunded");

        // the export of the current filter: CSV with a BOM, and an Excel workbook, both holding the order
        var csv = await finance.APIRequest.GetAsync("/merchant?handler=Csv&q=E2E-ORDER-0001");
        Assert.Equal(200, csv.Status);
        var bytes = await csv.BodyAsync();
        Assert.True(bytes.AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }), "the CSV starts with a UTF-8 BOM");
        var text = Encoding.UTF8.GetString(bytes);
        Assert.Contains("商户订单号", text, StringComparison.Ordinal);
        Assert.Contains("E2E-ORDER-0001", text, StringComparison.Ordinal);
        Assert.Contains("88.00", text, StringComparison.Ordinal);
        Assert.DoesNotContain("E2E-ORDER-0002", text, StringComparison.Ordinal);
        var xlsx = await finance.APIRequest.GetAsync("/merchant?handler=Xlsx");
        Assert.Equal(200, xlsx.Status);
        using (var workbook = SpreadsheetDocument.Open(new MemoryStream(await xlsx.BodyAsync()), false))
        {
            var cells = workbook.WorkbookPart!.WorksheetParts.Single().Worksheet.InnerText;
            Assert.Contains("E2E-ORDER-0001", cells, StringComparison.Ordinal);
            Assert.Contains("E2E-ORDER-0002", cells, StringComparison.Ordinal);
        }

        // MER-2: 退出 ends the session — from a page of the console and from the refusal page alike — and the till's next
        // person starts at the sign-in
        await finance.ClickAsync("text=退出");
        await Browser.AtAsync(finance, "**/merchant/login");
        await finance.GotoAsync("/merchant");
        Assert.Contains("/merchant/login", finance.Url, StringComparison.Ordinal);
        await cashier.GotoAsync("/merchant/refunds"); // refused to a cashier: the refusal page's sign-out works as well
        await cashier.ClickAsync("text=退出");
        await Browser.AtAsync(cashier, "**/merchant/login");
        await cashier.GotoAsync("/merchant");
        Assert.Contains("/merchant/login", cashier.Url, StringComparison.Ordinal);
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task Admin_adds_a_staff_member_who_must_change_the_initial_password_and_resets_the_APIv3_key_shown_once()
    {
        await using var server = await StartAsync();
        var admin = await browser.PageAsync(server.BaseAddress);
        var asked = AcceptDialogs(admin);
        await SignedInAsync(admin, "cafe-admin");

        // staff: a bad name is refused next to the field; a good one gets an initial password shown once
        await admin.ClickAsync("nav >> text=员工与角色");
        await admin.WaitForSelectorAsync("#staff");
        await admin.FillAsync("#username", "Bad Name");
        await admin.SelectOptionAsync("#role", "cashier");
        await admin.ClickAsync("form[action*=Add] button[type=submit]");
        await admin.WaitForSelectorAsync("#username-error");
        await admin.FillAsync("#username", "cafe-new");
        await admin.SelectOptionAsync("#role", "cashier");
        await admin.ClickAsync("form[action*=Add] button[type=submit]");
        await admin.WaitForSelectorAsync("#initial-password");
        var initial = await admin.InnerTextAsync("#initial-password");
        Assert.Contains("cafe-new", await admin.InnerTextAsync("#staff"), StringComparison.Ordinal);
        await Browser.ShotAsync(admin, "merchant-08-staff");

        // credentials: the APIv3 key is reset after a confirmation and shown on that answer only
        await admin.ClickAsync("nav >> text=API 证书与通知");
        await admin.WaitForSelectorAsync("#api-keys");
        await admin.FillAsync("#notifyUrl", "ftp://example.com/x?y=1");
        await admin.ClickAsync("text=保存通知地址");
        await admin.WaitForSelectorAsync("#notify-url-error");
        await admin.ClickAsync("#reset-apiv3");
        await admin.WaitForSelectorAsync("#new-apiv3-key");
        Assert.Equal(32, (await admin.InnerTextAsync("#new-apiv3-key")).Trim().Length);
        Assert.Contains("APIv3", asked(), StringComparison.Ordinal);
        await Browser.ShotAsync(admin, "merchant-09-credentials-key-once");
        await admin.GotoAsync("/merchant/credentials");
        Assert.Equal(0, await admin.Locator("#new-apiv3-key").CountAsync());

        // the new cashier signs in with the initial password and can do nothing before changing it
        var newcomer = await browser.PageAsync(server.BaseAddress);
        await SignInAsync(newcomer, "cafe-new", initial);
        await Browser.AtAsync(newcomer, "**/merchant/password");
        await newcomer.GotoAsync("/merchant");
        Assert.EndsWith("/merchant/password", newcomer.Url, StringComparison.Ordinal);
        await newcomer.FillAsync("#currentPassword", initial);
        await newcomer.FillAsync("#newPassword", "short");
        await newcomer.FillAsync("#confirmPassword", "short");
        await newcomer.ClickAsync("main button[type=submit]");
        await newcomer.WaitForSelectorAsync(".field-error");
        await Browser.ShotAsync(newcomer, "merchant-10-forced-password-change");
        await newcomer.FillAsync("#currentPassword", initial);
        await newcomer.FillAsync("#newPassword", "Newcomer2026");
        await newcomer.FillAsync("#confirmPassword", "Newcomer2026");
        await newcomer.ClickAsync("main button[type=submit]");
        await Browser.AtAsync(newcomer, "**/merchant");
        await newcomer.WaitForSelectorAsync("#orders");

        // the admin disables the account: its session ends at once; the console speaks English on request
        await admin.GotoAsync("/merchant/staff");
        await admin.Locator("#staff tbody tr", new() { HasText = "cafe-new" }).Locator("button.danger").ClickAsync();
        await admin.WaitForSelectorAsync("#message");
        Assert.Contains("已停用", await admin.InnerTextAsync("#staff"), StringComparison.Ordinal);
        await newcomer.GotoAsync("/merchant");
        Assert.Contains("/merchant/login", newcomer.Url, StringComparison.Ordinal);
        await admin.ClickAsync("text=English");
        await admin.WaitForSelectorAsync("text=Staff and roles");
        await Browser.ShotAsync(admin, "merchant-11-staff-english");
    }
}
