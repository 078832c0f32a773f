using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Core.Ledger;
using Zhifu.Data.Entities;
using Zhifu.Server.Banking;
using Zhifu.Server.Funds;
using Zhifu.Server.Ledger;
using Zhifu.Tests.Accounts;
using Zhifu.Tests.Bank;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.Tests.Funds;

/// <summary>
/// CARD-4 (and SEC-3), deterministically: a server that died between holding the money and asking the bank leaves a
/// pending movement the bank never heard of. After the restart it is resent with the very same id (so it can never move
/// money twice), or — once the resends are used up — reversed, which bars a late original, and the hold is released.
/// </summary>
public sealed class FundsCrashRecoveryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CARD4_a_top_up_held_by_a_server_that_died_before_asking_the_bank_is_resent_with_its_id_after_a_restart()
    {
        await using var server = await ZhifuTestServer.StartAsync(null, Settings);
        var (movement, cardBefore, walletBefore) = await CrashAfterTheHoldAsync(server, FundMovements.TopUp, 6_600);

        await server.RestartAsync();
        await server.Services.GetRequiredService<FundsRecoveryWorker>().RunOnceAsync(Ct);

        var settled = await MovementAsync(server, movement.Id);
        Assert.Equal("succeeded", settled.GetProperty("status").GetString());
        Assert.Equal(walletBefore + 6_600, Available(server, movement.WalletLedgerAccountId));
        Assert.Equal(cardBefore - 6_600, await CardBalanceAsync(server)); // once, not twice
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task CARD4_a_withdrawal_the_bank_never_heard_of_is_reversed_once_the_resends_are_used_up_and_the_money_stays()
    {
        await using var server = await ZhifuTestServer.StartAsync(null, [.. Settings, "--Funds:ResendsMax=0"]);
        var (movement, cardBefore, walletBefore) = await CrashAfterTheHoldAsync(server, FundMovements.Withdrawal, 4_400);
        Assert.Equal(walletBefore - 4_400, Available(server, movement.WalletLedgerAccountId)); // held meanwhile

        await server.RestartAsync();
        await server.Services.GetRequiredService<FundsRecoveryWorker>().RunOnceAsync(Ct);

        var settled = await MovementAsync(server, movement.Id);
        Assert.Equal(("failed", "reversed"), (settled.GetProperty("status").GetString(), settled.GetProperty("failureCode").GetString()));
        Assert.Equal(walletBefore, Available(server, movement.WalletLedgerAccountId));
        Assert.Equal(cardBefore, await CardBalanceAsync(server));
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task CARD4_a_top_up_the_bank_made_but_the_ledger_could_not_record_is_answered_in_progress_and_settled_once()
    {
        await using var server = await ZhifuTestServer.StartAsync(null, [.. Settings, "--Funds:ClaimLapseSeconds=7", "--Bank:QueryAttemptsMax=1"]);
        using var wallet = await WalletClient.SignInAsync(server, DemoCards.LiSi.Phone, "Demo@2026");
        var card = DemoCards.LiSi.Cards[0];
        var token = (await wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me/cards", Ct)).EnumerateArray()
            .First(c => c.GetProperty("cardNumber").GetString()!.EndsWith(card.CardNumber[^4..], StringComparison.Ordinal))
            .GetProperty("token").GetString()!;
        var balanceBefore = (await wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me/balance", Ct)).GetProperty("balanceFen").GetInt64();
        var cardBefore = await CardBalanceAsync(server);
        using var http = new HttpClient();
        var bank = new BankAdminClient(http, server.Services.GetRequiredService<BankChannelAddress>().BaseAddress!);
        await bank.SetFaultsAsync(new BankAdminClient.Faults(LatencyMs: 1_500), Ct);
        var topUp = wallet.PostAsJsonAsync("/api/wallet/me/top-ups",
            new { requestId = "ledger-down-0001", cardToken = token, amountFen = 5_500, paymentPassword = "147258" }, Ct);
        await Task.Delay(700, Ct); // held, and the bank is being asked: now the ledger stops taking anything
        server.Services.GetRequiredService<Zhifu.Data.Ledger.LedgerWriter>().Dispose();
        var answer = await topUp;
        Assert.Equal(System.Net.HttpStatusCode.Accepted, answer.StatusCode); // before: 503 "nothing held, try again", after the bank took the money
        var id = (await answer.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        Assert.Equal(cardBefore - 5_500, await CardBalanceAsync(server));

        await bank.SetFaultsAsync(new BankAdminClient.Faults(), Ct);
        await server.RestartAsync();
        await Task.Delay(TimeSpan.FromSeconds(7.2), Ct); // the start's claim lapses
        await server.Services.GetRequiredService<FundsRecoveryWorker>().RunOnceAsync(Ct);
        Assert.Equal("succeeded", (await MovementAsync(server, id)).GetProperty("status").GetString());
        using var after = await WalletClient.SignInAsync(server, DemoCards.LiSi.Phone, "Demo@2026");
        Assert.Equal(balanceBefore + 5_500,
            (await after.GetFromJsonAsync<JsonElement>("/api/wallet/me/balance", Ct)).GetProperty("balanceFen").GetInt64());
        Assert.Equal(cardBefore - 5_500, await CardBalanceAsync(server)); // once
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task CARD4_a_movement_another_resolver_holds_is_left_to_it_until_its_claim_lapses()
    {
        await using var server = await ZhifuTestServer.StartAsync(null, [.. Settings, "--Funds:ClaimLapseSeconds=7", "--Bank:QueryAttemptsMax=1"]);
        var (movement, cardBefore, walletBefore) = await CrashAfterTheHoldAsync(server, FundMovements.Withdrawal, 3_300);
        // Another server (its recovery worker, a risk decision voiding it) is resolving it right now.
        await using (var db = server.Database.Options.CreateContext())
        {
            await db.Set<FundMovementRow>().Where(m => m.Id == movement.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.ResolvingSince, DateTimeOffset.UtcNow), Ct);
        }
        var worker = server.Services.GetRequiredService<FundsRecoveryWorker>();
        await worker.RunOnceAsync(Ct);
        Assert.Equal("pending", (await MovementAsync(server, movement.Id)).GetProperty("status").GetString());
        Assert.Equal(cardBefore, await CardBalanceAsync(server)); // the bank was not asked: nothing resent behind its back

        // That server died: once its claim lapses, this one resolves it (the bank never saw it: sent again, same id).
        await Task.Delay(TimeSpan.FromSeconds(7.2), Ct); // (the lapse must outlast two bank calls of Bank:TimeoutMs, 3 s)
        await worker.RunOnceAsync(Ct);
        Assert.Equal("succeeded", (await MovementAsync(server, movement.Id)).GetProperty("status").GetString());
        Assert.Equal(cardBefore + 3_300, await CardBalanceAsync(server));
        Assert.Equal(walletBefore - 3_300, Available(server, movement.WalletLedgerAccountId));
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task RISK1_CARD4_a_risk_void_interrupted_after_leaving_review_is_finished_by_a_reversal_never_sent_to_the_bank()
    {
        await using var server = await ZhifuTestServer.StartAsync(null, [.. Settings, "--Funds:ClaimLapseSeconds=7", "--Bank:QueryAttemptsMax=1"]);
        var (movement, cardBefore, walletBefore) = await CrashAfterTheHoldAsync(server, FundMovements.Withdrawal, 3_100);
        // A risk decision voiding it left review (its mark set in the same statement) and stopped before voiding the hold.
        await using (var db = server.Database.Options.CreateContext())
        {
            await db.Set<FundMovementRow>().Where(m => m.Id == movement.Id).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.ResolvingSince, DateTimeOffset.UtcNow).SetProperty(m => m.FailureCode, FundMovements.RiskRejected), Ct);
        }
        var worker = server.Services.GetRequiredService<FundsRecoveryWorker>();
        await Task.Delay(TimeSpan.FromSeconds(7.2), Ct); // its claim lapses
        await worker.RunOnceAsync(Ct);

        var settled = await MovementAsync(server, movement.Id);
        Assert.Equal(("failed", FundMovements.RiskRejected), (settled.GetProperty("status").GetString(), settled.GetProperty("failureCode").GetString()));
        Assert.Equal(cardBefore, await CardBalanceAsync(server)); // before: sent again, and the rejected withdrawal paid out
        Assert.Equal(walletBefore, Available(server, movement.WalletLedgerAccountId));
        // the decision made again finds its own void done
        Assert.Equal(Zhifu.Server.Risk.RiskHoldOutcome.Done,
            await server.Services.GetRequiredService<FundMovements>().VoidReviewAsync(movement.Id));
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task CARD4_a_movement_whose_hold_was_voided_is_never_sent_to_the_bank()
    {
        await using var server = await ZhifuTestServer.StartAsync(null, Settings);
        var (movement, cardBefore, walletBefore) = await CrashAfterTheHoldAsync(server, FundMovements.Withdrawal, 2_200);
        // The hold was voided (a risk decision that stopped before recording it): the movement still reads pending.
        Assert.Equal(TransferResult.Ok, (await server.Services.GetRequiredService<ILedger>().SubmitAsync([new Transfer
        {
            Id = Guid.CreateVersion7(), PendingId = movement.Id, Flags = TransferFlags.VoidPending, Ledger = Ledgers.Cny,
            Code = TransferCode.Withdrawal, BusinessId = movement.Id,
        }], Ct))[0]);

        await server.Services.GetRequiredService<FundsRecoveryWorker>().RunOnceAsync(Ct);

        var settled = await MovementAsync(server, movement.Id);
        Assert.Equal(("failed", "reversed"), (settled.GetProperty("status").GetString(), settled.GetProperty("failureCode").GetString()));
        Assert.Equal(cardBefore, await CardBalanceAsync(server)); // before: resent, and the card got money the wallet kept
        Assert.Equal(walletBefore, Available(server, movement.WalletLedgerAccountId));
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task CARD4_a_claim_lapse_not_longer_than_a_resolvers_bank_calls_is_refused_at_start()
    {
        await using var database = await TestDatabase.CreateAsync();
        var refused = Assert.Throws<InvalidOperationException>(() => Zhifu.Server.Hosting.ServerApp.Build(
            ZhifuTestServer.Arguments(database, "--Funds:ClaimLapseSeconds=6", "--Bank:TimeoutMs=3000")));
        Assert.Contains("Funds:ClaimLapseSeconds", refused.Message, StringComparison.Ordinal);
        // three query attempts of 3 s, their pauses and a resend: 12.3 s — a 12 s lapse was accepted before, and is not now
        refused = Assert.Throws<InvalidOperationException>(() => Zhifu.Server.Hosting.ServerApp.Build(
            ZhifuTestServer.Arguments(database, "--Funds:ClaimLapseSeconds=12", "--Bank:TimeoutMs=3000", "--Bank:QueryAttemptsMax=3")));
        Assert.Contains("12300 ms", refused.Message, StringComparison.Ordinal);
    }

    private static readonly string[] Settings = ["--Funds:ResolveAfterSeconds=0", "--Funds:RecoveryIntervalSeconds=3600"];

    /// <summary>What <see cref="FundMovements.StartAsync"/> leaves when the process dies right after the hold: no bank call.</summary>
    private static async Task<(FundMovementRow Movement, long CardBefore, long WalletBefore)> CrashAfterTheHoldAsync(
        ZhifuTestServer server, string kind, long fen)
    {
        using var wallet = await WalletClient.SignInAsync(server, DemoCards.LiSi.Phone, "Demo@2026");
        var cards = await wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me/cards", Ct);
        var card = DemoCards.LiSi.Cards[0];
        var token = cards.EnumerateArray().First(c => c.GetProperty("cardNumber").GetString()!.EndsWith(card.CardNumber[^4..],
            StringComparison.Ordinal)).GetProperty("token").GetString()!;
        var cardBefore = await CardBalanceAsync(server);
        var userId = (await wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me", Ct)).GetProperty("userId").GetGuid();
        await using var db = server.Database.Options.CreateContext();
        var user = db.Set<UserRow>().Single(u => u.Id == userId);
        var walletBefore = Available(server, user.WalletAccountId);
        var clearing = server.Services.GetRequiredService<InstitutionChart>()[InstitutionChart.Clearing(card.Bank)];
        var movement = new FundMovementRow
        {
            Id = Guid.CreateVersion7(), UserId = userId, Kind = kind, CardToken = token, Bank = card.Bank, CardType = "debit",
            CardMasked = "6222 **** **** " + card.CardNumber[^4..], AmountFen = fen, WalletLedgerAccountId = user.WalletAccountId,
            ClearingAccountId = clearing, Status = FundMovements.Pending, CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-4),
        };
        movement.ResolvingSince = movement.CreatedAt; // the claim of the start that died, lapsed by now (Funds:ClaimLapseSeconds)
        db.Add(movement);
        await db.SaveChangesAsync(Ct);
        var topUp = kind == FundMovements.TopUp;
        var hold = await server.Services.GetRequiredService<ILedger>().SubmitAsync([new Transfer
        {
            Id = movement.Id,
            DebitAccountId = topUp ? clearing : user.WalletAccountId,
            CreditAccountId = topUp ? user.WalletAccountId : clearing,
            AmountFen = fen,
            Ledger = Ledgers.Cny,
            Code = topUp ? TransferCode.TopUp : TransferCode.Withdrawal,
            Flags = TransferFlags.Pending,
            BusinessId = movement.Id,
        }], Ct);
        Assert.Equal(TransferResult.Ok, hold[0]);
        return (movement, cardBefore, walletBefore);
    }

    /// <summary>李四's ICBC card at the bank (asked anew: a restart starts the simulator again, maybe on another port).</summary>
    private static async Task<long> CardBalanceAsync(ZhifuTestServer server)
    {
        using var http = new HttpClient();
        var bank = new BankAdminClient(http, server.Services.GetRequiredService<BankChannelAddress>().BaseAddress!);
        return await bank.BalanceAsync(DemoCards.LiSi.Cards[0].CardNumber, Ct);
    }

    private static long Available(ZhifuTestServer server, Guid account) =>
        server.Services.GetRequiredService<ILedger>().GetAccount(account)!.Value.AvailableCreditBalance;

    private static async Task<JsonElement> MovementAsync(ZhifuTestServer server, Guid id)
    {
        using var wallet = await WalletClient.SignInAsync(server, DemoCards.LiSi.Phone, "Demo@2026");
        return await wallet.GetFromJsonAsync<JsonElement>($"/api/wallet/me/fund-movements/{id}", Ct);
    }
}
