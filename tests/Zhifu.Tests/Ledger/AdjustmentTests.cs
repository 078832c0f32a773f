using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Core.Ledger;
using Zhifu.Data.Entities;
using Zhifu.Server.Ledger;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.Tests.Ledger;

/// <summary>调账: the records first, then one linked ledger request; an adjustment repeated — even at the same moment — moves money once.</summary>
public sealed class AdjustmentTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FACE6_the_same_adjustment_posted_twice_at_once_moves_the_money_once_and_fails_neither_caller()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        var adjustments = server.Services.GetRequiredService<Adjustments>();
        var ledger = server.Services.GetRequiredService<ILedger>();
        var custody = server.Services.GetRequiredService<InstitutionChart>()[InstitutionChart.Custody("ICBC")];
        Guid wallet;
        await using (var db = server.Database.Options.CreateContext())
        {
            wallet = (await db.Set<UserRow>().AsNoTracking().FirstAsync(u => u.WalletAccountId != Guid.Empty, Ct)).WalletAccountId;
        }
        var before = ledger.GetAccount(wallet)!.Value.AvailableCreditBalance;

        // an operator's decision and the resume worker posting one compensation together (FACE-6), several times over
        for (var round = 0; round < 8; round++)
        {
            var id = Guid.CreateVersion7();
            var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
                adjustments.PostAsync(id, "face-compensation", "concurrent post test", custody, wallet, 100, "test", Ct))));
            Assert.All(results, r => Assert.True(r.IsSuccess(), r.ToString()));
        }

        Assert.Equal(before + 800, ledger.GetAccount(wallet)!.Value.AvailableCreditBalance);
        Assert.True((await server.VerifyAsync()).AllHold);
    }
}
