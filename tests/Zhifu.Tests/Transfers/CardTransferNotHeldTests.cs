using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core;
using Zhifu.Core.Banking;
using Zhifu.Core.Ledger;
using Zhifu.Data.Entities;
using Zhifu.Server.Banking;
using Zhifu.Server.Funds;
using Zhifu.Server.Ledger;
using Zhifu.Server.RealName.Limits;
using Zhifu.Server.Transfers;
using Zhifu.Tests.Bank;
using Zhifu.Tests.Lifecycle;
using static Zhifu.Tests.Lifecycle.LifecycleClient;

namespace Zhifu.Tests.Transfers;

/// <summary>
/// TRF-1 with CARD-4, the crash window before the hold: a transfer to a card whose row, limit legs and fund movement were written
/// but whose linked [legs…, hold] never reached the ledger. Funds fails the movement as <c>not-held</c> and never sends it; the
/// transfer must follow it to failed without voiding legs that were never held (ACC-2, TRF-1 allowances stay whole).
/// </summary>
public sealed class CardTransferNotHeldTests : IAsyncLifetime
{
    private ClockedServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await TransferKit.StartAsync("--Funds:ResolveAfterSeconds=0",
        "--Funds:RecoveryIntervalSeconds=3600");

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task CARD4_a_card_transfer_whose_hold_never_reached_the_ledger_fails_with_nothing_moved_and_the_allowance_whole()
    {
        var zhang = await Party.SignInAsync(_server, DemoCards.ZhangSan);
        var card = DemoCards.ZhangSan.Cards.First(c => c.CardType == BankCardType.Debit);
        var token = await CardTokenOfAsync(zhang, card);
        var bank = new BankAdminClient(new HttpClient(), _server.Services.GetRequiredService<BankChannelAddress>().BaseAddress!);
        var before = ((await zhang.BalanceAsync()).Balance, await LimitsLeftAsync(zhang), await bank.BalanceAsync(card.CardNumber, Ct));
        var id = await WrittenButNeverHeldAsync(zhang, card, token, 6_600);

        await _server.Services.GetRequiredService<FundsRecoveryWorker>().RunOnceAsync(Ct);
        var release = _server.Services.GetRequiredService<DelayedTransferRelease>();
        await release.RunOnceAsync(Ct);
        _server.Clock.Advance(TimeSpan.FromSeconds(31)); // past Transfers:RecoverAfterSeconds: the abandon path looks too
        await release.RunOnceAsync(Ct);

        var transfers = _server.Services.GetRequiredService<WalletTransfers>();
        var movement = (await _server.Services.GetRequiredService<FundMovements>().FindMovementAsync(DerivedIds.For(id, "fund-movement")))!;
        Assert.Equal(("failed", "not-held"), (movement.Status, movement.FailureCode));
        var row = (await transfers.FindAsync(id))!;
        Assert.Equal(("failed", "INTERRUPTED"), (row.Status, row.FailureCode));
        var receipt = await zhang.Wallet.GetFromJsonAsync<JsonElement>($"/api/wallet/me/transfers/{id}", Ct);
        Assert.Equal("failed", receipt.GetProperty("status").GetString());
        Assert.Equal(before, ((await zhang.BalanceAsync()).Balance, await LimitsLeftAsync(zhang),
            await bank.BalanceAsync(card.CardNumber, Ct)));
        Assert.Contains(await zhang.TextsAsync(), t => t.Contains("未能转出", StringComparison.Ordinal) && t.Contains("¥66.00",
            StringComparison.Ordinal));

        // The payer's repeat of the request answers the recorded outcome; it sends nothing.
        var repeat = await zhang.ToCardAsync(token, 6_600, requestId: row.RequestId);
        await Hosting.OperatorApiTests.AssertProblemAsync(repeat, 503, "INTERRUPTED");
        Assert.Equal(before.Item3, await bank.BalanceAsync(card.CardNumber, Ct));
        var report = await _server.VerifyAsync();
        Assert.True(report.AllHold, string.Join("; ", report.Checks.Where(c => !c.Holds).Select(c => c.Name + ": " + c.Detail)));
    }

