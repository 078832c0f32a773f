using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Core.Ledger;
using Zhifu.Data.Entities;
using Zhifu.Server.Transfers;
using Zhifu.Tests.Lifecycle;
using static Zhifu.Tests.Hosting.OperatorApiTests;
using static Zhifu.Tests.Lifecycle.LifecycleClient;

namespace Zhifu.Tests.Transfers;

/// <summary>
/// Idempotency by the client's key and recovery of a transfer a crash left half-recorded (SEC-3): money moves at most once.
/// </summary>
public sealed class TransferRecoveryTests : IAsyncLifetime
{
    private ClockedServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await TransferKit.StartAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task TRF1_the_Idempotency_Key_header_makes_a_repeated_request_answer_the_first_outcome()
    {
        var (zhang, li) = (await Party.SignInAsync(_server, DemoCards.ZhangSan), await Party.SignInAsync(_server, DemoCards.LiSi));
        var before = (await li.BalanceAsync()).Balance;
        var key = Party.NewRequestId();
        async Task<HttpResponseMessage> Send(long fen)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/wallet/me/transfers")
            {
                Content = JsonContent.Create(
                    new { payeePhone = li.Person.Phone, amountFen = fen, paymentPassword = Party.PaymentPassword }),
            };
            request.Headers.Add("Idempotency-Key", key);
            return await zhang.Wallet.SendAsync(request, Ct);
        }
        var first = await (await Send(700)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var again = await (await Send(700)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(first.GetProperty("id").GetGuid(), again.GetProperty("id").GetGuid());
        await AssertProblemAsync(await Send(701), 409, "REQUEST_ID_REUSED");
        Assert.Equal(before + 700, (await li.BalanceAsync()).Balance);

        // A refusal is answered again too, without a second try at the money.
        var poor = Party.NewRequestId();
        var balance = (await zhang.BalanceAsync()).Balance;
        await AssertProblemAsync(await zhang.SendAsync(li, balance + 1, requestId: poor), 409, "INSUFFICIENT_BALANCE");
        await zhang.FundAsync(10_000);
        await AssertProblemAsync(await zhang.SendAsync(li, balance + 1, requestId: poor), 409, "INSUFFICIENT_BALANCE");
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task TRF1_a_transfer_the_ledger_could_not_take_is_answered_as_under_way_and_moves_once_when_the_ledger_is_back()
    {
        var (zhang, li) = (await Party.SignInAsync(_server, DemoCards.ZhangSan), await Party.SignInAsync(_server, DemoCards.LiSi));
        Assert.Equal(HttpStatusCode.Created, (await zhang.SendAsync(li, 100)).StatusCode); // the day's limit accounts made
        var (zhangBefore, liBefore) = ((await zhang.BalanceAsync()).Balance, (await li.BalanceAsync()).Balance);
        var requestId = Party.NewRequestId();
        _server.Services.GetRequiredService<Zhifu.Data.Ledger.LedgerWriter>().Dispose(); // the ledger takes no more requests

        var response = await zhang.SendAsync(li, 1_500, requestId: requestId);

        // Not 503 "try again": the transfer is recorded and will move; a client sending it again under a new key moved it twice.
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var receipt = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("processing", receipt.GetProperty("status").GetString());
        await _server.RestartAsync();
        (zhang, li) = (await Party.SignInAsync(_server, DemoCards.ZhangSan), await Party.SignInAsync(_server, DemoCards.LiSi));
        _server.Clock.Advance(TimeSpan.FromSeconds(31));
        await _server.Services.GetRequiredService<DelayedTransferRelease>().RunOnceAsync(Ct);
        Assert.Equal("succeeded", (await _server.Services.GetRequiredService<WalletTransfers>().FindAsync(receipt.GetProperty("id").GetGuid()))!.Status);
        Assert.Equal(zhangBefore - 1_500, (await zhang.BalanceAsync()).Balance);
        Assert.Equal(liBefore + 1_500, (await li.BalanceAsync()).Balance);
        var again = await (await zhang.SendAsync(li, 1_500, requestId: requestId)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal((receipt.GetProperty("id").GetGuid(), "succeeded"), (again.GetProperty("id").GetGuid(), again.GetProperty("status").GetString()));
        Assert.Equal(liBefore + 1_500, (await li.BalanceAsync()).Balance);
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SEC3_a_transfer_a_crash_left_processing_is_finished_by_the_worker_and_moves_money_once(bool ledgerHadApplied)
    {
        var (zhang, li) = (await Party.SignInAsync(_server, DemoCards.ZhangSan), await Party.SignInAsync(_server, DemoCards.LiSi));
        var (zhangBefore, liBefore) = ((await zhang.BalanceAsync()).Balance, (await li.BalanceAsync()).Balance);
        var (payer, payee) = (await UserAsync(_server, zhang.UserId), await UserAsync(_server, li.UserId));
        var row = new WalletTransferRow
        {
            Id = Guid.CreateVersion7(), PayerUserId = payer.Id, RequestId = Party.NewRequestId(), Kind = "wallet", PayeeUserId = payee.Id,
            PayeeMasked = "139****5678", PayeeNameMasked = "李*", AmountFen = 1_234, Arrival = "realtime", Status = "processing",
            CreatedAt = _server.Clock.UtcNow,
        };
        await using (var db = _server.Database.Options.CreateContext())
        {
            db.Add(row); // what the request had written when the process died
            await db.SaveChangesAsync(Ct);
        }
        if (ledgerHadApplied)
        {
            var applied = await _server.Services.GetRequiredService<ILedger>().SubmitAsync([new Transfer
            {
                Id = row.Id, DebitAccountId = payer.WalletAccountId, CreditAccountId = payee.WalletAccountId, AmountFen = 1_234,
                Ledger = Ledgers.Cny, Code = WalletTransferCodes.WalletTransfer, BusinessId = row.Id,
            }], Ct);
            Assert.Equal(TransferResult.Ok, applied[0]);
        }
        var worker = _server.Services.GetRequiredService<DelayedTransferRelease>();
        await worker.RunOnceAsync(Ct);
        Assert.Equal("processing", (await _server.Services.GetRequiredService<WalletTransfers>().FindAsync(row.Id))!.Status); // too fresh
        _server.Clock.Advance(TimeSpan.FromSeconds(31));
        await worker.RunOnceAsync(Ct);
        await worker.RunOnceAsync(Ct);
        Assert.Equal("succeeded", (await _server.Services.GetRequiredService<WalletTransfers>().FindAsync(row.Id))!.Status);
        Assert.Equal(zhangBefore - 1_234, (await zhang.BalanceAsync()).Balance);
        Assert.Equal(liBefore + 1_234, (await li.BalanceAsync()).Balance);
        await TransferKit.AssertVerifiedAsync(_server);
    }

    [Fact]
    public async Task TRF2_TRF3_transfers_to_the_holders_own_wallet_are_real_time_and_not_counted_for_strong_verification()
    {
        var (zhang, li) = (await Party.SignInAsync(_server, DemoCards.ZhangSan), await Party.SignInAsync(_server, DemoCards.LiSi));
        await using (var db = _server.Database.Options.CreateContext())
        {
            // The same person holding a second wallet at the institution: the ID number's blind index is what says so.
            var own = await db.Set<UserRow>().FindAsync([zhang.UserId], Ct);
            var second = await db.Set<UserRow>().FindAsync([li.UserId], Ct);
            second!.IdNumberIndex = own!.IdNumberIndex;
            await db.SaveChangesAsync(Ct);
        }
        await zhang.AgreeLimitsAsync(single: 10_000_000, daily: 20_000_000, count: 10, yearly: 100_000_000);
        await zhang.FundAsync(6_000_000);
        await AssertProblemAsync(await zhang.SendAsync(li, 100, arrival: "2h"), 400, "DELAY_ONLY_FOR_OTHERS");
        var sent = await zhang.SendAsync(li, 5_000_100); // beyond ¥50,000, but to the holder's own wallet: no second factor
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        await TransferKit.AssertVerifiedAsync(_server);
    }
}
