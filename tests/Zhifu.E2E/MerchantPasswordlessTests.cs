using System.Text.Json;
using Zhifu.Tests.Infrastructure;
using static Zhifu.E2E.MerchantKit;
using static Zhifu.E2E.PasswordlessKit;

namespace Zhifu.E2E;

/// <summary>
/// The merchant console's passwordless page (issue 9 point 7, PWL-1, MER-3, MER-5): the café's admin and finance see its own
/// contracts — contract id, display account, openid, state, limits, times, never the user's phone or name — and the orders
/// charged under them; a cashier is refused the page and does not see its link.
/// </summary>
public sealed class MerchantPasswordlessTests(Browser browser) : IClassFixture<Browser>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Finance_sees_the_cafes_contract_and_passwordless_order_without_personal_data_and_a_cashier_is_refused()
    {
        await using var server = await StartAsync();
        await EligibleAsync(server);
        var contractId = await SignedContractAsync(server, OpsKit.ZhangSan, "E2EMCH0001", "停车会员 张*");
        Assert.Equal("SUCCESS", await ChargeAsync(server, contractId, "E2E-MCH-PWL-1", 1_280));
        var otherOrder = await PaidOrderAsync(server, "E2E-MCH-PLAIN-1", 900); // an ordinary order is not a passwordless one

        var finance = await browser.PageAsync(server.BaseAddress);
        await SignedInAsync(finance, "cafe-finance");
        await finance.ClickAsync("#nav-passwordless");
        await finance.WaitForSelectorAsync($"#contracts >> text={contractId}");
        var contracts = await finance.InnerTextAsync("#contracts tbody");
        Assert.Contains("停车会员 张*", contracts, StringComparison.Ordinal);
        Assert.Contains("12535 / E2EMCH0001", contracts, StringComparison.Ordinal);
        Assert.Contains("已签约", contracts, StringComparison.Ordinal);
        Assert.Contains("¥300.00", contracts, StringComparison.Ordinal); // the platform's default per-payment limit
        var merchant = Zhifu.Tests.MerchantApi.MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        var openId = JsonDocument.Parse((await merchant.SendAsync(HttpMethod.Get,
            "/v3/papay/sign/contracts/plan-id/12535/out-contract-code/E2EMCH0001")).Body).RootElement.GetProperty("openid").GetString()!;
        Assert.Contains(openId, contracts, StringComparison.Ordinal); // the payer as the protocol names them to the merchant
        var whole = await finance.InnerTextAsync("main");
        Assert.DoesNotContain(OpsKit.ZhangSan, whole, StringComparison.Ordinal);
        Assert.DoesNotContain("138****8001", whole, StringComparison.Ordinal);
        Assert.DoesNotContain("张三", whole, StringComparison.Ordinal);

        var orders = await finance.InnerTextAsync("#orders tbody");
        Assert.Equal(1, await finance.Locator("#orders tbody tr").CountAsync());
        Assert.Contains("E2E-MCH-PWL-1", orders, StringComparison.Ordinal);
        Assert.Contains("¥12.80", orders, StringComparison.Ordinal);
        Assert.Contains("支付成功", orders, StringComparison.Ordinal);
        Assert.Contains(contractId, orders, StringComparison.Ordinal);
        Assert.DoesNotContain(otherOrder, orders, StringComparison.Ordinal);
        await Browser.ShotAsync(finance, "merchant-40-passwordless");
        await finance.ClickAsync("#orders tbody tr a"); // the order's own page, as any order
        await finance.WaitForSelectorAsync("#out-trade-no >> text=E2E-MCH-PWL-1");

        var cashier = await browser.PageAsync(server.BaseAddress);
        await SignedInAsync(cashier, "cafe-cashier");
        Assert.Equal(0, await cashier.Locator("#nav-passwordless").CountAsync());
        var refused = await cashier.GotoAsync("/merchant/passwordless");
        Assert.Equal(403, refused!.Status);
        Assert.EndsWith("/merchant/denied", cashier.Url, StringComparison.Ordinal);
        using var api = server.Client(); // and the console API refuses the cashier as well
        var login = await MerchantStaffSignIn.LoginAsync(api, "cafe-cashier", StaffPassword, Ct);
        Assert.True(login.IsSuccessStatusCode, await login.Content.ReadAsStringAsync(Ct));
        Assert.Equal(403, (int)(await api.GetAsync("/api/merchant/passwordless/contracts", Ct)).StatusCode);
        await Browser.ShotAsync(cashier, "merchant-41-passwordless-cashier-denied");
    }
}
