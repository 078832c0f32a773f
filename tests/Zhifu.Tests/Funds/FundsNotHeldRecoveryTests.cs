using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Core.Ledger;
using Zhifu.Data.Entities;
using Zhifu.Server.Funds;
using Zhifu.Server.Ledger;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.Tests.Funds;

/// <summary>
/// CARD-4, the other crash window: the process died after writing the movement but before its hold reached the ledger. The
/// recovery must not send it to the bank (money the ledger never reserved); it bars it with a reversal and fails it.
/// </summary>
public sealed class FundsNotHeldRecoveryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(FundMovements.Withdrawal)]
    [InlineData(FundMovements.TopUp)]
    public async Task CARD4_a_movement_whose_hold_never_reached_the_ledger_is_failed_and_never_sent(string kind)
    {
        await using var server = await ZhifuTestServer.StartAsync(null, "--Funds:ResolveAfterSeconds=0",
            "--Funds:RecoveryIntervalSeconds=3600");
        var li = await WithdrawalKit.SignInAsync(server, DemoCards.LiSi);
        var card = DemoCards.LiSi.Cards[0];
        var token = await li.TokenAsync(card);
        var (wallet, cardBefore) = (await li.BalanceAsync(), await li.Bank.BalanceAsync(card.CardNumber, Ct));
        var movement = new FundMovementRow
        {
            Id = Guid.CreateVersion7(), UserId = li.UserId, Kind = kind, CardToken = token, Bank = card.Bank, CardType = "debit",
            CardMasked = "6222 **** **** " + card.CardNumber[^4..], AmountFen = 7_700,
            WalletLedgerAccountId = (await WalletAccountAsync(server, li.UserId)),
            ClearingAccountId = server.Services.GetRequiredService<InstitutionChart>()[InstitutionChart.Clearing(card.Bank)],
            Status = FundMovements.Pending, CreatedAt = DateTimeOffset.UtcNow,
        };
        await using (var db = server.Database.Options.CreateContext())
        {
            db.Add(movement);
            await db.SaveChangesAsync(Ct);
        }

        await server.Services.GetRequiredService<FundsRecoveryWorker>().RunOnceAsync(Ct);

        var settled = await li.Wallet.GetFromJsonAsync<JsonElement>($"/api/wallet/me/fund-movements/{movement.Id}", Ct);
        Assert.Equal(("failed", "not-held"), (settled.GetProperty("status").GetString(), settled.GetProperty("failureCode").GetString()));
        Assert.Equal((wallet, cardBefore), (await li.BalanceAsync(), await li.Bank.BalanceAsync(card.CardNumber, Ct)));
        // A hold arriving late (the request that wrote the row was only slow) cannot reach the card: the reversal barred it.
        var late = await server.Services.GetRequiredService<IBankChannel>().CreditAsync(
            new BankMovementRequest(movement.Id.ToString("N"), card.Bank, card.CardNumber, 7_700, "late"), Ct);
        Assert.NotEqual(BankOutcome.Succeeded, late.Outcome);
        Assert.Equal(cardBefore, await li.Bank.BalanceAsync(card.CardNumber, Ct));
        // …nor the ledger: its hold arriving now is refused (the id is barred), so no money is held for a settled movement.
        var topUp = kind == FundMovements.TopUp;
        var lateHold = await server.Services.GetRequiredService<ILedger>().SubmitAsync([new Transfer
        {
            Id = movement.Id, Ledger = Ledgers.Cny, Flags = TransferFlags.Pending, BusinessId = movement.Id, AmountFen = 7_700,
            DebitAccountId = topUp ? movement.ClearingAccountId : movement.WalletLedgerAccountId,
            CreditAccountId = topUp ? movement.WalletLedgerAccountId : movement.ClearingAccountId,
            Code = topUp ? TransferCode.TopUp : TransferCode.Withdrawal,
        }], Ct);
        Assert.False(lateHold[0].IsSuccess(), lateHold[0].ToString());
        Assert.Equal(wallet, await li.BalanceAsync());
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    private static async Task<Guid> WalletAccountAsync(ZhifuTestServer server, Guid userId)
    {
        await using var db = server.Database.Options.CreateContext();
        return (await db.Set<UserRow>().SingleAsync(u => u.Id == userId, Ct)).WalletAccountId;
    }
}
