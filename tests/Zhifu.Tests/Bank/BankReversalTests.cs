using Zhifu.Core.Banking;

namespace Zhifu.Tests.Bank;

/// <summary>Reversals (冲正): each original undone at most once, whatever order things arrive in (CARD-4).</summary>
public sealed class BankReversalTests(BankSimulatorFixture bank) : IClassFixture<BankSimulatorFixture>
{
    private readonly IBankChannel _channel = bank.NewChannel();

    [Fact]
    public async Task CARD4_a_debit_is_reversed_once_however_often_the_reversal_is_sent()
    {
        var ct = TestContext.Current.CancellationToken;
        var card = await bank.Admin.OpenCardAsync("ICBC", 10_000, ct);
        await _channel.DebitAsync(card.Movement("rv-debit-1", 4_000), ct);

        var first = await _channel.ReverseAsync(new BankReversalRequest("rv-debit-1", "rv-debit-1-r1"), ct);
        var repeat = await _channel.ReverseAsync(new BankReversalRequest("rv-debit-1", "rv-debit-1-r1"), ct);
        var another = await _channel.ReverseAsync(new BankReversalRequest("rv-debit-1", "rv-debit-1-r2"), ct);

        Assert.Equal(new BankReversalResult(BankOutcome.Succeeded, null, null), first);
        Assert.Equal(first, repeat);
        Assert.Equal(new BankReversalResult(BankOutcome.Succeeded, BankErrorCodes.AlreadyReversed, null), another);
        Assert.Equal(10_000, await bank.Admin.BalanceAsync(card.CardNumber, ct));
        Assert.Equal(BankTransactionStatus.Reversed, (await _channel.QueryAsync("rv-debit-1", ct)).Status);
        // The original request still answers its first outcome; only the query shows the reversal.
        Assert.Equal(BankOutcome.Succeeded, (await _channel.DebitAsync(card.Movement("rv-debit-1", 4_000), ct)).Outcome);
        Assert.Equal(10_000, await bank.Admin.BalanceAsync(card.CardNumber, ct));
    }

    [Fact]
    public async Task CARD4_a_credit_is_reversed_by_taking_the_money_back_unless_it_was_spent()
    {
        var ct = TestContext.Current.CancellationToken;
        var card = await bank.Admin.OpenCardAsync("CCB", 0, ct);
        await _channel.CreditAsync(card.Movement("rv-credit-1", 3_000), ct);
        await _channel.CreditAsync(card.Movement("rv-credit-2", 3_000), ct);

        var undone = await _channel.ReverseAsync(new BankReversalRequest("rv-credit-1", "rv-credit-1-r"), ct);
        await _channel.DebitAsync(card.Movement("rv-credit-spend", 2_500), ct);
        var spent = await _channel.ReverseAsync(new BankReversalRequest("rv-credit-2", "rv-credit-2-r"), ct);
        var spentAgain = await _channel.ReverseAsync(new BankReversalRequest("rv-credit-2", "rv-credit-2-r"), ct);

        Assert.Equal(BankOutcome.Succeeded, undone.Outcome);
        Assert.Equal((BankOutcome.Failed, BankErrorCodes.InsufficientFunds), (spent.Outcome, spent.Code));
        Assert.Equal(spent, spentAgain);
        Assert.Equal(3_000 + 3_000 - 3_000 - 2_500, await bank.Admin.BalanceAsync(card.CardNumber, ct));
        Assert.Equal(BankTransactionStatus.Succeeded, (await _channel.QueryAsync("rv-credit-2", ct)).Status);
    }

    [Fact]
    public async Task CARD4_a_failed_original_cannot_be_reversed()
    {
        var ct = TestContext.Current.CancellationToken;
        var card = await bank.Admin.OpenCardAsync("ABC", 100, ct);
        await _channel.DebitAsync(card.Movement("rv-failed-1", 1_000), ct);

        var result = await _channel.ReverseAsync(new BankReversalRequest("rv-failed-1", "rv-failed-1-r"), ct);

        Assert.Equal(new BankReversalResult(BankOutcome.Failed, BankErrorCodes.OriginalFailed, null), result);
        Assert.Equal(100, await bank.Admin.BalanceAsync(card.CardNumber, ct));
    }

    [Fact]
    public async Task CARD4_a_reversal_that_overtakes_its_original_bars_the_original_from_moving_money()
    {
        var ct = TestContext.Current.CancellationToken;
        var card = await bank.Admin.OpenCardAsync("BOC", 10_000, ct);

        var reversal = await _channel.ReverseAsync(new BankReversalRequest("rv-late-1", "rv-late-1-r"), ct);
        var lateOriginal = await _channel.DebitAsync(card.Movement("rv-late-1", 6_000), ct);

        Assert.Equal(new BankReversalResult(BankOutcome.Succeeded, BankErrorCodes.OriginalNotFound, null), reversal);
        Assert.Equal((BankOutcome.Failed, BankErrorCodes.ReversedBeforeArrival), (lateOriginal.Outcome, lateOriginal.Code));
        Assert.Equal(10_000, await bank.Admin.BalanceAsync(card.CardNumber, ct));
    }

    [Fact]
    public async Task CARD4_a_reversal_id_reused_for_another_original_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        var card = await bank.Admin.OpenCardAsync("CMB", 10_000, ct);
        await _channel.DebitAsync(card.Movement("rv-reuse-1", 1_000), ct);
        await _channel.DebitAsync(card.Movement("rv-reuse-2", 1_000), ct);
        await _channel.ReverseAsync(new BankReversalRequest("rv-reuse-1", "rv-reuse-r"), ct);

        var reused = await _channel.ReverseAsync(new BankReversalRequest("rv-reuse-2", "rv-reuse-r"), ct);

        Assert.Equal((BankOutcome.Failed, BankErrorCodes.ReversalIdConflict), (reused.Outcome, reused.Code));
        Assert.Equal(BankTransactionStatus.Succeeded, (await _channel.QueryAsync("rv-reuse-2", ct)).Status);
        Assert.Equal(9_000, await bank.Admin.BalanceAsync(card.CardNumber, ct));
    }
}
