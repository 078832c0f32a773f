using System.Collections.Concurrent;
using Zhifu.Core.Banking;

namespace Zhifu.Tests.Bank;

/// <summary>
/// CARD-4 drill: with 20 % timeouts and 20 % unknown answers, every unknown is resolved by query (and a retry with the same
/// request id when the bank never saw it), and the bank's totals prove that no fen was lost or moved twice.
/// </summary>
public sealed class BankFaultInjectionTests(FaultyBankSimulatorFixture bank) : IClassFixture<FaultyBankSimulatorFixture>
{
    private const int OrdersCount = 240;
    private const int ResolutionRoundsMax = 60;

    [Fact(Timeout = 180_000)]
    public async Task CARD4_unknown_outcomes_resolved_by_query_and_retry_lose_or_duplicate_no_fen()
    {
        var ct = TestContext.Current.CancellationToken;
        // Client timeout well under the simulator's 1.5 s hold, so held answers really are lost.
        var channel = bank.NewChannel(timeoutMs: 400);
        long[] openingFen = [50_000, 20_000, 8_000, 3_000, 500, 0];
        var cards = new List<TestCard>();
        foreach (var fen in openingFen)
        {
            cards.Add(await bank.Admin.OpenCardAsync(cards.Count % 2 == 0 ? "ICBC" : "CCB", fen, ct));
        }
        var before = await bank.Admin.TotalsAsync(ct);
        var dice = new Random(4);
        var orders = Enumerable.Range(0, OrdersCount)
            .Select(i => new Order(
                dice.Next(2) == 0, cards[dice.Next(cards.Count)].Movement($"drill-{i:D4}", dice.Next(1, 6_000), $"drill {i}")))
            .ToList();

        var settled = new ConcurrentBag<Settled>();
        await Parallel.ForEachAsync(orders, new ParallelOptions { MaxDegreeOfParallelism = 12, CancellationToken = ct },
            async (order, token) => settled.Add(await SettleAsync(channel, order, token)));

        var after = await bank.Admin.TotalsAsync(ct);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{settled.Count(s => s.CarriedOutButUnanswered)} carried out but unanswered, {settled.Count(s => s.RetriedAfterNotFound)} "
            + $"resent after not_found, {settled.Count(s => s.Final == BankOutcome.Failed)} failed of {settled.Count}");
        var debitedFen = settled.Where(s => s.Order.IsDebit && s.Final == BankOutcome.Succeeded).Sum(s => s.Order.Request.AmountFen);
        var creditedFen = settled.Where(s => !s.Order.IsDebit && s.Final == BankOutcome.Succeeded).Sum(s => s.Order.Request.AmountFen);
        Assert.Equal(before.BalanceFen - debitedFen + creditedFen, after.BalanceFen);
        Assert.Equal((before.DebitedFen + debitedFen, before.CreditedFen + creditedFen), (after.DebitedFen, after.CreditedFen));
        Assert.Equal(before.SucceededCount + settled.Count(s => s.Final == BankOutcome.Succeeded), after.SucceededCount);
        Assert.True(after.Balanced);
        foreach (var card in cards)
        {
            var mine = settled.Where(s => s.Order.Request.CardNumber == card.CardNumber && s.Final == BankOutcome.Succeeded).ToList();
            var expected = openingFen[cards.IndexOf(card)] - mine.Where(s => s.Order.IsDebit).Sum(s => s.Order.Request.AmountFen)
                + mine.Where(s => !s.Order.IsDebit).Sum(s => s.Order.Request.AmountFen);
            Assert.Equal(expected, await bank.Admin.BalanceAsync(card.CardNumber, ct));
        }
        // Both shapes of an unknown must have happened, or the drill proved less than it claims.
        Assert.Contains(settled, s => s.CarriedOutButUnanswered);
        Assert.Contains(settled, s => s.RetriedAfterNotFound);
        Assert.Contains(settled, s => s.Final == BankOutcome.Failed);
    }

    /// <summary>What the platform does with one order: send, and while unknown, query; resend with the same id only if not found.</summary>
    private static async Task<Settled> SettleAsync(IBankChannel channel, Order order, CancellationToken ct)
    {
        var result = await order.SendAsync(channel, ct);
        bool hidden = false, retried = false;
        for (var round = 0; result.Outcome == BankOutcome.Unknown; round++)
        {
            Assert.True(round < ResolutionRoundsMax, $"{order.Request.RequestId} still unknown after {round} rounds");
            var query = await channel.QueryAsync(order.Request.RequestId, ct);
            switch (query.Status)
            {
                case BankTransactionStatus.Succeeded or BankTransactionStatus.Failed:
                    hidden = true;
                    var found = query.Status == BankTransactionStatus.Succeeded ? BankOutcome.Succeeded : BankOutcome.Failed;
                    result = result with { Outcome = found };
                    break;
                case BankTransactionStatus.NotFound:
                    retried = true;
                    result = await order.SendAsync(channel, ct);
                    break;
                case BankTransactionStatus.Unknown:
                    break;
                default:
                    Assert.Fail($"{order.Request.RequestId}: unexpected {query.Status}");
                    break;
            }
        }
        // The platform's conclusion must be the bank's record, whichever way it was reached.
        var record = await channel.QueryAsync(order.Request.RequestId, ct);
        var concluded = result.Outcome == BankOutcome.Succeeded ? BankTransactionStatus.Succeeded : BankTransactionStatus.Failed;
        Assert.Equal(concluded, record.Status);
        return new Settled(order, result.Outcome, hidden, retried);
    }

    private sealed record Order(bool IsDebit, BankMovementRequest Request)
    {
        public Task<BankMovementResult> SendAsync(IBankChannel channel, CancellationToken ct) =>
            IsDebit ? channel.DebitAsync(Request, ct) : channel.CreditAsync(Request, ct);
    }

    private sealed record Settled(Order Order, BankOutcome Final, bool CarriedOutButUnanswered, bool RetriedAfterNotFound);
}
