using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Zhifu.Data;
using Zhifu.Data.Entities;

namespace Zhifu.Tests.MerchantApi;

/// <summary>What merchant API tests share: order bodies, a signed-in wallet, and counting what was written.</summary>
internal static class MerchantKit
{
    public const string DemoPassword = "Demo@2026";
    public const string PaymentPassword = "147258";

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static string NativeOrder(string mchId, string outTradeNo, long totalFen, string notifyUrl, string? timeExpire = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["appid"] = "wxd678efh567hg6787",
            ["mchid"] = mchId,
            ["description"] = "知付演示咖啡馆-拿铁",
            ["out_trade_no"] = outTradeNo,
            ["time_expire"] = timeExpire,
            ["attach"] = "table-7",
            ["notify_url"] = notifyUrl,
            ["amount"] = new Dictionary<string, object> { ["total"] = totalFen, ["currency"] = "CNY" },
        });

    public static string CodeOf(string createBody) =>
        JsonDocument.Parse(createBody).RootElement.GetProperty("code_url").GetString()!.Split("pr=")[1];

    public static async Task<HttpClient> WalletAsync(Uri baseAddress, string phone)
    {
        var client = new HttpClient { BaseAddress = baseAddress };
        var login = await client.PostAsJsonAsync("/api/wallet/sessions", new { phone, password = DemoPassword }, Ct);
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static async Task<int> OrderCountAsync(DatabaseOptions database)
    {
        await using var db = database.CreateContext();
        return await db.Set<PaymentOrderRow>().CountAsync(Ct);
    }

    public static void AssertV3Error((HttpResponseMessage Response, string Body) answer, int status, string code)
    {
        Assert.True((int)answer.Response.StatusCode == status, $"expected {status} {code}, got {(int)answer.Response.StatusCode}: {answer.Body}");
        var body = JsonDocument.Parse(answer.Body).RootElement;
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("message").GetString()));
    }
}
