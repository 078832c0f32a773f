using System.Net.Http.Json;
using System.Text.Json;
using Zhifu.Tests.Infrastructure;
using Zhifu.Tests.MerchantApi;
using static Zhifu.E2E.OpsKit;
using static Zhifu.E2E.WalletKit;

namespace Zhifu.E2E;

/// <summary>
/// 免密支付 in the H5 wallet (issue 9 point 7, PWL-1, PWL-2, PWL-5): an elderly user signs a merchant's contract on the
/// confirmation page — core terms first and large, nothing pre-ticked, the assessment and the extra confirmation, password
/// and SMS code — the merchant charges without the password, and one click stops every agreement at once.
/// </summary>
public sealed class WalletPasswordlessTests(Browser browser) : IClassFixture<Browser>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_elderly_user_signs_on_the_confirmation_page_is_charged_without_password_and_stops_everything_in_one_click()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        using (var operations = await OperatorAsync(server, "operations"))
        {
            var terms = await operations.PutAsJsonAsync("/api/ops/merchants/1230000109/terms", new { passwordlessEligible = true }, Ct);
            Assert.True(terms.IsSuccessStatusCode, await terms.Content.ReadAsStringAsync(Ct));
        }
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        var (preSigned, preSignBody) = await merchant.SendAsync(HttpMethod.Post, "/v3/papay/sign/contracts/pre-entrust-sign",
            JsonSerializer.Serialize(new
            {
                sign_scene = "SIGN_SCENE_QRCODE", appid = "wxd678efh567hg6787", plan_id = 12535, out_contract_code = "E2EPWL0001",
                contract_display_account = "停车会员 王*", contract_notify_url = "http://127.0.0.1:9/notify", out_user_code = "member-1",
                device_info = new { device_id = "kiosk-1" },
            }));
        Assert.True(preSigned.IsSuccessStatusCode, preSignBody);
        var preSignId = JsonDocument.Parse(preSignBody).RootElement.GetProperty("pre_entrustweb_id").GetString();

        var page = await SignedInAsync(browser, server, WangWu);
        await page.GotoAsync("/wallet/font?to=large&back=%2Fwallet%2Fsecurity");
        await page.ClickAsync("#passwordless-link"); // "stop passwordless" is one step from security
        await page.WaitForSelectorAsync("#none"); // off by default
        await page.GotoAsync($"/wallet/passwordless/sign?preSignId={preSignId}");
        await page.WaitForSelectorAsync("#core-terms");
        Assert.Contains("无需输入支付密码", await page.InnerTextAsync("#core-terms"), StringComparison.Ordinal);
        Assert.Contains("¥100.00", await page.InnerTextAsync("#core-terms"), StringComparison.Ordinal); // the elderly cap, not ¥300
        await page.WaitForSelectorAsync("#elderly-note");
        Assert.False(await page.IsCheckedAsync("#accept-terms")); // never pre-ticked
        Assert.False(await page.IsCheckedAsync("#elderly-confirm"));
        // PWL-2: an elderly user's core terms are larger than the page's text
        var (termSize, textSize) = (await page.EvalOnSelectorAsync<string>("#core-terms li", "e => getComputedStyle(e).fontSize"),
            await page.EvalOnSelectorAsync<string>("#accept-terms", "e => getComputedStyle(e.closest('label')).fontSize"));
        Assert.True(double.Parse(termSize[..^2], System.Globalization.CultureInfo.InvariantCulture)
            > double.Parse(textSize[..^2], System.Globalization.CultureInfo.InvariantCulture), $"{termSize} vs {textSize}");
        // …in the language the wallet is read in
        await page.GotoAsync($"/lang?to=en&back={Uri.EscapeDataString($"/wallet/passwordless/sign?preSignId={preSignId}")}");
        Assert.Contains("without your payment password", await page.InnerTextAsync("#core-terms"), StringComparison.Ordinal);
        Assert.DoesNotContain("无需输入支付密码", await page.InnerTextAsync("#core-terms"), StringComparison.Ordinal);
        await page.GotoAsync($"/lang?to=zh&back={Uri.EscapeDataString($"/wallet/passwordless/sign?preSignId={preSignId}")}");
        await page.WaitForSelectorAsync("#core-terms");
        await AssertFitsAsync(page);
        await Browser.ShotAsync(page, "wallet-40-passwordless-confirm-elderly");

        await page.ClickAsync("#sign");
        await page.WaitForSelectorAsync(".field-error >> text=请阅读并勾选同意免密支付协议");
        await page.CheckAsync("#accept-terms");
        for (var i = 0; i < 3; i++)
        {
            await page.CheckAsync($"#q{i}-yes");
        }
        await page.ClickAsync("#sign");
        await page.WaitForSelectorAsync(".field-error >> text=请再次确认");
        await page.CheckAsync("#elderly-confirm");
        await page.ClickAsync("#send-code");
        await page.WaitForSelectorAsync("text=验证码已发送到您的手机");
        Assert.True(await page.IsCheckedAsync("#accept-terms")); // the user's own ticks stay across the code's round trip
        Assert.True(await page.IsCheckedAsync("#elderly-confirm"));
        await page.FillAsync("#payment-password", PaymentPassword);
        await page.FillAsync("#sms-code", await LatestCodeAsync(server, WangWu));
        await page.ClickAsync("#sign");
        var outcome = await page.WaitForSelectorAsync("#signed, .field-error, #error");
        Assert.Equal("signed", await outcome!.GetAttributeAsync("id") ?? await outcome.InnerTextAsync());
        Assert.Contains("¥100.00", await page.InnerTextAsync("#signed"), StringComparison.Ordinal);
        await AssertFitsAsync(page);
        await Browser.ShotAsync(page, "wallet-41-passwordless-signed");

        var contractId = JsonDocument.Parse((await merchant.SendAsync(HttpMethod.Get,
            "/v3/papay/sign/contracts/plan-id/12535/out-contract-code/E2EPWL0001")).Body).RootElement.GetProperty("contract_id").GetString()!;
        Assert.True((await ApplyAsync(merchant, contractId, "E2E-PWL-0001", 650)).Response.IsSuccessStatusCode);

        await page.ClickAsync("#manage");
        await page.WaitForSelectorAsync(".payment >> text=¥6.50");
        AcceptDialogs(page);
        await page.ClickAsync("#cancel-all");
        await page.WaitForSelectorAsync("#message >> text=已关闭全部 1 个免密支付协议");
        await page.WaitForSelectorAsync(".agreement .tag.bad");
        await AssertFitsAsync(page);
        await Browser.ShotAsync(page, "wallet-42-passwordless-cancelled");
        var (refused, body) = await ApplyAsync(merchant, contractId, "E2E-PWL-0002", 100); // at once: the next charge is refused
        Assert.Equal(404, (int)refused.StatusCode);
        Assert.Contains("RESOURCE_NOT_EXISTS", body, StringComparison.Ordinal);
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    private static Task<(HttpResponseMessage Response, string Body)> ApplyAsync(MerchantSigner merchant, string contractId, string outTradeNo,
        long fen) => merchant.SendAsync(HttpMethod.Post, "/v3/papay/pay/transactions/apply", JsonSerializer.Serialize(new
        {
            appid = "wxd678efh567hg6787", out_trade_no = outTradeNo, description = "停车费", transaction_notify_url = "http://127.0.0.1:9/notify",
            contract_id = contractId, amount = new { total = fen, currency = "CNY" },
        }));
}
