using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Server.Accounts;
using Zhifu.Server.Hosting;
using Zhifu.Server.Ledger;
using Zhifu.Tests.Infrastructure;
using static Zhifu.Tests.MerchantApi.MerchantKit;

using Zhifu.Server.Payments;

namespace Zhifu.Tests.MerchantApi;

/// <summary>PAY-1, PAY-3, PAY-5: a native order created over the v3 API, paid from a wallet, queried, and notified.</summary>
public sealed class NativePaymentFlowTests
{
    [Fact]
    public async Task Native_order_paid_from_the_wallet_is_queryable_both_ways_notified_and_balanced()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        using var notify = new NotifyReceiver();
        notify.Answers.Enqueue(500); // PAY-5: the first callback fails, the retry is acknowledged
        notify.Answers.Enqueue(204);
        var created = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
            NativeOrder(merchant.MchId, "ORDER-flow-0001", 1_000, notify.Url));
        Assert.Equal(200, (int)created.Response.StatusCode);
        var code = CodeOf(created.Body);

        using var wallet = await WalletAsync(server.BaseAddress, DemoCards.ZhangSan.Phone);
        var shown = await wallet.GetFromJsonAsync<JsonElement>($"/api/wallet/payments/{code}", Ct);
        Assert.Equal("知付演示咖啡馆 Zhifu Demo Café", shown.GetProperty("merchant").GetString());
        Assert.Equal(1_000, shown.GetProperty("amountFen").GetInt64());
        Assert.True(shown.GetProperty("payable").GetBoolean());

        var before = await BalanceAsync(server, DemoCards.ZhangSan.Phone);
        var paid = await wallet.PostAsJsonAsync($"/api/wallet/payments/{code}/pay", new { paymentPassword = PaymentPassword }, Ct);
        Assert.Equal(200, (int)paid.StatusCode);
        Assert.Equal(before - 1_000, await BalanceAsync(server, DemoCards.ZhangSan.Phone));

        var byOutTradeNo = await merchant.SendAsync(HttpMethod.Get, $"/v3/pay/transactions/out-trade-no/ORDER-flow-0001?mchid={merchant.MchId}");
        var transaction = JsonDocument.Parse(byOutTradeNo.Body).RootElement;
        Assert.Equal("SUCCESS", transaction.GetProperty("trade_state").GetString());
        Assert.Equal(1_000, transaction.GetProperty("amount").GetProperty("payer_total").GetInt64());
        var transactionId = transaction.GetProperty("transaction_id").GetString()!;
        var byId = await merchant.SendAsync(HttpMethod.Get, $"/v3/pay/transactions/id/{transactionId}?mchid={merchant.MchId}");
        Assert.Equal(byOutTradeNo.Body, byId.Body);

        var first = await notify.NextAsync(TimeSpan.FromSeconds(10));
        var retry = await notify.NextAsync(TimeSpan.FromSeconds(30)); // the protocol's first retry waits 15 s
        Assert.Equal(first.Body, retry.Body);
        Assert.True(merchant.VerifyPlatform(ToHeaders(retry.Headers), retry.Body));
        var envelope = JsonDocument.Parse(retry.Body).RootElement;
        Assert.Equal("TRANSACTION.SUCCESS", envelope.GetProperty("event_type").GetString());
        Assert.Equal("encrypt-resource", envelope.GetProperty("resource_type").GetString());
        var resource = envelope.GetProperty("resource");
        Assert.Equal("AEAD_AES_256_GCM", resource.GetProperty("algorithm").GetString());
        Assert.Equal("transaction", resource.GetProperty("original_type").GetString());
        var plain = merchant.Decrypt(resource.GetProperty("ciphertext").GetString()!, resource.GetProperty("nonce").GetString()!,
            resource.GetProperty("associated_data").GetString()!);
        Assert.Equal(transactionId, JsonDocument.Parse(plain).RootElement.GetProperty("transaction_id").GetString());

        // 0.6 % of ¥10.00 = 6 fen to fee income, the rest pending settlement for the merchant; every invariant holds.
        var ledger = server.Services.GetRequiredService<ILedger>();
        var fees = ledger.GetAccount(server.Services.GetRequiredService<InstitutionChart>()[InstitutionChart.FeeIncome])!.Value;
        Assert.Equal(6, fees.CreditsPosted - fees.DebitsPosted);
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task Paying_twice_answers_the_first_payment_and_another_wallet_is_refused()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        var created = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
            NativeOrder(merchant.MchId, "ORDER-twice-01", 300, "http://127.0.0.1:9/notify"));
        var code = CodeOf(created.Body);
        using var zhang = await WalletAsync(server.BaseAddress, DemoCards.ZhangSan.Phone);
        using var li = await WalletAsync(server.BaseAddress, DemoCards.LiSi.Phone);
        var wrong = await zhang.PostAsJsonAsync($"/api/wallet/payments/{code}/pay", new { paymentPassword = "000000" }, Ct);
        Assert.Equal(401, (int)wrong.StatusCode);
        Assert.Equal(200, (int)(await zhang.PostAsJsonAsync($"/api/wallet/payments/{code}/pay", new { paymentPassword = PaymentPassword }, Ct)).StatusCode);
        var balance = await BalanceAsync(server, DemoCards.ZhangSan.Phone);
        Assert.Equal(200, (int)(await zhang.PostAsJsonAsync($"/api/wallet/payments/{code}/pay", new { paymentPassword = PaymentPassword }, Ct)).StatusCode);
        Assert.Equal(balance, await BalanceAsync(server, DemoCards.ZhangSan.Phone));
        var other = await li.PostAsJsonAsync($"/api/wallet/payments/{code}/pay", new { paymentPassword = PaymentPassword }, Ct);
        await Zhifu.Tests.Hosting.OperatorApiTests.AssertProblemAsync(other, 409, "PAYMENT_ALREADY_PAID");
        await Zhifu.Tests.Hosting.OperatorApiTests.AssertProblemAsync(
            await li.GetAsync("/api/wallet/payments/nosuchcode", Ct), 404, "PAYMENT_NOT_FOUND");
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task PAY5_an_endpoint_holding_its_callback_holds_up_no_other_callback_and_its_own_is_not_sent_twice_meanwhile()
    {
        // The POST timeout is raised past the slow endpoint's hold, so only concurrent delivery can bring the second callback
        // while the first is still unanswered.
        await using var server = await ZhifuTestServer.StartAsync(null, "--Payments:NotifyTimeoutSeconds=30");
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        using var slow = new NotifyReceiver();
        using var fast = new NotifyReceiver();
        var released = new TaskCompletionSource();
        slow.Hold = released.Task;
        using var wallet = await WalletAsync(server.BaseAddress, DemoCards.ZhangSan.Phone);
        async Task PayAsync(string outTradeNo, string notifyUrl)
        {
            var created = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
                NativeOrder(merchant.MchId, outTradeNo, 100, notifyUrl));
            var paid = await wallet.PostAsJsonAsync($"/api/wallet/payments/{CodeOf(created.Body)}/pay",
                new { paymentPassword = PaymentPassword }, Ct);
            Assert.Equal(200, (int)paid.StatusCode);
        }

        await PayAsync("ORDER-held-0001", slow.Url);
        await slow.NextAsync(TimeSpan.FromSeconds(10)); // received, and held unanswered
        await PayAsync("ORDER-held-0002", fast.Url);
        await fast.NextAsync(TimeSpan.FromSeconds(10));
        // The receiver has answered; the outbox records the delivery a moment after that answer reaches it.
        var second = await DeliveredAsync(server, "ORDER-held-0002");
        var first = await NotificationAsync(server, "ORDER-held-0001");
        Assert.Equal((0, "pending"), (first.Attempts, first.Status)); // still under way: the second did not wait for it
        Assert.Equal((1, "delivered"), (second.Attempts, second.Status));

        released.SetResult();
        first = await DeliveredAsync(server, "ORDER-held-0001");
        Assert.Equal((1, "delivered"), (first.Attempts, first.Status));
        Assert.Equal(1, slow.Count); // rounds went on meanwhile, and none sent the held one again
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task PAY5_a_production_server_sends_no_callback_to_a_non_public_address_and_the_outbox_says_why()
    {
        await using var server = await ZhifuTestServer.StartAsync(null, "--Payments:NotifyPrivateNetworks=false");
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        using var notify = new NotifyReceiver(); // on 127.0.0.1: the platform's own machine
        var created = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
            NativeOrder(merchant.MchId, "ORDER-ssrf-0001", 1_000, notify.Url));
        Assert.Equal(200, (int)created.Response.StatusCode);
        using var wallet = await WalletAsync(server.BaseAddress, DemoCards.ZhangSan.Phone);
        Assert.Equal(200, (int)(await wallet.PostAsJsonAsync($"/api/wallet/payments/{CodeOf(created.Body)}/pay",
            new { paymentPassword = PaymentPassword }, Ct)).StatusCode);

        var notification = await NotificationAsync(server, "ORDER-ssrf-0001");
        for (var i = 0; i < 100 && notification.Attempts == 0; i++)
        {
            await Task.Delay(100, Ct);
            notification = await NotificationAsync(server, "ORDER-ssrf-0001");
        }
        Assert.Equal(1, notification.Attempts);
        Assert.NotEqual("delivered", notification.Status); // it stays due: retried on the schedule, refused each time
        Assert.Contains("not a public address", notification.LastError, StringComparison.Ordinal);
        Assert.Equal(0, notify.Count);

        Assert.All(new[] { "127.0.0.1", "10.1.2.3", "172.20.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1",
            "::ffff:10.1.2.3", "fd00::1", "fe80::1", "224.0.0.1" }, a => Assert.True(NotifyAddresses.IsNonPublic(System.Net.IPAddress.Parse(a)), a));
        Assert.All(new[] { "8.8.8.8", "101.226.103.1", "172.32.0.1", "2400:3200::1" },
            a => Assert.False(NotifyAddresses.IsNonPublic(System.Net.IPAddress.Parse(a)), a));
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task PAY5_callbacks_of_payments_made_at_once_are_each_sent_once_and_recorded_delivered()
    {
        // A success hands its new callback straight to the worker; one the merchant's share has no slot for (one at a time
        // here: a share of 1 and 2 slots, the last share kept free) goes back to the outbox's reads. Either way each is sent
        // once: a read never starts one handed off.
        await using var server = await ZhifuTestServer.StartAsync(null, "--Payments:NotifyPerMerchant=1", "--Payments:NotifyConcurrency=2");
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        using var notify = new NotifyReceiver();
        using var zhangSan = await WalletAsync(server.BaseAddress, DemoCards.ZhangSan.Phone);
        using var liSi = await WalletAsync(server.BaseAddress, DemoCards.LiSi.Phone);
        using var wangWu = await WalletAsync(server.BaseAddress, DemoCards.WangWu.Phone);
        HttpClient[] wallets = [zhangSan, liSi, wangWu];
        var orders = new List<(HttpClient Wallet, string OutTradeNo, string Code)>();
        for (var i = 0; i < 9; i++)
        {
            var outTradeNo = $"ORDER-once-{i:D4}";
            var created = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
                NativeOrder(merchant.MchId, outTradeNo, 100 + i, notify.Url));
            orders.Add((wallets[i % 3], outTradeNo, CodeOf(created.Body)));
        }
        var paid = await Task.WhenAll(orders.Select(o =>
            o.Wallet.PostAsJsonAsync($"/api/wallet/payments/{o.Code}/pay", new { paymentPassword = PaymentPassword }, Ct)));
        Assert.All(paid, p => Assert.Equal(200, (int)p.StatusCode));
        foreach (var (_, outTradeNo, _) in orders)
        {
            var row = await DeliveredAsync(server, outTradeNo);
            Assert.Equal((1, "delivered"), (row.Attempts, row.Status));
        }
        await Task.Delay(1_500, Ct); // past the worker's interval: a second sending of any would have come by now
        var received = new List<string>();
        for (var i = 0; i < notify.Count; i++)
        {
            var body = JsonDocument.Parse((await notify.NextAsync(TimeSpan.FromSeconds(1))).Body).RootElement.GetProperty("resource");
            received.Add(JsonDocument.Parse(merchant.Decrypt(body.GetProperty("ciphertext").GetString()!, body.GetProperty("nonce").GetString()!,
                body.GetProperty("associated_data").GetString()!)).RootElement.GetProperty("out_trade_no").GetString()!);
        }
        Assert.Equal(orders.Select(o => o.OutTradeNo).Order(), received.Order());
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task ACC7_a_right_payment_password_starts_the_count_again_whether_the_payment_goes_ahead_or_is_refused_after_it()
    {
        // The count of a right password starts again at once — not with the payment's PAYING commit, which may come seconds
        // later (the payer's risk turn): meanwhile the held count would make the payer's other payments wait and then lock — and
        // whether the payment goes ahead or is refused after the password (here: the balance).
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        using var notify = new NotifyReceiver();
        using var wallet = await WalletAsync(server.BaseAddress, DemoCards.WangWu.Phone);
        var balance = await BalanceAsync(server, DemoCards.WangWu.Phone);
        (long Amount, int Status, string? Code)[] payments = [(balance + 1, 409, "INSUFFICIENT_BALANCE"), (500, 200, null), (balance + 1, 409,
            "INSUFFICIENT_BALANCE"), (600, 200, null)];
        for (var i = 0; i < payments.Length; i++)
        {
            var created = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
                NativeOrder(merchant.MchId, $"ORDER-recount-{i:D4}", payments[i].Amount, notify.Url));
            var code = CodeOf(created.Body);
            for (var wrong = 0; wrong < 4; wrong++) // one short of the lock, every round: a count left standing would lock the next
            {
                var refused = await wallet.PostAsJsonAsync($"/api/wallet/payments/{code}/pay", new { paymentPassword = "000000" }, Ct);
                Assert.Equal("BAD_PAYMENT_PASSWORD", (await refused.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
            }
            Assert.Equal(4, await FailedPaymentPasswordsAsync(server, DemoCards.WangWu.Phone));
            var answer = await wallet.PostAsJsonAsync($"/api/wallet/payments/{code}/pay", new { paymentPassword = PaymentPassword }, Ct);
            Assert.Equal(payments[i].Status, (int)answer.StatusCode);
            if (payments[i].Code is { } refusal)
            {
                Assert.Equal(refusal, (await answer.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
            }
            Assert.Equal(0, await FailedPaymentPasswordsAsync(server, DemoCards.WangWu.Phone));
        }
        Assert.Equal(balance - 1_100, await BalanceAsync(server, DemoCards.WangWu.Phone));
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    private static async Task<int> FailedPaymentPasswordsAsync(ZhifuTestServer server, string phone)
    {
        var user = (await server.Services.GetRequiredService<WalletAccounts>().FindByPhoneAsync(phone, Ct))!;
        await using var db = server.Database.Options.CreateContext();
        return await db.Set<Zhifu.Data.Entities.UserRow>().AsNoTracking().Where(u => u.Id == user.Id).Select(u => u.FailedPaymentPasswords)
            .SingleAsync(Ct);
    }

    /// <summary>The order's callback once the outbox records it delivered (or as it stands after 10 s).</summary>
    private static async Task<Zhifu.Data.Entities.PaymentNotificationRow> DeliveredAsync(ZhifuTestServer server, string outTradeNo)
    {
        var notification = await NotificationAsync(server, outTradeNo);
        for (var i = 0; i < 100 && notification.Status != "delivered"; i++)
        {
            await Task.Delay(100, Ct);
            notification = await NotificationAsync(server, outTradeNo);
        }
        return notification;
    }

    private static async Task<Zhifu.Data.Entities.PaymentNotificationRow> NotificationAsync(ZhifuTestServer server, string outTradeNo)
    {
        await using var db = server.Database.Options.CreateContext();
        var order = await db.Set<Zhifu.Data.Entities.PaymentOrderRow>().AsNoTracking().SingleAsync(o => o.OutTradeNo == outTradeNo, Ct);
        return await db.Set<Zhifu.Data.Entities.PaymentNotificationRow>().AsNoTracking().SingleAsync(n => n.RecordId == order.Id, Ct);
    }

    internal static async Task<long> BalanceAsync(ZhifuTestServer server, string phone)
    {
        var user = (await server.Services.GetRequiredService<WalletAccounts>().FindByPhoneAsync(phone, Ct))!;
        return server.Services.GetRequiredService<ILedger>().GetAccount(user.WalletAccountId)!.Value.AvailableCreditBalance;
    }

    internal static System.Net.Http.Headers.HttpHeaders ToHeaders(System.Net.WebHeaderCollection headers)
    {
        using var message = new HttpRequestMessage();
        foreach (var name in headers.AllKeys)
        {
            message.Headers.TryAddWithoutValidation(name!, headers[name]);
        }
        return message.Headers;
    }
}
