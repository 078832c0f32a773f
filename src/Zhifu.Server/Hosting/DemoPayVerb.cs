using System.Net.Http.Json;
using System.Text.Json;
using Zhifu.Core.Banking;

namespace Zhifu.Server.Hosting;

/// <summary>
/// <c>demo-pay &lt;code_url | prepay_id | h5_url&gt; [--server URL] [--phone PHONE]</c>: pays an order as a demo user (张三 unless
/// told otherwise), for scripts. It goes through the running server's Wallet API like the wallet app — sign in, look at the
/// order, pay with the payment password — never around it: the ledger has one writer, the server.
/// </summary>
public static class DemoPayVerb
{
    public static async Task<int> RunAsync(string[] args)
    {
        var positional = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal)
            && (i == 0 || !args[i - 1].StartsWith("--", StringComparison.Ordinal)))
            .ToList();
        if (positional.Count != 1)
        {
            await Console.Error.WriteLineAsync(
                "usage: demo-pay <code_url | prepay_id | h5_url> [--server http://127.0.0.1:5080] [--phone 13800138001]");
            return 2;
        }
        var code = CodeOf(positional[0]);
        var server = Option(args, "--server") ?? ServerSettings.DefaultUrl;
        var phone = Option(args, "--phone") ?? DemoCards.ZhangSan.Phone;
        using var http = new HttpClient { BaseAddress = new Uri(server.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };
        var session = await http.PostAsJsonAsync("api/wallet/sessions", new { phone, password = DemoWorld.UserPassword });
        if (!session.IsSuccessStatusCode)
        {
            await Console.Error.WriteLineAsync(
                $"sign-in as {phone} failed: {(int)session.StatusCode} {await session.Content.ReadAsStringAsync()}");
            return 1;
        }
        var token = (await session.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var order = await http.GetAsync($"api/wallet/payments/{Uri.EscapeDataString(code)}");
        if (!order.IsSuccessStatusCode)
        {
            await Console.Error.WriteLineAsync($"no payable order {code}: {await order.Content.ReadAsStringAsync()}");
            return 1;
        }
        var shown = await order.Content.ReadFromJsonAsync<JsonElement>();
        Console.WriteLine($"{shown.GetProperty("merchant").GetString()} — {shown.GetProperty("description").GetString()} — "
            + $"{shown.GetProperty("amount").GetString()}");
        var paid = await http.PostAsJsonAsync($"api/wallet/payments/{Uri.EscapeDataString(code)}/pay",
            new { paymentPassword = DemoWorld.UserPaymentPassword });
        var answer = await paid.Content.ReadAsStringAsync();
        Console.WriteLine(answer);
        return paid.IsSuccessStatusCode ? 0 : 1;
    }

    /// <summary>The wallet's key of the order: the pr= of a code_url, the prepay_id= of an h5_url, or the prepay_id itself.</summary>
    public static string CodeOf(string text) => Payments.WalletPayments.CodeOf(text);

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
