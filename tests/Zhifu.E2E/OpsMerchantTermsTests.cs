using System.Text.Json;
using Zhifu.Tests.Infrastructure;
using static Zhifu.E2E.OpsKit;

namespace Zhifu.E2E;

/// <summary>
/// The operator console's merchant terms (issue 8 point 3, issue 9 point 7, PWL-3): limits and eligibility changed on the
/// merchant's page, validated as the Operator API validates them, audited; a high-risk merchant never keeps passwordless.
/// </summary>
public sealed class OpsMerchantTermsTests(Browser browser) : IClassFixture<Browser>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Risk_sets_passwordless_limits_and_eligibility_on_the_merchant_page_and_high_risk_takes_eligibility_away()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var page = await browser.PageAsync(server.BaseAddress);
        await SignInAsync(page, "risk");
        await page.GotoAsync("/ops/merchants/1230000109");
        await page.WaitForSelectorAsync("#terms");

        await page.CheckAsync("#passwordless-eligible");
        await page.FillAsync("#pwl-per-payment", "90");
        await page.FillAsync("#pwl-daily", "80");
        await page.ClickAsync("#save-terms");
        await page.WaitForSelectorAsync("#pwl-error >> text=单笔高于每日");
        Assert.Equal("90", await page.InputValueAsync("#pwl-per-payment")); // what was typed stays to be corrected
        Assert.False(await DetailAsync(server, "passwordlessEligible")); // nothing saved
        await Browser.ShotAsync(page, "ops-30-merchant-terms-error");

        // text that is not an amount is refused by its field, never saved as an empty box (the platform's default limit)
        await page.FillAsync("#single-limit", "5000元");
        await page.FillAsync("#pwl-per-payment", "50");
        await page.ClickAsync("#save-terms");
        await page.WaitForSelectorAsync("#single-limit-error");
        Assert.Equal("5000元", await page.InputValueAsync("#single-limit"));
        Assert.False(await DetailAsync(server, "passwordlessEligible")); // nothing saved
        await page.FillAsync("#single-limit", "");

        Assert.True(await page.IsCheckedAsync("#passwordless-eligible"));
        await page.FillAsync("#pwl-per-payment", "50");
        await page.FillAsync("#pwl-daily", "80");
        await page.ClickAsync("#save-terms");
        await page.WaitForSelectorAsync("text=条款已保存");
        Assert.True(await DetailAsync(server, "passwordlessEligible"));
        await using (var db = server.Database.Options.CreateContext())
        {
            Assert.True(await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(
                db.Set<Zhifu.Data.Entities.AuditRow>(), a => a.Action == "merchant.terms" && a.Actor == "risk", Ct));
        }
        using (var ops = await OperatorAsync(server, "risk"))
        {
            var detail = JsonDocument.Parse(await ops.GetStringAsync("/api/ops/merchants/1230000109", Ct)).RootElement;
            Assert.Equal(5_000, detail.GetProperty("passwordlessPerPaymentFen").GetInt64());
            Assert.Equal(8_000, detail.GetProperty("passwordlessDailyFen").GetInt64());
        }
        await Browser.ShotAsync(page, "ops-31-merchant-terms-saved");

        await page.SelectOptionAsync("#risk-level", "high");
        await page.CheckAsync("#passwordless-eligible");
        await page.ClickAsync("#save-terms");
        await page.WaitForSelectorAsync("text=条款已保存");
        Assert.False(await DetailAsync(server, "passwordlessEligible")); // PWL-3: never a high-risk merchant
        Assert.False(await page.IsCheckedAsync("#passwordless-eligible"));
    }

    [Fact]
    public async Task Operations_suspends_a_merchants_trading_with_a_reason_and_resumes_it()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var page = await browser.PageAsync(server.BaseAddress);
        await SignedInAsync(page, "ops");
        await page.GotoAsync("/ops/merchants/1230000109");
        string? asked = null;
        page.Dialog += async (_, dialog) =>
        {
            asked = dialog.Message;
            await dialog.AcceptAsync();
        };
        await page.ClickAsync("#suspension-submit"); // no reason
        await page.WaitForSelectorAsync("#suspension .field-error");
        Assert.Equal("active", await StatusAsync(server)); // nothing changed
        await page.FillAsync("#suspension-reason", "交易异常，暂停交易待核查");
        await page.ClickAsync("#suspension-submit");
        await page.WaitForSelectorAsync("text=已暂停交易");
        Assert.Equal("确定暂停该商户的交易？", asked);
        Assert.Equal("suspended", await StatusAsync(server));
        Assert.Contains("恢复交易", await page.InnerTextAsync("#suspension h2"), StringComparison.Ordinal);
        Assert.Contains("ops · 交易异常，暂停交易待核查", await page.InnerTextAsync("#suspension-why"), StringComparison.Ordinal); // who and why
        Assert.Equal(1, await page.Locator("#terms").CountAsync()); // its terms can still be changed before it resumes
        await Browser.ShotAsync(page, "ops-32-merchant-suspended");

        await page.FillAsync("#suspension-reason", "核查完毕");
        await page.ClickAsync("#suspension-submit");
        await page.WaitForSelectorAsync("text=已恢复交易");
        Assert.Equal("active", await StatusAsync(server));
    }

    private static async Task<string?> StatusAsync(ZhifuTestServer server)
    {
        using var ops = await OperatorAsync(server, "risk");
        return JsonDocument.Parse(await ops.GetStringAsync("/api/ops/merchants/1230000109", Ct)).RootElement.GetProperty("status").GetString();
    }

    private static async Task<bool> DetailAsync(ZhifuTestServer server, string field)
    {
        using var ops = await OperatorAsync(server, "risk");
        return JsonDocument.Parse(await ops.GetStringAsync("/api/ops/merchants/1230000109", Ct)).RootElement.GetProperty(field).GetBoolean();
    }
}
