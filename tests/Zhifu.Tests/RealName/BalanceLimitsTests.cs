using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Banking;
using Zhifu.Core.Ledger;
using Zhifu.Data.Entities;
using Zhifu.Server.Ledger;
using Zhifu.Server.RealName.Limits;
using Zhifu.Tests.Lifecycle;

namespace Zhifu.Tests.RealName;

/// <summary>
/// ACC-2's cumulative balance limits through the real ledger, on a server whose clock the test moves. The demo people are
/// Class Ⅲ (张三), Ⅱ (李四) and Ⅰ (王五); each "payment" is the limit legs linked to a wallet debit, as features submit them.
/// </summary>
public sealed class BalanceLimitsTests
{
    private const long Yuan = 100;

    [Fact]
    public async Task Class_I_wallet_cannot_pay_past_1000_yuan_since_opening_and_the_limit_never_resets()
    {
        await using var server = await ClockedServer.StartAsync();
        var payer = await LimitPayer.ForAsync(server, DemoCards.WangWu, fundFen: 2_000 * Yuan);
        var before = payer.WalletFen();

        Assert.True((await payer.PayAsync(BalanceUse.Consumption, 99_999)).Paid);
        var over = (await payer.PayAsync(BalanceUse.TransferOut, 2)).Refusal!;
        Assert.Equal(("CLASS_ONE_LIMIT_EXCEEDED", 1L, 100_000L), (over.Code, over.RemainingFen, over.LimitFen));
        Assert.Null(over.ResetsAt);
        Assert.True((await payer.PayAsync(BalanceUse.TransferOut, 1)).Paid); // exactly at the limit
        Assert.Equal(0, (await payer.PayAsync(BalanceUse.Consumption, 1)).Refusal!.RemainingFen);

        server.Clock.Advance(TimeSpan.FromDays(400)); // since opening: a new year gives nothing back
        Assert.Equal("CLASS_ONE_LIMIT_EXCEEDED", (await payer.PayAsync(BalanceUse.Consumption, 1)).Refusal!.Code);
        Assert.Equal(before - 100_000, payer.WalletFen());
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task Class_I_counts_transfers_to_the_holders_own_card_and_class_II_does_not()
    {
        await using var server = await ClockedServer.StartAsync();
        var classOne = await LimitPayer.ForAsync(server, DemoCards.WangWu, fundFen: 2_000 * Yuan);
        Assert.True((await classOne.PayAsync(BalanceUse.OwnCardWithdrawal, 100_000)).Paid);
        Assert.Equal("CLASS_ONE_LIMIT_EXCEEDED", (await classOne.PayAsync(BalanceUse.Consumption, 1)).Refusal!.Code);

        var classTwo = await LimitPayer.ForAsync(server, DemoCards.LiSi, fundFen: 300_000 * Yuan);
        var (check, _) = await classTwo.PrepareAsync(BalanceUse.OwnCardWithdrawal, 150_000 * Yuan);
        Assert.True(check.Allowed);
        Assert.Empty(check.Legs); // ACC-2: the yearly limits exclude withdrawals to the holder's own bank account
        Assert.True((await classTwo.PayAsync(BalanceUse.OwnCardWithdrawal, 150_000 * Yuan)).Paid);
        Assert.True((await classTwo.PayAsync(BalanceUse.Consumption, 100_000 * Yuan)).Paid);
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task Class_II_wallet_is_held_to_100000_yuan_a_year_and_gets_it_back_at_midnight_on_1_January_China_time()
    {
        await using var server = await ClockedServer.StartAsync();
        var payer = await LimitPayer.ForAsync(server, DemoCards.LiSi, fundFen: 150_000 * Yuan);
        var nextYear = LimitPeriods.StartOfYear(LimitPeriods.YearOf(server.Clock.UtcNow) + 1);
        server.Clock.Advance(nextYear - server.Clock.UtcNow - TimeSpan.FromSeconds(1)); // 23:59:59 on 31 December in Beijing

        Assert.True((await payer.PayAsync(BalanceUse.Consumption, 100_000 * Yuan - 1)).Paid);
        Assert.True((await payer.PayAsync(BalanceUse.TransferOut, 1)).Paid); // exactly at the limit
        var over = (await payer.PayAsync(BalanceUse.Consumption, 1)).Refusal!;
        Assert.Equal(("CLASS_TWO_YEAR_LIMIT_EXCEEDED", 0L, nextYear), (over.Code, over.RemainingFen, over.ResetsAt));
        Assert.Contains("¥100,000.00", over.Zh, StringComparison.Ordinal);

        server.Clock.Advance(TimeSpan.FromSeconds(1)); // the new year in China, still the old one in UTC
        Assert.True((await payer.PayAsync(BalanceUse.Consumption, 1)).Paid);
        var status = Assert.Single(await payer.Limits.StatusAsync(payer.User.Id, TestContext.Current.CancellationToken));
        Assert.Equal((10_000_000L - 1, (DateTimeOffset?)LimitPeriods.StartOfYear(LimitPeriods.YearOf(nextYear) + 1)),
            (status.RemainingFen, status.ResetsAt));
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task ACC2_unverified_wallets_may_not_use_the_balance_and_only_class_III_may_buy_investments()
    {
        await using var server = await ClockedServer.StartAsync();
        var classTwo = await LimitPayer.ForAsync(server, DemoCards.LiSi, fundFen: 0);
        Assert.Equal("INVESTMENT_REQUIRES_CLASS_THREE", (await classTwo.PayAsync(BalanceUse.Investment, 1)).Refusal!.Code);
        var classThree = await LimitPayer.ForAsync(server, DemoCards.ZhangSan, fundFen: 0);
        Assert.True((await classThree.PayAsync(BalanceUse.Investment, 100)).Paid);

        await classTwo.SetClassAsync(0);
        var refusal = (await classTwo.PayAsync(BalanceUse.Consumption, 1)).Refusal!;
        Assert.Equal(("BALANCE_REQUIRES_REAL_NAME", 403), (refusal.Code, refusal.ToError().Status));
    }

    [Fact]
    public async Task ACC2_a_class_change_moves_the_allowance_by_the_difference_and_counts_what_was_already_used_this_year()
    {
        await using var server = await ClockedServer.StartAsync();
        var payer = await LimitPayer.ForAsync(server, DemoCards.WangWu, fundFen: 300_000 * Yuan);
        Assert.True((await payer.PayAsync(BalanceUse.Consumption, 600 * Yuan)).Paid);

        await payer.SetClassAsync(2); // Ⅰ → Ⅱ: the year so far counts
        Assert.Equal(10_000_000 - 60_000, await payer.RemainingAsync());
        await payer.SetClassAsync(3); // Ⅱ → Ⅲ: ¥100,000 more
        Assert.True((await payer.PayAsync(BalanceUse.Consumption, 150_000 * Yuan - 600 * Yuan)).Paid);
        Assert.Equal(50_000 * Yuan, await payer.RemainingAsync());

        await payer.SetClassAsync(2); // Ⅲ → Ⅱ after ¥150,000 used: nothing left, never below zero
        Assert.Equal(0, await payer.RemainingAsync());
        Assert.Equal("CLASS_TWO_YEAR_LIMIT_EXCEEDED", (await payer.PayAsync(BalanceUse.Consumption, 1)).Refusal!.Code);
        await payer.SetClassAsync(3); // and back: exactly what Class Ⅲ leaves after ¥150,000
        Assert.Equal(50_000 * Yuan, await payer.RemainingAsync());
        Assert.True((await server.VerifyAsync()).AllHold);
    }

    [Fact]
    public async Task ACC2_concurrent_payments_can_never_overshoot_the_limit_because_the_ledger_enforces_it()
    {
        await using var server = await ClockedServer.StartAsync();
        var payer = await LimitPayer.ForAsync(server, DemoCards.WangWu, fundFen: 5_000 * Yuan);
        var before = payer.WalletFen();

        // 40 payments of ¥100 against ¥1,000, all checked before any commits: only the ledger can stop the extra ones.
        var checks = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => payer.PrepareAsync(BalanceUse.Consumption, 100 * Yuan)));
        Assert.All(checks, c => Assert.True(c.Check.Allowed));
        var outcomes = await Task.WhenAll(checks.Select(c => payer.SubmitAsync(c.Check, c.BusinessId, 100 * Yuan)));

        Assert.Equal(10, outcomes.Count(o => o.Paid));
        Assert.All(outcomes.Where(o => !o.Paid),
            o => Assert.Equal(("CLASS_ONE_LIMIT_EXCEEDED", 0L), (o.Refusal!.Code, o.Refusal.RemainingFen)));
        Assert.Equal(before - 1_000 * Yuan, payer.WalletFen());
        Assert.Equal(0, await payer.RemainingAsync());
        var report = await server.VerifyAsync();
        Assert.True(report.AllHold, string.Join("; ", report.Checks.Where(c => !c.Holds).Select(c => c.Name + ": " + c.Detail)));
    }
}

/// <summary>A demo wallet that pays from its balance the way a payment feature would: limit legs linked to the debit.</summary>
internal sealed class LimitPayer
{
    private readonly ClockedServer _server;
    private readonly Guid _merchantAccount;

