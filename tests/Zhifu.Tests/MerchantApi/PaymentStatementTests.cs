using System.Net.Http.Json;
using System.Text.Json;
using Zhifu.Core.Banking;
using Zhifu.Tests.Infrastructure;
using static Zhifu.Tests.MerchantApi.MerchantKit;

namespace Zhifu.Tests.MerchantApi;

/// <summary>PAY-1 with issue 4's statements: a merchant payment is one line of the payer's statement, explained by its transfers.</summary>
public sealed class PaymentStatementTests
{
    [Fact]
    public async Task PAY1_a_paid_order_is_one_payment_line_of_the_payer_whose_transfers_add_up_to_it_and_only_the_payer_sees_it()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        var created = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
            NativeOrder(merchant.MchId, "ORDER-stmt-0001", 1_250, "http://127.0.0.1:9/notify"));
        var code = CodeOf(created.Body);
        using var zhang = await WalletAsync(server.BaseAddress, DemoCards.ZhangSan.Phone);
        var paid = await zhang.PostAsJsonAsync($"/api/wallet/payments/{code}/pay", new { paymentPassword = PaymentPassword }, Ct);
        Assert.Equal(200, (int)paid.StatusCode);

        var statement = await zhang.GetFromJsonAsync<JsonElement>("/api/wallet/me/statement?kind=payment", Ct);
        var line = Assert.Single(statement.GetProperty("entries").EnumerateArray());
        Assert.Equal("payment", line.GetProperty("kind").GetString());
        Assert.Equal(-1_250, line.GetProperty("amountFen").GetInt64());
        Assert.Equal("succeeded", line.GetProperty("status").GetString());
        Assert.StartsWith("付款-", line.GetProperty("title").GetString());

        // The line's detail lists the payer's ledger legs of this order; on the payer's wallet they add up to the line.
        var recordId = line.GetProperty("recordId").GetString();
        var detail = await zhang.GetFromJsonAsync<JsonElement>($"/api/wallet/me/statement/{recordId}", Ct);
        Assert.Equal(-1_250, detail.GetProperty("postedFen").GetInt64());
        Assert.NotEmpty(detail.GetProperty("transfers").EnumerateArray());

        using var li = await WalletAsync(server.BaseAddress, DemoCards.LiSi.Phone);
        var others = await li.GetFromJsonAsync<JsonElement>("/api/wallet/me/statement?kind=payment", Ct);
        Assert.Empty(others.GetProperty("entries").EnumerateArray());
        Assert.Equal(404, (int)(await li.GetAsync($"/api/wallet/me/statement/{recordId}", Ct)).StatusCode);
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task PAY3_PAY4_a_refund_is_a_line_of_the_payers_statement_pending_while_under_review_and_only_the_payer_sees_it()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        await RefundFlowTests.PaidOrderAsync(server, merchant, "ORDER-stmt-0002", 1_250, "http://127.0.0.1:9/notify");
        using var zhang = await WalletAsync(server.BaseAddress, DemoCards.ZhangSan.Phone);
        Assert.Equal(200, (int)(await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds",
            RefundFlowTests.Refund(outTradeNo: "ORDER-stmt-0002", outRefundNo: "R-stmt-a", refundFen: 500, totalFen: 1_250))).Response.StatusCode);

        var statement = await zhang.GetFromJsonAsync<JsonElement>("/api/wallet/me/statement?kind=refund", Ct);
        var line = Assert.Single(statement.GetProperty("entries").EnumerateArray());
        Assert.Equal(("refund", 500L, "succeeded"), (line.GetProperty("kind").GetString(), line.GetProperty("amountFen").GetInt64(),
            line.GetProperty("status").GetString()));
        Assert.StartsWith("退款-", line.GetProperty("title").GetString());
        var recordId = line.GetProperty("recordId").GetString();
        var detail = await zhang.GetFromJsonAsync<JsonElement>($"/api/wallet/me/statement/{recordId}", Ct);
        Assert.Equal(500, detail.GetProperty("postedFen").GetInt64()); // its ledger legs on the payer's wallet add up to it

        // under the merchant's review (PAY-4) the money is held for the payer: a pending line explains it
        using (var admin = await RefundReviewTests.StaffAsync(server, "cafe-admin"))
        {
            Assert.Equal(200, (int)(await admin.PutAsJsonAsync("/api/merchant/settings/refund-review", new { required = true }, Ct)).StatusCode);
        }
        await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds",
            RefundFlowTests.Refund(outTradeNo: "ORDER-stmt-0002", outRefundNo: "R-stmt-b", refundFen: 300, totalFen: 1_250));
        var lines = (await zhang.GetFromJsonAsync<JsonElement>("/api/wallet/me/statement?kind=refund", Ct)).GetProperty("entries");
        Assert.Equal(2, lines.GetArrayLength());
        Assert.Equal((300L, "pending"), (lines[0].GetProperty("amountFen").GetInt64(), lines[0].GetProperty("status").GetString()));

        using var li = await WalletAsync(server.BaseAddress, DemoCards.LiSi.Phone);
        Assert.Empty((await li.GetFromJsonAsync<JsonElement>("/api/wallet/me/statement?kind=refund", Ct)).GetProperty("entries").EnumerateArray());
        Assert.Equal(404, (int)(await li.GetAsync($"/api/wallet/me/statement/{recordId}", Ct)).StatusCode);
        Assert.True((await server.VerifyAsync()).AllHold);
    }
}
