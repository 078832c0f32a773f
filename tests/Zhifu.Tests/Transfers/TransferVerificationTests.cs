using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Server.Transfers;
using Zhifu.Tests.Lifecycle;
using static Zhifu.Tests.Hosting.OperatorApiTests;

namespace Zhifu.Tests.Transfers;

/// <summary>TRF-3: a second factor beyond ¥50,000 a day, an explicit confirmation above ¥300,000 a day.</summary>
public sealed class TransferVerificationTests : IAsyncLifetime
{
    private ClockedServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // A Class Ⅲ yearly limit high enough that TRF-3's numbers, not ACC-2's, are what these tests reach.
    public async ValueTask InitializeAsync() => _server = await TransferKit.StartAsync("--Regulation:ClassThreeLimitFen=100000000000");

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task<(Party Zhang, Party Li)> LargeAsync(long fund)
    {
        var (zhang, li) = (await Party.SignInAsync(_server, DemoCards.ZhangSan), await Party.SignInAsync(_server, DemoCards.LiSi));
        await zhang.AgreeLimitsAsync(single: 100_000_000, daily: 200_000_000, count: 100, yearly: 1_000_000_000);
        await zhang.FundAsync(fund);
        return (zhang, li);
    }

    [Fact]
    public async Task TRF3_beyond_50000_yuan_a_day_of_non_counter_transfers_the_sms_code_is_required_as_a_second_factor()
    {
        var (zhang, li) = await LargeAsync(10_000_000);
        var first = await zhang.SentAsync(li, 5_000_000); // exactly ¥50,000: the payment password is enough
        Assert.Equal(JsonValueKind.Null, first.GetProperty("verification").ValueKind);
        var rows = await TransferKit.TransferRowsAsync(_server);
        var needed = await AssertProblemAsync(await zhang.SendAsync(li, 1), 403, "SECOND_FACTOR_REQUIRED");
        Assert.Equal(("sms-otp", "transfer-verify"),
            (needed.GetProperty("secondFactor").GetString(), needed.GetProperty("purpose").GetString()));
        await AssertProblemAsync(await zhang.SendAsync(li, 1, code: "000000"), 403, "SECOND_FACTOR_INVALID");
        Assert.Equal(rows, await TransferKit.TransferRowsAsync(_server)); // refusals write nothing
        var code = await zhang.TransferCodeAsync();
        var second = await zhang.SendAsync(li, 1, code: code);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal("sms-otp", (await second.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("verification").GetString());
        await AssertProblemAsync(await zhang.SendAsync(li, 1, code: code), 403, "SECOND_FACTOR_INVALID"); // a code is used once
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task TRF3_a_transfer_held_for_risk_review_counts_in_the_day_total_of_the_next()
    {
        // Released later, it moves today's money: the next transfer beyond ¥50,000 with it needs the second factor.
        var (zhang, li) = await LargeAsync(10_000_000);
        await Zhifu.Tests.Risk.RiskKit.PutRuleAsync(_server, "T-REVIEW", "amount", new { minFen = 4_000_000 }, "review", "transfer", score: 50);
        var held = await zhang.SendAsync(li, 4_500_000);
        Assert.Equal(HttpStatusCode.Accepted, held.StatusCode);
        Assert.Equal("review", (await held.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString());

        await AssertProblemAsync(await zhang.SendAsync(li, 4_500_000), 403, "SECOND_FACTOR_REQUIRED");
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task TRF3_transfers_of_one_payer_decided_on_two_servers_at_once_see_each_others_day_total()
    {
        var (zhang, li) = await LargeAsync(10_000_000);
        await zhang.SentAsync(li, 4_990_000); // ¥49,900 today: two more of ¥50 reach exactly ¥50,000, a third is beyond it
        // Another server's transfer service: the same database and ledger, its own process state (a replica of the platform).
        var replica = ActivatorUtilities.CreateInstance<WalletTransfers>(_server.Services);
        var target = (await _server.Services.GetRequiredService<TransferTargets>().WalletAsync(DemoCards.LiSi.Phone, zhang.UserId, Ct))!;
        async Task<string> OnReplicaAsync()
        {
            var order = new TransferOrder(Party.NewRequestId(), 5_000, WalletTransfers.RealTime, null, Party.PaymentPassword, null, null);
            var (sent, problem) = await replica.SendAsync(zhang.UserId, order, target, Ct);
            return sent is not null ? "sent" : problem!.Code;
        }
        async Task<string> OverHttpAsync()
        {
            var response = await zhang.SendAsync(li, 5_000);
            return response.IsSuccessStatusCode ? "sent"
                : (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString()!;
        }

        var outcomes = await Task.WhenAll(OnReplicaAsync(), OverHttpAsync(), OnReplicaAsync(), OverHttpAsync());

        Assert.Equal(["SECOND_FACTOR_REQUIRED", "SECOND_FACTOR_REQUIRED", "sent", "sent"], outcomes.Order());
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task TRF3_above_300000_yuan_a_day_the_holder_confirms_the_large_amount_before_it_proceeds()
    {
        var (zhang, li) = await LargeAsync(40_000_000);
        await zhang.SentAsync(li, 30_000_000, code: await zhang.TransferCodeAsync()); // exactly ¥300,000: no reminder yet
        var requestId = Party.NewRequestId();
        const string Reminded = "LARGE_AMOUNT_CONFIRMATION_REQUIRED";
        var reminder = await AssertProblemAsync(await zhang.SendAsync(li, 1, requestId: requestId), 409, Reminded);
        var token = reminder.GetProperty("confirmationToken").GetString()!;
        Assert.Equal((30_000_001L, 30_000_000L),
            (reminder.GetProperty("todayTotalFen").GetInt64(), reminder.GetProperty("thresholdFen").GetInt64()));
        Assert.Contains("****", reminder.GetProperty("payee").GetString(), StringComparison.Ordinal);

        // The token confirms exactly that request: another amount or request id is reminded again.
        await AssertProblemAsync(await zhang.SendAsync(li, 2, requestId: requestId, token: token), 409, Reminded);
        await AssertProblemAsync(await zhang.SendAsync(li, 1, token: token), 409, Reminded);
        await AssertProblemAsync(await zhang.SendAsync(li, 1, requestId: requestId, token: token), 403, "SECOND_FACTOR_REQUIRED");
        var confirmed = await zhang.SendAsync(li, 1, requestId: requestId, token: token, code: await zhang.TransferCodeAsync());
        Assert.Equal(HttpStatusCode.Created, confirmed.StatusCode);
        Assert.True((await confirmed.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("largeAmountConfirmed").GetBoolean());
        await TransferKit.AssertVerifiedAsync(_server);
    }
}