    [Fact]
    public async Task CARD4_a_card_transfer_whose_linked_hold_the_ledger_refused_and_whose_process_died_then_fails_not_stays_processing()
    {
        var zhang = await Party.SignInAsync(_server, DemoCards.ZhangSan);
        var card = DemoCards.ZhangSan.Cards.First(c => c.CardType == BankCardType.Debit);
        var token = await CardTokenOfAsync(zhang, card);
        var before = ((await zhang.BalanceAsync()).Balance, await LimitsLeftAsync(zhang));
        var id = await WrittenButNeverHeldAsync(zhang, card, token, 4_400);
        // the ledger refused the linked [legs…, hold] and its movement was recorded failed with that code; the process died
        // before the transfer followed
        await using (var db = _server.Database.Options.CreateContext())
        {
            await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ExecuteUpdateAsync(db.Set<FundMovementRow>()
                .Where(m => m.Id == DerivedIds.For(id, "fund-movement")), set => set.SetProperty(m => m.Status, FundMovements.Failed)
                .SetProperty(m => m.FailureCode, "ExceedsCredits").SetProperty(m => m.ResolvingSince, (DateTimeOffset?)null), Ct);
        }

        var release = _server.Services.GetRequiredService<DelayedTransferRelease>();
        await release.RunOnceAsync(Ct);
        _server.Clock.Advance(TimeSpan.FromSeconds(31));
        await release.RunOnceAsync(Ct);

        var row = (await _server.Services.GetRequiredService<WalletTransfers>().FindAsync(id))!;
        Assert.Equal("failed", row.Status); // before: processing for ever, and counted in the day's totals (TRF-3)
        Assert.Equal(before, ((await zhang.BalanceAsync()).Balance, await LimitsLeftAsync(zhang)));
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task TRF1_a_card_transfer_given_up_before_its_movement_was_written_stops_a_sender_that_was_only_slow()
    {
        var zhang = await Party.SignInAsync(_server, DemoCards.ZhangSan);
        var card = DemoCards.ZhangSan.Cards.First(c => c.CardType == BankCardType.Debit);
        var token = await CardTokenOfAsync(zhang, card);
        var bank = new BankAdminClient(new HttpClient(), _server.Services.GetRequiredService<BankChannelAddress>().BaseAddress!);
        var before = ((await zhang.BalanceAsync()).Balance, await LimitsLeftAsync(zhang), await bank.BalanceAsync(card.CardNumber, Ct));
        // The sender wrote the row and its legs and stalled before writing the movement; the worker gives the transfer up.
        var (id, legs) = await WrittenUpToTheMovementAsync(zhang, card, token, 5_500);
        _server.Clock.Advance(TimeSpan.FromSeconds(31));
        await _server.Services.GetRequiredService<DelayedTransferRelease>().RunOnceAsync(Ct);
        var transfers = _server.Services.GetRequiredService<WalletTransfers>();
        Assert.Equal(("failed", "INTERRUPTED"), ((await transfers.FindAsync(id))!.Status, (await transfers.FindAsync(id))!.FailureCode));

        // The sender goes on: its movement's hold is refused whole, so nothing is held, nothing is asked of the bank.
        var user = await UserAsync(_server, zhang.UserId);
        var bound = (await _server.Services.GetRequiredService<IBoundCards>().FindAsync(user.Id, token, Ct))!;
        var (movement, results) = await _server.Services.GetRequiredService<FundMovements>().StartWithdrawalAfterAsync(
            DerivedIds.For(id, "fund-movement"), user.Id, bound, 5_500, user.WalletAccountId, legs);
        Assert.False(results[^1].IsSuccess(), results[^1].ToString());
        Assert.Equal(FundMovements.Failed, movement.Status);
        Assert.Equal(before, ((await zhang.BalanceAsync()).Balance, await LimitsLeftAsync(zhang),
            await bank.BalanceAsync(card.CardNumber, Ct)));
        Assert.Equal("failed", (await transfers.FindAsync(id))!.Status);
        Assert.True((await _server.VerifyAsync()).AllHold);
    }

    /// <summary>What <c>SendAsync</c> had written before its fund movement: the row and its limit legs (as transfers).</summary>
    private async Task<(Guid Id, IReadOnlyList<Transfer> Legs)> WrittenUpToTheMovementAsync(Party payer, DemoCard card, string token, long fen)
    {
        var user = await UserAsync(_server, payer.UserId);
        var id = Guid.CreateVersion7();
        var (legs, refusal) = await _server.Services.GetRequiredService<TransferLimits>()
            .PrepareAsync(user, BalanceUse.OwnCardWithdrawal, fen, id, held: true, Ct);
        Assert.Null(refusal);
        await using var db = _server.Database.Options.CreateContext();
        AddRowAndLegs(db, user, card, token, id, fen, legs);
        await db.SaveChangesAsync(Ct);
        return (id, [.. legs.Select(l => l.Transfer)]);
    }

    private void AddRowAndLegs(Data.ZhifuDb db, UserRow user, DemoCard card, string token, Guid id, long fen, IReadOnlyList<PlannedLeg> legs)
    {
        db.Add(new WalletTransferRow
        {
            Id = id, PayerUserId = user.Id, RequestId = Party.NewRequestId(), Kind = WalletTransfers.KindCard, CardToken = token,
            FundMovementId = DerivedIds.For(id, "fund-movement"), PayeeMasked = "**** " + card.CardNumber[^4..], PayeeNameMasked = card.Bank,
            AmountFen = fen, Arrival = WalletTransfers.RealTime, OwnAccount = true, Status = WalletTransfers.Processing,
            CreatedAt = _server.Clock.UtcNow,
        });
        for (var i = 0; i < legs.Count; i++)
        {
            var t = legs[i].Transfer;
            db.Add(new WalletTransferLegRow
            {
                TransferId = id, Sequence = i, LegId = t.Id, Ledger = t.Ledger, Code = t.Code, DebitAccountId = t.DebitAccountId,
                CreditAccountId = t.CreditAccountId, BusinessId = t.BusinessId, AmountFen = t.AmountFen, Limit = legs[i].Limit,
            });
        }
    }

    /// <summary>What <c>SendAsync</c> had written when the process died: the row, its limit legs and the fund movement.</summary>
    private async Task<Guid> WrittenButNeverHeldAsync(Party payer, DemoCard card, string token, long fen)
    {
        var user = await UserAsync(_server, payer.UserId);
        var id = Guid.CreateVersion7();
        var (legs, refusal) = await _server.Services.GetRequiredService<TransferLimits>()
            .PrepareAsync(user, BalanceUse.OwnCardWithdrawal, fen, id, held: true, Ct);
        Assert.Null(refusal);
        var movementId = DerivedIds.For(id, "fund-movement");
        await using var db = _server.Database.Options.CreateContext();
        AddRowAndLegs(db, user, card, token, id, fen, legs);
        db.Add(new FundMovementRow
        {
            Id = movementId, UserId = user.Id, Kind = FundMovements.CardTransfer, CardToken = token, Bank = card.Bank,
            CardType = "debit", CardMasked = "6222 **** **** " + card.CardNumber[^4..], AmountFen = fen,
            WalletLedgerAccountId = user.WalletAccountId,
            ClearingAccountId = _server.Services.GetRequiredService<InstitutionChart>()[InstitutionChart.Clearing(card.Bank)],
            Status = FundMovements.Pending, CreatedAt = _server.Clock.UtcNow,
        });
        await db.SaveChangesAsync(Ct);
        Assert.NotEmpty(legs); // daily amount, daily count, yearly amount and ACC-2's class leg were all planned
        return id;
    }

    /// <summary>What is left of every limit on the wallet's limit screen (TRF-1, PAY-7, ACC-2).</summary>
    private static async Task<string> LimitsLeftAsync(Party party)
    {
        var limits = await party.Wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me/transfer-limits", Ct);
        return string.Join(",", limits.GetProperty("limits").EnumerateArray()
            .Select(l => l.GetProperty("limit").GetString() + "=" + l.GetProperty("remaining").GetInt64()));
    }

    private static async Task<string> CardTokenOfAsync(Party party, DemoCard card)
    {
        var cards = await party.Wallet.GetFromJsonAsync<JsonElement>("/api/wallet/me/cards", Ct);
        return cards.EnumerateArray()
            .First(c => c.GetProperty("cardNumber").GetString()!.EndsWith(card.CardNumber[^4..], StringComparison.Ordinal))
            .GetProperty("token").GetString()!;
    }
}
