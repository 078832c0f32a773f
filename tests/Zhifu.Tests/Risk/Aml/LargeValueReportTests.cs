using Microsoft.EntityFrameworkCore;
using System.Net.Http.Json;
using Zhifu.Core;
using Zhifu.Core.Banking;
using Zhifu.Data.Entities;
using Zhifu.Tests.Lifecycle;
using Zhifu.Tests.MerchantApi;
using Zhifu.Tests.Transfers;
using static Zhifu.Tests.Risk.Aml.AmlKit;

namespace Zhifu.Tests.Risk.Aml;

/// <summary>
/// RISK-6 大额交易报告 (中国人民银行令〔2016〕第3号 art. 5): per customer per China day, one-sided totals at or above the
/// threshold of the customer's kind are reported with every movement of that side. The thresholds are lowered through
/// <c>Regulation:Aml</c> so real transfers and payments within the wallets' limits reach them.
/// </summary>
public sealed class LargeValueReportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RISK6_a_natural_persons_day_outflow_at_the_threshold_is_reported_and_one_fen_below_is_not()
    {
        var (server, zhang, li, wang) = await StartAsync("--Regulation:Aml:LargeValueNaturalPersonFen=10000");
        await using var _ = server;
        var first = (await zhang.SentAsync(li, 6_000)).GetProperty("id").GetGuid();
        server.Clock.Advance(TimeSpan.FromMinutes(5));
        var second = (await zhang.SentAsync(li, 4_000)).GetProperty("id").GetGuid(); // ¥100.00 out in the day: exactly the threshold
        await wang.SentAsync(li, 9_999); // one fen below

        var rows = await ReportRowsAsync(server, "large-value");

        var zhangRows = rows.Where(r => r["客户号 Customer id"] == Id(zhang)).ToList();
        Assert.Equal([first.ToString("N"), second.ToString("N")], zhangRows.Select(r => r["交易编号 Transaction id"]));
        Assert.All(zhangRows, r =>
        {
            Assert.Equal("支出 out", r["资金方向 Direction"]);
            Assert.Equal("¥100.00", r["当日单边累计 Day total"]);
            Assert.Equal("转账 transfer", r["交易类型 Type"]);
            Assert.Equal("自然人 natural person", r["客户类型 Customer type"]);
            Assert.Equal(PersonalDataMask.Name(DemoCards.ZhangSan.Name), r["客户名称 Name (masked)"]);
            Assert.Equal(PersonalDataMask.Phone(DemoCards.ZhangSan.Phone), r["手机号 Phone (masked)"]);
            Assert.Equal(PersonalDataMask.Phone(DemoCards.LiSi.Phone), r["交易对手 Counterparty (masked)"].Split(' ')[1]);
        });
        Assert.Equal(["¥60.00", "¥40.00"], zhangRows.Select(r => r["交易金额 Amount"]));
        Assert.DoesNotContain(rows, r => r["客户号 Customer id"] == Id(wang)); // ¥99.99: quiet
        // 李四's income side, summed one-sided (art. 5): all three inflows with their total.
        var liRows = rows.Where(r => r["客户号 Customer id"] == Id(li)).ToList();
        Assert.Equal(3, liRows.Count);
        Assert.All(liRows, r => Assert.Equal(("收入 in", "¥199.99"), (r["资金方向 Direction"], r["当日单边累计 Day total"])));
        Assert.Equal(5, rows.Count);
    }

    [Fact]
    public async Task RISK6_a_persons_wallets_are_one_customer_summed_together_and_moves_between_them_are_not_counted()
    {
        var (server, zhang, li, wang) = await StartAsync("--Regulation:Aml:LargeValueNaturalPersonFen=10000");
        await using var _ = server;
        await using (var db = server.Database.Options.CreateContext())
        {
            // 王五's wallet is the second wallet of 张三 (the same ID number's blind index, as the institution recognises one)
            var zhangRow = await db.Set<UserRow>().SingleAsync(u => u.Id == zhang.UserId, Ct);
            await db.Set<UserRow>().Where(u => u.Id == wang.UserId)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.IdNumberIndex, zhangRow.IdNumberIndex), Ct);
        }
        var first = (await zhang.SentAsync(li, 6_000)).GetProperty("id").GetGuid();
        server.Clock.Advance(TimeSpan.FromMinutes(5));
        var second = (await wang.SentAsync(li, 4_000)).GetProperty("id").GetGuid(); // ¥60 + ¥40 by one person: the threshold
        await zhang.SentAsync(wang, 50_000); // ¥500 between the person's own wallets: no movement of the customer's

        var rows = await ReportRowsAsync(server, "large-value");

        var person = rows.Where(r => r["客户号 Customer id"].Contains(Id(zhang), StringComparison.Ordinal)).ToList();
        Assert.Equal([first.ToString("N"), second.ToString("N")], person.Select(r => r["交易编号 Transaction id"]));
        Assert.All(person, r =>
        {
            Assert.Equal([Id(zhang), Id(wang)], r["客户号 Customer id"].Split(';').Order(StringComparer.Ordinal)
                .OrderBy(id => id == Id(zhang) ? 0 : 1)); // both wallets name the one customer
            Assert.Equal(PersonalDataMask.Name(DemoCards.ZhangSan.Name), r["客户名称 Name (masked)"]);
            Assert.Equal(("支出 out", "¥100.00"), (r["资金方向 Direction"], r["当日单边累计 Day total"]));
            Assert.Equal("自然人 natural person", r["客户类型 Customer type"]);
            Assert.Equal(2, r["手机号 Phone (masked)"].Split(';').Length);
        });
        Assert.Equal(4, rows.Count); // and 李四's two inflows of his ¥100.00 income
        Assert.DoesNotContain(rows, r => r["交易金额 Amount"] == "¥500.00");
    }

    [Fact]
    public async Task RISK6_a_merchant_is_judged_by_the_non_natural_person_threshold_not_the_natural_persons_one()
    {
        var (server, zhang, li, _) = await StartAsync("--Regulation:Aml:LargeValueNaturalPersonFen=10000",
            "--Regulation:Aml:LargeValueNonNaturalPersonFen=30000");
        await using var __ = server;
        var merchant = MerchantSigner.Demo(server.BaseAddress, server.Database.Directory).WithClock(() => server.Clock.UtcNow);
        await PayAsync(server, merchant, zhang, "AML-0001", 20_000);
        await PayAsync(server, merchant, li, "AML-0002", 9_999);

        var dayOne = await ReportRowsAsync(server, "large-value");
        Assert.DoesNotContain(dayOne, r => r["客户号 Customer id"] == merchant.MchId); // ¥299.99 in: below the merchant's ¥300
        Assert.Equal([Id(zhang)], dayOne.Select(r => r["客户号 Customer id"])); // one payment at or above a person's ¥100 suffices
        Assert.Contains("(" + merchant.MchId + ")", dayOne[0]["交易对手 Counterparty (masked)"], StringComparison.Ordinal);

        TransferKit.ToBeforeChinaMidnight(server, TimeSpan.FromHours(-8));
        await PayAsync(server, merchant, zhang, "AML-0003", 20_000);
        await PayAsync(server, merchant, li, "AML-0004", 10_000);
        var refund = await merchant.SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds",
            RefundFlowTests.Refund(outTradeNo: "AML-0003", outRefundNo: "AML-R-0003", refundFen: 10_000, totalFen: 20_000));
        Assert.True((int)refund.Response.StatusCode == 200, refund.Body);
        var dayTwo = await ReportRowsAsync(server, "large-value");
        // The refund is the merchant's outflow (¥100.00, below its ¥300) and 张三's inflow (¥100.00, at a person's threshold).
        var refunded = Assert.Single(dayTwo, r => r["交易类型 Type"] == "退款 refund");
        Assert.Equal((Id(zhang), "收入 in", "¥100.00"), (refunded["客户号 Customer id"], refunded["资金方向 Direction"],
            refunded["当日单边累计 Day total"]));
        var merchantRows = dayTwo.Where(r => r["客户号 Customer id"] == merchant.MchId).ToList();
        Assert.Equal(["¥200.00", "¥100.00"], merchantRows.Select(r => r["交易金额 Amount"]));
        Assert.All(merchantRows, r => Assert.Equal(("非自然人 non-natural person", "收入 in", "¥300.00", "消费支付 payment"),
            (r["客户类型 Customer type"], r["资金方向 Direction"], r["当日单边累计 Day total"], r["交易类型 Type"])));
        var people = dayTwo.Where(r => r["客户类型 Customer type"] == "自然人 natural person")
            .Select(r => r["客户号 Customer id"]).Distinct();
        Assert.Equal(new[] { Id(li), Id(zhang) }.Order(StringComparer.Ordinal), people.Order(StringComparer.Ordinal));
    }

    private static async Task PayAsync(ClockedServer server, MerchantSigner merchant, Party payer, string outTradeNo, long fen)
    {
        var created = await merchant.SendAsync(HttpMethod.Post, "/v3/pay/transactions/native",
            MerchantKit.NativeOrder(merchant.MchId, outTradeNo, fen, "http://127.0.0.1:9/n"));
        Assert.True((int)created.Response.StatusCode == 200, created.Body);
        var wallet = (await payer.AgainAsync()).Wallet;
        var paid = await wallet.PostAsJsonAsync($"/api/wallet/payments/{MerchantKit.CodeOf(created.Body)}/pay",
            new { paymentPassword = MerchantKit.PaymentPassword }, Ct);
        Assert.True(paid.IsSuccessStatusCode, await paid.Content.ReadAsStringAsync(Ct));
        server.Clock.Advance(TimeSpan.FromMinutes(1));
    }
}
