using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Server.Funds;
using Zhifu.Tests.Accounts;
using Zhifu.Tests.Bank;
using Zhifu.Tests.Hosting;
using Zhifu.Tests.Infrastructure;
using static Zhifu.Tests.Statements.StatementKit;

namespace Zhifu.Tests.Statements;

/// <summary>
/// Issue 4 item 7: the balance and the statement through the Wallet API — every line a business record (CARD-2 top-up and
/// withdrawal, the demo opening adjustment), explained by the ledger transfers it names.
/// </summary>
public sealed class StatementTests : IAsyncLifetime
{
    private ZhifuTestServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _server = await ZhifuTestServer.StartAsync(null, "--Funds:ResolveAfterSeconds=0", "--Funds:RecoveryIntervalSeconds=3600");

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task CARD2_statement_after_the_demo_seed_a_top_up_and_a_withdrawal_shows_signed_amounts_newest_first()
    {
        using var wallet = await WalletClient.SignInAsync(_server, DemoCards.ZhangSan.Phone, "Demo@2026");
        var icbc = await CardAsync(wallet, "ICBC");
        var topUp = await MoveAsync(wallet, "top-ups", icbc, 12_345);
        var withdrawal = await MoveAsync(wallet, "withdrawals", icbc, 2_345);

        var lines = (await GetOkAsync(wallet, "/api/wallet/me/statement")).GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(["withdrawal", "top-up", "adjustment"], lines.Select(l => l.GetProperty("kind").GetString()));
        Assert.Equal([-2_345L, 12_345L, 50_000L], lines.Select(l => l.GetProperty("amountFen").GetInt64()));
        Assert.Equal(["-¥23.45", "+¥123.45", "+¥500.00"], lines.Select(l => l.GetProperty("amount").GetString()));
        Assert.All(lines, l => Assert.Equal("succeeded", l.GetProperty("status").GetString()));
        Assert.Equal([withdrawal.GetProperty("id").GetGuid(), topUp.GetProperty("id").GetGuid()], lines.Take(2).Select(Id));
        Assert.Equal("提现-工商银行(5670)", lines[0].GetProperty("title").GetString());
        Assert.Equal("Top-up from ICBC (5670)", lines[1].GetProperty("titleEn").GetString());
        Assert.Equal("6222 **** **** 5670", lines[1].GetProperty("counterparty").GetString()); // ACC-8: masked
        Assert.Equal("演示开户余额", lines[2].GetProperty("title").GetString());
        Assert.All(lines, l => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$", l.GetProperty("at").GetString()));

        var balance = await GetOkAsync(wallet, "/api/wallet/me/balance");
        Assert.Equal(60_000, balance.GetProperty("balanceFen").GetInt64());
        Assert.Equal("¥600.00", balance.GetProperty("balance").GetString());
        Assert.Equal(0, balance.GetProperty("onHoldFen").GetInt64());
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task Each_line_is_explained_by_its_ledger_transfers_which_add_up_to_it()
    {
        using var wallet = await WalletClient.SignInAsync(_server, DemoCards.ZhangSan.Phone, "Demo@2026");
        var icbc = await CardAsync(wallet, "ICBC");
        await MoveAsync(wallet, "top-ups", icbc, 7_000);
        await MoveAsync(wallet, "withdrawals", icbc, 1_500);
        var lines = (await GetOkAsync(wallet, "/api/wallet/me/statement")).GetProperty("entries").EnumerateArray().ToList();
        foreach (var line in lines)
        {
            var detail = await GetOkAsync(wallet, $"/api/wallet/me/statement/{Id(line)}");
            Assert.Equal(Id(line), Id(detail.GetProperty("entry")));
            var transfers = detail.GetProperty("transfers").EnumerateArray().ToList();
            Assert.NotEmpty(transfers);
            var posted = transfers.Sum(t => t.GetProperty("postedFen").GetInt64());
            Assert.Equal(line.GetProperty("amountFen").GetInt64(), posted);
            Assert.Equal(posted, detail.GetProperty("postedFen").GetInt64());
            Assert.Equal(0, detail.GetProperty("heldFen").GetInt64());
        }
        // A top-up is a hold on the bank's word, then its post (CARD-4); the demo funding is one posted transfer.
        var topUp = await GetOkAsync(wallet, $"/api/wallet/me/statement/{Id(lines[1])}");
        Assert.Equal(["hold", "post"], topUp.GetProperty("transfers").EnumerateArray().Select(t => t.GetProperty("leg").GetString()));
        Assert.Equal("posted", topUp.GetProperty("transfers")[0].GetProperty("holdStatus").GetString());
        Assert.Equal("channel-clearing", topUp.GetProperty("transfers")[1].GetProperty("counterAccount").GetString());
        var seed = await GetOkAsync(wallet, $"/api/wallet/me/statement/{Id(lines[2])}");
        Assert.Equal("posted", Assert.Single(seed.GetProperty("transfers").EnumerateArray()).GetProperty("leg").GetString());
    }

    [Fact]
    public async Task CARD3_a_credit_card_top_up_is_consumption_only_in_the_balance_the_line_and_its_transfers()
    {
        using var wallet = await WalletClient.SignInAsync(_server, DemoCards.ZhangSan.Phone, "Demo@2026");
        var credit = await CardAsync(wallet, "CMB", "credit");
        var topUp = await MoveAsync(wallet, "top-ups", credit, 8_800);

        var balance = await GetOkAsync(wallet, "/api/wallet/me/balance");
        Assert.Equal((50_000L, 8_800L, 58_800L, 50_000L), (balance.GetProperty("balanceFen").GetInt64(),
            balance.GetProperty("consumptionOnlyFen").GetInt64(), balance.GetProperty("totalFen").GetInt64(),
            balance.GetProperty("withdrawableFen").GetInt64()));
        var line = (await GetOkAsync(wallet, "/api/wallet/me/statement?limit=1")).GetProperty("entries")[0];
        Assert.StartsWith("充值-招商银行信用卡(", line.GetProperty("title").GetString());
        var detail = await GetOkAsync(wallet, $"/api/wallet/me/statement/{topUp.GetProperty("id").GetGuid()}");
        Assert.All(detail.GetProperty("transfers").EnumerateArray(),
            t => Assert.Equal("consumption-only", t.GetProperty("account").GetString()));
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task CARD4_a_withdrawal_the_bank_has_not_confirmed_is_on_hold_in_the_balance_and_the_line_until_it_settles()
    {
        using var wallet = await WalletClient.SignInAsync(_server, DemoCards.LiSi.Phone, "Demo@2026");
        var card = await CardAsync(wallet, DemoCards.LiSi.Cards[0].Bank);
        var bank = new BankAdminClient(new HttpClient(),
            _server.Services.GetRequiredService<Zhifu.Server.Banking.BankChannelAddress>().BaseAddress!);
        await bank.SetFaultsAsync(new BankAdminClient.Faults(UnknownRate: 1.0), Ct);
        var response = await wallet.PostAsync("/api/wallet/me/withdrawals", JsonContent(card, 4_000), Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("id").GetGuid();

        var balance = await GetOkAsync(wallet, "/api/wallet/me/balance");
        Assert.Equal((26_000L, 4_000L), (balance.GetProperty("balanceFen").GetInt64(), balance.GetProperty("onHoldFen").GetInt64()));
        var held = await GetOkAsync(wallet, $"/api/wallet/me/statement/{id}");
        Assert.Equal("unknown", held.GetProperty("entry").GetProperty("status").GetString());
        Assert.Equal((0L, -4_000L), (held.GetProperty("postedFen").GetInt64(), held.GetProperty("heldFen").GetInt64()));
        Assert.Equal("open", held.GetProperty("transfers")[0].GetProperty("holdStatus").GetString());

        await bank.SetFaultsAsync(new BankAdminClient.Faults(), Ct);
        await _server.Services.GetRequiredService<FundsRecoveryWorker>().RunOnceAsync(Ct);
        var settled = await GetOkAsync(wallet, $"/api/wallet/me/statement/{id}");
        Assert.Equal("succeeded", settled.GetProperty("entry").GetProperty("status").GetString());
        Assert.Equal((-4_000L, 0L), (settled.GetProperty("postedFen").GetInt64(), settled.GetProperty("heldFen").GetInt64()));
        Assert.Equal(0, (await GetOkAsync(wallet, "/api/wallet/me/balance")).GetProperty("onHoldFen").GetInt64());
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task ACC6_a_wallet_frozen_on_loss_still_sees_its_balance_and_statement_but_moves_no_money()
    {
        using var wallet = await WalletClient.SignInAsync(_server, DemoCards.WangWu.Phone, "Demo@2026");
        var card = await CardAsync(wallet, "BOC");
        Assert.True((await wallet.PostAsync("/api/wallet/me/freeze", null, Ct)).IsSuccessStatusCode);

        Assert.Equal(20_000, (await GetOkAsync(wallet, "/api/wallet/me/balance")).GetProperty("balanceFen").GetInt64());
        var line = Assert.Single((await GetOkAsync(wallet, "/api/wallet/me/statement")).GetProperty("entries").EnumerateArray());
        Assert.Equal(20_000, (await GetOkAsync(wallet, $"/api/wallet/me/statement/{Id(line)}")).GetProperty("postedFen").GetInt64());
        await OperatorApiTests.AssertProblemAsync(await wallet.PostAsync("/api/wallet/me/top-ups", JsonContent(card, 100), Ct), 403,
            "ACCOUNT_FROZEN_BY_HOLDER"); // ACC-6: the Lifecycle guard names the restriction
        Assert.Single((await GetOkAsync(wallet, "/api/wallet/me/statement")).GetProperty("entries").EnumerateArray());
    }

    [Fact]
    public async Task Another_users_record_is_not_found_exactly_like_an_unknown_one_and_leaks_nothing()
    {
        using var zhang = await WalletClient.SignInAsync(_server, DemoCards.ZhangSan.Phone, "Demo@2026");
        var topUp = await MoveAsync(zhang, "top-ups", await CardAsync(zhang, "ICBC"), 3_210);
        var zhangsLine = Id((await GetOkAsync(zhang, "/api/wallet/me/statement")).GetProperty("entries")[1]); // the demo funding
        using var li = await WalletClient.SignInAsync(_server, DemoCards.LiSi.Phone, "Demo@2026");

        var unknown = await RefusedAsync(li, $"/api/wallet/me/statement/{Guid.CreateVersion7()}", 404, "STATEMENT_ENTRY_NOT_FOUND");
        foreach (var id in new[] { topUp.GetProperty("id").GetGuid(), zhangsLine })
        {
            var body = await RefusedAsync(li, $"/api/wallet/me/statement/{id}", 404, "STATEMENT_ENTRY_NOT_FOUND");
            Assert.Equal(Without(unknown, "traceId", "trace_id"), Without(body, "traceId", "trace_id")); // word for word, bar the trace
        }
        var lines = (await GetOkAsync(li, "/api/wallet/me/statement")).GetProperty("entries").EnumerateArray();
        Assert.DoesNotContain(lines, l => Id(l) == topUp.GetProperty("id").GetGuid() || Id(l) == zhangsLine);
    }

    private static string Without(JsonElement body, params string[] names) =>
        string.Join(",", body.EnumerateObject().Where(p => !names.Contains(p.Name)).Select(p => p.ToString()));

    private static StringContent JsonContent(string card, long fen) => new(
        JsonSerializer.Serialize(new { requestId = Guid.NewGuid().ToString("N"), cardToken = card, amountFen = fen, paymentPassword = PaymentPassword }), System.Text.Encoding.UTF8,
        "application/json");
}
