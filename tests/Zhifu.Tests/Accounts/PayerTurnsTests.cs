using Zhifu.Server.Accounts;

namespace Zhifu.Tests.Accounts;

/// <summary>RISK-2: one risk decision per payer at a time in a server process (<see cref="PayerTurns"/>).</summary>
public sealed class PayerTurnsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RISK2_a_payers_second_decision_waits_for_the_first_while_another_payer_goes_ahead()
    {
        var turns = new PayerTurns(TimeSpan.FromSeconds(10));
        var (payer, other) = (Guid.NewGuid(), Guid.NewGuid());
        var first = await turns.TakeAsync(payer, Ct);
        Assert.NotNull(first);
        var second = turns.TakeAsync(payer, Ct);
        using (var elsewhere = await turns.TakeAsync(other, Ct)) // another payer is not held up
        {
            Assert.NotNull(elsewhere);
        }
        await Task.Delay(100, Ct);
        Assert.False(second.IsCompleted);
        first!.Dispose();
        first.Dispose(); // given back once, however often disposed
        using (var next = await second.WaitAsync(TimeSpan.FromSeconds(5), Ct))
        {
            Assert.NotNull(next);
            Assert.Equal(1, turns.Busy);
        }
        Assert.Equal(0, turns.Busy); // nothing kept for a payer with no decision under way
    }

    [Fact]
    public async Task RISK2_a_decision_that_waits_past_the_limit_gets_no_turn_and_leaves_nothing_held()
    {
        var turns = new PayerTurns(TimeSpan.FromMilliseconds(200));
        var payer = Guid.NewGuid();
        using (var first = await turns.TakeAsync(payer, Ct))
        {
            Assert.Null(await turns.TakeAsync(payer, Ct)); // the caller answers PAYMENT_PAYER_BUSY / TRANSFER_IN_PROGRESS
            using var cancelled = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => turns.TakeAsync(payer, cancelled.Token));
        }
        Assert.Equal(0, turns.Busy);
        using var again = await turns.TakeAsync(payer, Ct);
        Assert.NotNull(again);
    }
}
