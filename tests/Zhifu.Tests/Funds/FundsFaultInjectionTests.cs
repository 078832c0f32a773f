using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Data.Entities;
using Zhifu.Server.Funds;
using Zhifu.Tests.Bank;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.Tests.Funds;

/// <summary>
/// CARD-4 and SEC-3: with the bank timing out and answering "unknown" 20 % of the time each, top-ups and withdrawals are
/// settled by query, resend or reversal — and afterwards the ledger (verify) and the bank's own records agree to the fen.
/// </summary>
public sealed class FundsFaultInjectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task No_fen_is_lost_or_duplicated_when_the_bank_times_out_or_answers_unknown()
    {
        await using var server = await ZhifuTestServer.StartAsync(null, "--Bank:TimeoutMs=400", "--Funds:ResolveAfterSeconds=0",
            "--Funds:RecoveryIntervalSeconds=3600");
        var f = await FundsFixture.CreateAsync(server, DemoCards.ZhangSan);
        var card = DemoCards.ZhangSan.Cards[1];
        var token = await f.VaultCardAsync(card);
        var cardBefore = await f.Bank.BalanceAsync(card.CardNumber, Ct);
        var (walletBefore, _) = await f.BalanceAsync();
        await f.Bank.SetFaultsAsync(new BankAdminClient.Faults(TimeoutRate: 0.2, UnknownRate: 0.2, TimeoutHoldMs: 900, Seed: 7), Ct);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            statuses.Add((await f.TopUpAsync(token, 1_000 + i)).StatusCode);
            statuses.Add((await f.WithdrawAsync(token, 500 + i)).StatusCode);
        }
        Assert.Contains(HttpStatusCode.Accepted, statuses); // some answers really were unknown

        // The bank recovers; the recovery worker settles everything it can, a bounded number of rounds.
        await f.Bank.SetFaultsAsync(new BankAdminClient.Faults(), Ct);
        var worker = server.Services.GetRequiredService<FundsRecoveryWorker>();
        for (var round = 0; round < 10 && await worker.RunOnceAsync(Ct) > 0; round++)
        {
        }

        await using var db = server.Database.Options.CreateContext();
        var movements = await db.Set<FundMovementRow>().AsNoTracking().Where(m => m.UserId == f.UserId).ToListAsync(Ct);
        Assert.All(movements, m => Assert.Contains(m.Status, new[] { FundMovements.Succeeded, FundMovements.Failed }));
        long Net(string kind) => movements.Where(m => m.Kind == kind && m.Status == FundMovements.Succeeded).Sum(m => m.AmountFen);
        var net = Net(FundMovements.TopUp) - Net(FundMovements.Withdrawal);

        Assert.Equal(walletBefore + net, (await f.BalanceAsync()).Balance);              // the platform's books
        Assert.Equal(cardBefore - net, await f.Bank.BalanceAsync(card.CardNumber, Ct));  // the bank's own record of the card
        Assert.True((await f.Bank.TotalsAsync(Ct)).Balanced);
        var report = await server.VerifyAsync();
        Assert.True(report.AllHold, string.Join("; ", report.Checks.Where(c => !c.Holds).Select(c => c.Detail)));
    }
}
