using System.Text.Json;
using Microsoft.Playwright;
using Zhifu.Tests.Infrastructure;
using Zhifu.Tests.MerchantApi;

namespace Zhifu.E2E;

/// <summary>What the wallet-console tests arrange through the real APIs, and the steps a person takes on the phone-sized pages.</summary>
internal static class WalletKit
{
    public const int Width = 375;
    public const int Height = 812;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A phone-sized page (375 × 812), signed in on the wallet's own sign-in page.</summary>
    public static async Task<IPage> SignedInAsync(Browser browser, ZhifuTestServer server, string phone = OpsKit.ZhangSan)
    {
        var page = await browser.PageAsync(server.BaseAddress, Width, Height);
        await page.GotoAsync("/wallet/login");
        await page.FillAsync("#phone", phone);
        await page.FillAsync("#password", OpsKit.UserPassword);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("#balance", new PageWaitForSelectorOptions { Timeout = Browser.SignInTimeoutMs });
        return page;
    }

    /// <summary>A native (扫码) order of the demo merchant; its <c>code_url</c>.</summary>
    public static async Task<string> NativeOrderAsync(ZhifuTestServer server, string outTradeNo, long totalFen, string description) =>
        await OrderAsync(server, "native", outTradeNo, totalFen, description, "code_url");

    /// <summary>An H5 order of the demo merchant; its <c>h5_url</c> (the wallet's H5 cashier).</summary>
    public static async Task<string> H5OrderAsync(ZhifuTestServer server, string outTradeNo, long totalFen, string description) =>
        await OrderAsync(server, "h5", outTradeNo, totalFen, description, "h5_url");

    private static async Task<string> OrderAsync(ZhifuTestServer server, string kind, string outTradeNo, long totalFen, string description,
        string answer)
    {
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        var order = new Dictionary<string, object?>
        {
            ["appid"] = "wxd678efh567hg6787", ["mchid"] = merchant.MchId, ["description"] = description, ["out_trade_no"] = outTradeNo,
            ["notify_url"] = "http://127.0.0.1:9/notify", ["amount"] = new Dictionary<string, object> { ["total"] = totalFen, ["currency"] = "CNY" },
        };
        if (kind == "h5")
        {
            order["scene_info"] = new Dictionary<string, object>
            {
                ["payer_client_ip"] = "203.0.113.7", ["h5_info"] = new Dictionary<string, string> { ["type"] = "Wap" },
            };
        }
        var (response, text) = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/" + kind, JsonSerializer.Serialize(order));
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty(answer).GetString()!;
    }

    /// <summary>Accepts every confirm() and remembers the last message.</summary>
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

    /// <summary>Fails when the page is wider than the phone (a horizontal scrollbar at 375 px), or than <paramref name="max"/>.</summary>
    public static async Task AssertFitsAsync(IPage page, int max = Width)
    {
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= max, $"{page.Url} is {width}px wide at {max}px");
    }

    /// <summary>An active amount rule of risk control, written by the <c>risk</c> operator through the Operator API.</summary>
    public static Task RiskRuleAsync(ZhifuTestServer server, string id, string kinds, long minFen, string action) =>
        RiskRuleAsync(server, id, "amount", kinds, new { minFen }, action, $"E2E {action} ≥ {minFen} 分");

    /// <summary>An active rule of any type (<c>new-device</c>, <c>velocity</c> …), written by the <c>risk</c> operator.</summary>
    public static async Task RiskRuleAsync(ZhifuTestServer server, string id, string type, string kinds, object parameters, string action,
        string description)
    {
        using var risk = await OpsKit.OperatorAsync(server, "risk");
        var rule = await System.Net.Http.Json.HttpClientJsonExtensions.PutAsJsonAsync(risk, $"/api/ops/risk/rules/{id}", new
        {
            type, kinds, parameters, action, score = 50, mode = "active", description,
        }, Ct);
        Assert.True(rule.IsSuccessStatusCode, await rule.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>The newest 6-digit code texted to <paramref name="phone"/>, from the development SMS inbox.</summary>
    public static async Task<string> LatestCodeAsync(ZhifuTestServer server, string phone)
    {
        using var client = server.Client();
        var texts = JsonDocument.Parse(await client.GetStringAsync($"/api/dev/sms/{phone}", Ct)).RootElement;
        foreach (var text in texts.EnumerateArray())
        {
            var match = System.Text.RegularExpressions.Regex.Match(text.GetProperty("body").GetString() ?? "", "[0-9]{6}");
            if (match.Success)
            {
                return match.Value;
            }
        }
        throw new InvalidOperationException($"no code texted to {phone}: {texts}");
    }
}
