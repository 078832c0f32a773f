using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Core.Ledger;
using Zhifu.Data.Entities;
using Zhifu.Server.Payments;
using Zhifu.Tests.Infrastructure;
using static Zhifu.Tests.MerchantApi.MerchantKit;

namespace Zhifu.Tests.MerchantApi;

/// <summary>
/// PAY-3 with several replicas: each runs a payment worker that re-submits orders stuck in PAYING, so an attempt's outcome can
/// arrive after the order was settled — or reset and paid again by a new attempt. Only the attempt the order is PAYING on may
/// settle it; a stale one changes nothing.
/// </summary>
public sealed class PaymentAttemptTests
{
    [Fact]
    public async Task PAY3_an_order_whose_expiry_passes_while_its_payment_is_checked_is_not_paid()
    {
        // The checks before the NOTPAY → PAYING statement (password hash, risk) take time; the expiry may pass meanwhile and a
        // query then answers the order failed (PAYERROR / NOTPAY past time_expire) — a final state the merchant acts on.
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        var code = CodeOf((await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
            NativeOrder(merchant.MchId, "ORDER-expiring-01", 500, "http://127.0.0.1:9/notify"))).Body);
        var payments = server.Services.GetRequiredService<WalletPayments>();
        var (seen, _) = await payments.FindAsync(code, Ct); // as the payer's request read it: open for payment
        var payer = (await server.Services.GetRequiredService<Zhifu.Server.Accounts.WalletAccounts>().FindByPhoneAsync(DemoCards.ZhangSan.Phone, Ct))!;
        var before = await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone);
        await using (var db = server.Database.Options.CreateContext())
        {
            var past = DateTimeOffset.UtcNow.AddSeconds(-1); // …and expired by the time its statement runs
            await db.Set<PaymentOrderRow>().Where(o => o.Id == seen!.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.ExpiresAt, past), Ct);
        }

        var (paid, error) = await payments.PayAsync(payer.Id, seen!, PaymentPassword, null, Zhifu.Server.Risk.RiskOrigin.Unknown, Ct);

        Assert.Null(paid);
        Assert.Equal("PAYMENT_EXPIRED", error?.Code);
        await using (var db = server.Database.Options.CreateContext())
        {
            Assert.Equal(PaymentOrders.NotPay, (await db.Set<PaymentOrderRow>().AsNoTracking().SingleAsync(o => o.Id == seen!.Id, Ct)).State);
        }
        Assert.Equal(before, await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone));
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task PAY3_a_payment_whose_statement_commits_after_the_expiry_is_undone_not_paid()
    {
        // The NOTPAY → PAYING statement compares the expiry with the time read before it ran; waiting for the write lock, it may
        // commit after the expiry — when a query has already answered the order failed (PAYERROR / NOTPAY past time_expire).
        // A face payment (no password to check): the statement is the first write of its request, so a lock held now meets it.
        // (the payment worker must not take the PAYING attempt up as stuck when the clock jumps past the expiry)
        await using var server = await Transfers.TransferKit.StartAsync("--Payments:PayingRecoverySeconds=86400");
        var (terminal, _) = await Face.FacePaymentTests.CertifiedTerminalAsync(server);
        await Face.FacePaymentTests.EnrolAsync(server, DemoCards.ZhangSan, Face.FaceVectors.Unit(new Random(37)), "135790");
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory).WithClock(() => server.Clock.UtcNow);
        var payments = server.Services.GetRequiredService<WalletPayments>();
        var payer = (await server.Services.GetRequiredService<Zhifu.Server.Accounts.WalletAccounts>().FindByPhoneAsync(DemoCards.ZhangSan.Phone, Ct))!;
        async Task<PaymentOrderRow> OrderAsync(string outTradeNo) => (await payments.FindAsync(CodeOf((await merchant.SendAsync(
            HttpMethod.Post, "/v3/pay/transactions/native", NativeOrder(merchant.MchId, outTradeNo, 500, "http://127.0.0.1:9/notify"))).Body), Ct)).Order!;
        var (warm, _) = await payments.PayByFaceAsync(payer.Id, await OrderAsync("ORDER-late-warm"), terminal, Ct); // limits ready
        Assert.Equal(PaymentOrders.Success, warm!.State);
        var order = await OrderAsync("ORDER-late-01");
        var balance = server.Services.GetRequiredService<ILedger>().GetAccount(payer.WalletAccountId)!.Value.AvailableCreditBalance;

        Task<(PaymentOrderRow?, Zhifu.Server.Accounts.WalletError?)> paying;
        await using (var blocker = server.Database.Options.CreateContext())
        {
            await using var tx = await blocker.Database.BeginTransactionAsync(Ct);
            await blocker.Set<PaymentOrderRow>().Where(o => o.Id == order.Id) // the order's write lock (SQLite: the database's)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.Version, o => o.Version), Ct);
            paying = Task.Run(() => payments.PayByFaceAsync(payer.Id, order, terminal, Ct), Ct);
            await Task.Delay(1_500, Ct); // the payment read its time and waits at its statement
            server.Clock.Advance(order.ExpiresAt - server.Clock.UtcNow + TimeSpan.FromSeconds(1)); // the expiry passes meanwhile
            await tx.RollbackAsync(Ct);
        }
        var (paid, error) = await paying;

        Assert.Null(paid);
        Assert.Equal("PAYMENT_EXPIRED", error?.Code);
        await using (var db = server.Database.Options.CreateContext())
        {
            Assert.Equal(PaymentOrders.NotPay, (await db.Set<PaymentOrderRow>().AsNoTracking().SingleAsync(o => o.Id == order.Id, Ct)).State);
        }
        Assert.Equal(balance, server.Services.GetRequiredService<ILedger>().GetAccount(payer.WalletAccountId)!.Value.AvailableCreditBalance);
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task PAY1_a_payer_whose_other_request_paid_the_order_meanwhile_is_shown_the_payment_not_told_it_is_in_progress()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        var code = CodeOf((await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
            NativeOrder(merchant.MchId, "ORDER-two-tabs", 500, "http://127.0.0.1:9/notify"))).Body);
        var payments = server.Services.GetRequiredService<WalletPayments>();
        var (seen, _) = await payments.FindAsync(code, Ct); // one tab read it open for payment…
        using var wallet = await WalletAsync(server.BaseAddress, DemoCards.ZhangSan.Phone);
        (await wallet.PostAsJsonAsync($"/api/wallet/payments/{code}/pay", new { paymentPassword = PaymentPassword }, Ct))
            .EnsureSuccessStatusCode(); // …the other tab paid it
        var before = await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone);
        var payer = (await server.Services.GetRequiredService<Zhifu.Server.Accounts.WalletAccounts>().FindByPhoneAsync(DemoCards.ZhangSan.Phone, Ct))!;

        var (paid, error) = await payments.PayAsync(payer.Id, seen!, PaymentPassword, null, Zhifu.Server.Risk.RiskOrigin.Unknown, Ct);

        Assert.Null(error);
        Assert.Equal((PaymentOrders.Success, payer.Id), (paid!.State, paid.PayerUserId));
        Assert.Equal(before, await NativePaymentFlowTests.BalanceAsync(server, DemoCards.ZhangSan.Phone)); // paid once
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task PAY3_a_stale_attempts_refusal_leaves_an_order_paid_by_a_later_attempt_as_it_is()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory);
        var code = CodeOf((await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
            NativeOrder(merchant.MchId, "ORDER-stale-01", 500, "http://127.0.0.1:9/notify"))).Body);
        using var wallet = await WalletAsync(server.BaseAddress, DemoCards.ZhangSan.Phone);
        (await wallet.PostAsJsonAsync($"/api/wallet/payments/{code}/pay", new { paymentPassword = PaymentPassword }, Ct)).EnsureSuccessStatusCode();
        var paid = await OrderAsync(server);
        Assert.Equal(PaymentOrders.Success, paid.State);

        // An earlier attempt of the same order, its chain under ids of its own and for more than the payer holds, so the ledger
        // refuses it — the outcome a replica's worker gets when it re-submits an attempt that was reset and paid anew meanwhile.
        var stale = JsonSerializer.Deserialize<Transfer[]>(paid.PaymentChainJson!)!
            .Select(t => t with { Id = Guid.CreateVersion7(), AmountFen = 1_000_000_000_00 }).ToArray();
        var (settled, error) = await server.Services.GetRequiredService<WalletPayments>().CommitAsync(paid, Guid.CreateVersion7(), null, stale);

        Assert.Null(settled);
        Assert.NotNull(error);
        var after = await OrderAsync(server);
        Assert.Equal(
            (PaymentOrders.Success, paid.PayerUserId, paid.PaymentTransferId, paid.PaymentChainJson, paid.Version),
            (after.State, after.PayerUserId, after.PaymentTransferId, after.PaymentChainJson, after.Version));
        var query = await merchant.SendAsync(HttpMethod.Get, $"/v3/pay/transactions/out-trade-no/ORDER-stale-01?mchid={merchant.MchId}");
        Assert.Equal("SUCCESS", JsonDocument.Parse(query.Body).RootElement.GetProperty("trade_state").GetString());
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    private static async Task<PaymentOrderRow> OrderAsync(ZhifuTestServer server)
    {
        await using var db = server.Database.Options.CreateContext();
        return await db.Set<PaymentOrderRow>().AsNoTracking().SingleAsync(o => o.OutTradeNo == "ORDER-stale-01", Ct);
    }
}
