using System.Net.Http.Json;
using System.Text.Json;
using Zhifu.Tests.Infrastructure;
using Zhifu.Tests.MerchantApi;

namespace Zhifu.E2E;

/// <summary>
/// What the consoles' passwordless tests arrange through the real APIs: the demo café made eligible by operations (PWL-3), a
/// contract pre-signed by the café (signed with its key, as its SDK would) and signed by the user through the Wallet API with
/// the payment password and the texted code (PWL-1), charges under it, and a user's complaint (PWL-5).
/// </summary>
internal static class PasswordlessKit
{
    public const string AppId = "wxd678efh567hg6787";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task EligibleAsync(ZhifuTestServer server)
    {
        using var operations = await OpsKit.OperatorAsync(server, "operations");
        var terms = await operations.PutAsJsonAsync("/api/ops/merchants/1230000109/terms", new { passwordlessEligible = true }, Ct);
        Assert.True(terms.IsSuccessStatusCode, await terms.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>The café pre-signs <paramref name="outContractCode"/>, the user signs it; the contract_id.</summary>
    public static async Task<string> SignedContractAsync(ZhifuTestServer server, string phone, string outContractCode, string display)
    {
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        var (preSigned, preSignBody) = await merchant.SendAsync(HttpMethod.Post, "/v3/papay/sign/contracts/pre-entrust-sign",
            JsonSerializer.Serialize(new
            {
                sign_scene = "SIGN_SCENE_QRCODE", appid = AppId, plan_id = 12535, out_contract_code = outContractCode,
                contract_display_account = display, contract_notify_url = "http://127.0.0.1:9/notify",
                out_user_code = "member-" + outContractCode,
                device_info = new { device_id = "kiosk-1" },
            }));
        Assert.True(preSigned.IsSuccessStatusCode, preSignBody);
        var preSignId = JsonDocument.Parse(preSignBody).RootElement.GetProperty("pre_entrustweb_id").GetString();
        using var wallet = await OpsKit.WalletAsync(server, phone);
        (await wallet.PostAsJsonAsync("/api/wallet/me/otp", new { purpose = "passwordless-sign" }, Ct)).EnsureSuccessStatusCode();
        var signed = await wallet.PostAsJsonAsync("/api/wallet/passwordless/sign", new
        {
            preSignId, acceptTerms = true, paymentPassword = OpsKit.PaymentPassword,
            smsCode = await WalletKit.LatestCodeAsync(server, phone),
        }, Ct);
        var body = await signed.Content.ReadAsStringAsync(Ct);
        Assert.True(signed.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("contractId").GetString()!;
    }

    /// <summary>受理扣款 under the contract, then the order's trade_state as the café queries it.</summary>
    public static async Task<string> ChargeAsync(ZhifuTestServer server, string contractId, string outTradeNo, long fen)
    {
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        var (accepted, body) = await merchant.SendAsync(HttpMethod.Post, "/v3/papay/pay/transactions/apply", JsonSerializer.Serialize(new
        {
            appid = AppId, out_trade_no = outTradeNo, description = "停车费", transaction_notify_url = "http://127.0.0.1:9/notify",
            contract_id = contractId, amount = new { total = fen, currency = "CNY" },
        }));
        Assert.True(accepted.IsSuccessStatusCode, body);
        var query = await merchant.SendAsync(HttpMethod.Get, $"/v3/pay/transactions/out-trade-no/{outTradeNo}?mchid={merchant.MchId}");
        return JsonDocument.Parse(query.Body).RootElement.GetProperty("trade_state").GetString()!;
    }

    /// <summary>The user complains about their latest passwordless payment (PWL-5); its transaction_id.</summary>
    public static async Task<string> DisputeLatestAsync(ZhifuTestServer server, string phone, string reason)
    {
        using var wallet = await OpsKit.WalletAsync(server, phone);
        var payments = (await wallet.GetFromJsonAsync<JsonElement>("/api/wallet/passwordless", Ct)).GetProperty("payments");
        var transactionId = payments[0].GetProperty("transactionId").GetString()!;
        var opened = await wallet.PostAsJsonAsync($"/api/wallet/passwordless/payments/{transactionId}/dispute", new { reason }, Ct);
        Assert.True(opened.IsSuccessStatusCode, await opened.Content.ReadAsStringAsync(Ct));
        return transactionId;
    }
}
