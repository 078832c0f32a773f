using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.E2E;

/// <summary>What the operator-console tests arrange through the real APIs before the browser looks.</summary>
internal static class OpsKit
{
    public const string OperatorPassword = "Zhifu@2026";
    public const string UserPassword = "Demo@2026";
    public const string PaymentPassword = "147258";
    public const string ZhangSan = "13800138001";
    public const string LiSi = "13912345678";
    public const string WangWu = "18620003000"; // born 1958

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<HttpClient> OperatorAsync(ZhifuTestServer server, string role)
    {
        var client = server.Client();
        var login = await client.PostAsJsonAsync("/api/ops/auth/login", new { username = role == "operations" ? "ops" : role, password = OperatorPassword }, Ct);
        Assert.True(login.IsSuccessStatusCode, await login.Content.ReadAsStringAsync(Ct));
        return client;
    }

    public static async Task<HttpClient> WalletAsync(ZhifuTestServer server, string phone)
    {
        var client = server.Client();
        var login = await client.PostAsJsonAsync("/api/wallet/sessions", new { phone, password = UserPassword }, Ct);
        var body = await login.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(login.IsSuccessStatusCode, body.ToString());
        client.DefaultRequestHeaders.Authorization = new("Bearer", body.GetProperty("token").GetString());
        return client;
    }

    public static async Task<long> BalanceAsync(HttpClient wallet) =>
        (await wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me", Ct)).GetProperty("balanceFen").GetInt64();

    /// <summary>A real-time transfer between two demo wallets through the wallet API.</summary>
    public static async Task TransferAsync(ZhifuTestServer server, string payerPhone, string payeePhone, long amountFen)
    {
        using var payer = await WalletAsync(server, payerPhone);
        var sent = await payer.PostAsJsonAsync("/api/wallet/me/transfers", new
        {
            requestId = "e2e-" + Guid.NewGuid().ToString("N"), payeePhone, amountFen, paymentPassword = PaymentPassword,
        }, Ct);
        Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>A risk rule that holds transfers of ¥100 and more for review, and a ¥150 transfer it holds.</summary>
    public static async Task<Guid> HeldTransferAsync(ZhifuTestServer server)
    {
        using var risk = await OperatorAsync(server, "risk");
        var rule = await risk.PutAsJsonAsync("/api/ops/risk/rules/E2E-REVIEW", new
        {
            type = "amount", kinds = "transfer", parameters = new { minFen = 10_000 }, action = "review", score = 50, mode = "active",
            description = "¥100 及以上转账人工审核",
        }, Ct);
        Assert.True(rule.IsSuccessStatusCode, await rule.Content.ReadAsStringAsync(Ct));
        using var zhang = await WalletAsync(server, ZhangSan);
        var sent = await zhang.PostAsJsonAsync("/api/wallet/me/transfers", new
        {
            requestId = "e2e-" + Guid.NewGuid().ToString("N"), payeePhone = LiSi, amountFen = 15_000, paymentPassword = PaymentPassword,
        }, Ct);
        var receipt = await sent.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(sent.StatusCode == HttpStatusCode.Accepted, receipt.ToString());
        Assert.Equal("review", receipt.GetProperty("status").GetString());
        return receipt.GetProperty("id").GetGuid();
    }

    /// <summary>A fresh browser page signed in on the console's own page, on the dashboard.</summary>
    public static async Task<IPage> OpsPageAsync(Browser browser, ZhifuTestServer server, string username)
    {
        var page = await browser.PageAsync(server.BaseAddress);
        await SignedInAsync(page, username);
        return page;
    }

    /// <summary>Signs in on the console's own page and waits until the dashboard is there.</summary>
    public static async Task SignedInAsync(IPage page, string username)
    {
        await SignInAsync(page, username);
        await Browser.LandedAsync(page, "/ops", username);
    }

    /// <summary>Signs in on the console's own page, as a person would.</summary>
    public static async Task SignInAsync(IPage page, string username, string password = OperatorPassword)
    {
        var response = await page.GotoAsync("/ops/login");
        Assert.True(response?.Ok, $"GET /ops/login answered {response?.Status}: {await page.ContentAsync()}");
        await page.FillAsync("#username", username);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
    }
}