    private LimitPayer(ClockedServer server, UserRow user, Guid merchantAccount) =>
        (_server, User, _merchantAccount) = (server, user, merchantAccount);

    public UserRow User { get; }

    public BalanceLimits Limits => _server.Services.GetRequiredService<BalanceLimits>();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ILedger Ledger => _server.Services.GetRequiredService<ILedger>();

    public static async Task<LimitPayer> ForAsync(ClockedServer server, DemoPerson person, long fundFen)
    {
        await using var db = server.Database.Options.CreateContext();
        var users = await db.Set<UserRow>().AsNoTracking().ToListAsync(Ct);
        var personalData = server.Services.GetRequiredService<Zhifu.Server.Security.PersonalData>();
        var index = personalData.BlindIndex(person.Phone, Zhifu.Server.Security.PersonalData.Phone);
        var user = users.Single(u => u.PhoneIndex!.AsSpan().SequenceEqual(index));
        var merchant = await db.Merchants.AsNoTracking().FirstAsync(Ct);
        if (fundFen > 0)
        {
            var chart = server.Services.GetRequiredService<InstitutionChart>();
            var adjustments = server.Services.GetRequiredService<Adjustments>();
            var funded = await adjustments.PostAsync(Guid.CreateVersion7(), "test-funding", "ACC-2 limits",
                chart[InstitutionChart.Custody("ICBC")], user.WalletAccountId, fundFen, "test", Ct);
            Assert.True(funded.IsSuccess());
        }
        return new LimitPayer(server, user, merchant.PendingAccountId);
    }

