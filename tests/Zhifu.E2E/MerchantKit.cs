using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Zhifu.Tests.Infrastructure;
using Zhifu.Tests.MerchantApi;

namespace Zhifu.E2E;

/// <summary>What the merchant-console tests arrange through the real APIs before the browser looks.</summary>
internal static class MerchantKit
{
    public const string StaffPassword = "Shop@2026";

    /// <summary>
    /// The sign-in captcha the test server draws every time (<c>MerchantConsole:CaptchaFixed</c>, passed as a server argument):
    /// the picture, the single-use cookie and the hashed check stay the production ones; only the code is known in advance.
    /// </summary>
    public const string Captcha = MerchantStaffSignIn.Captcha;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static Task<ZhifuTestServer> StartAsync() => ZhifuTestServer.StartAsync(null, $"--MerchantConsole:CaptchaFixed={Captcha}");

    /// <summary>A native order of the demo café, created as its SDK would (signed) and paid from 张三's wallet.</summary>
    public static async Task<string> PaidOrderAsync(ZhifuTestServer server, string outTradeNo, long totalFen)
    {
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        var created = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native", JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["appid"] = "wxd678efh567hg6787", ["mchid"] = merchant.MchId, ["description"] = "知付演示咖啡馆-拿铁", ["out_trade_no"] = outTradeNo,
            ["notify_url"] = "http://127.0.0.1:9/notify", ["amount"] = new Dictionary<string, object> { ["total"] = totalFen, ["currency"] = "CNY" },
        }));
        Assert.True((int)created.Response.StatusCode == 200, created.Body);
        var code = JsonDocument.Parse(created.Body).RootElement.GetProperty("code_url").GetString()!.Split("pr=")[1];
        using var wallet = await OpsKit.WalletAsync(server, OpsKit.ZhangSan);
        var paid = await wallet.PostAsJsonAsync($"/api/wallet/payments/{code}/pay", new { paymentPassword = OpsKit.PaymentPassword }, Ct);
        Assert.True(paid.IsSuccessStatusCode, await paid.Content.ReadAsStringAsync(Ct));
        return (await paid.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("transactionId").GetString()!;
    }

    /// <summary>A client signed in to the merchant console API as <paramref name="username"/> (with the captcha, as the page).</summary>
    public static async Task<HttpClient> StaffApiAsync(ZhifuTestServer server, string username)
    {
        var client = server.Client();
        var login = await MerchantStaffSignIn.LoginAsync(client, username, StaffPassword, Ct);
        Assert.True(login.IsSuccessStatusCode, await login.Content.ReadAsStringAsync(Ct));
        return client;
    }

    /// <summary>Signs in on the console's own page, as a person would, answering the captcha.</summary>
    public static async Task SignInAsync(IPage page, string username, string password = StaffPassword, string captcha = Captcha)
    {
        var response = await page.GotoAsync("/merchant/login");
        Assert.True(response?.Ok, $"GET /merchant/login answered {response?.Status}: {await page.ContentAsync()}");
        await page.FillAsync("#username", username);
        await page.FillAsync("#password", password);
        await page.FillAsync("#captcha", captcha);
        await page.ClickAsync("button[type=submit]");
    }

    /// <summary>Signs in on the console's own page and waits until the console's home is there.</summary>
    public static async Task SignedInAsync(IPage page, string username)
    {
        await SignInAsync(page, username);
        await Browser.LandedAsync(page, "/merchant", username);
    }

    /// <summary>Accepts every confirm() and remembers the last question.</summary>
    public static Func<string?> AcceptDialogs(IPage page)
    {
        string? last = null;
        page.Dialog += async (_, dialog) =>
        {
            last = dialog.Message;
            await dialog.AcceptAsync();
        };
        return () => last;
    }
}