    public long WalletFen() => Ledger.GetAccount(User.WalletAccountId)!.Value.AvailableCreditBalance;

    public async Task<long> RemainingAsync() => (await Limits.StatusAsync(User.Id, Ct)).Min(s => s.RemainingFen);

    public async Task SetClassAsync(int accountClass)
    {
        await using var db = _server.Database.Options.CreateContext();
        await db.Set<UserRow>().Where(u => u.Id == User.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.AccountClass, accountClass), Ct);
    }

    public async Task<(LimitCheck Check, Guid BusinessId)> PrepareAsync(BalanceUse use, long fen)
    {
        var businessId = Guid.CreateVersion7();
        return (await Limits.PrepareAsync(User.Id, use, fen, businessId, Ct), businessId);
    }

    public async Task<(bool Paid, LimitRefusal? Refusal)> PayAsync(BalanceUse use, long fen)
    {
        var (check, businessId) = await PrepareAsync(use, fen);
        return check.Allowed ? await SubmitAsync(check, businessId, fen) : (false, check.Refusal);
    }

    /// <summary>The debit with its own business record (an adjustment row stands in for the payment record), after the legs.</summary>
    public async Task<(bool Paid, LimitRefusal? Refusal)> SubmitAsync(LimitCheck check, Guid businessId, long fen)
    {
        await using (var db = _server.Database.Options.CreateContext())
        {
            db.Adjustments.Add(new AdjustmentRow
            {
                Id = businessId, Kind = "test-payment", Reason = "ACC-2 limit test", AmountFen = fen, DebitAccountId = User.WalletAccountId,
                CreditAccountId = _merchantAccount, CreatedBy = "test", CreatedAt = _server.Clock.UtcNow,
            });
            await db.SaveChangesAsync(Ct);
        }
        var move = new Transfer
        {
            Id = businessId, DebitAccountId = User.WalletAccountId, CreditAccountId = _merchantAccount, AmountFen = fen,
            Ledger = Ledgers.Cny, Code = TransferCode.Adjustment, BusinessId = businessId,
        };
        var results = await Ledger.SubmitAsync(check.Before([move]), Ct);
        if (results.All(r => r.IsSuccess()))
        {
            return (true, null);
        }
        return (false, Limits.Explain(check, results) ?? throw new InvalidOperationException(string.Join(", ", results)));
    }
}
