using Zhifu.Core.Banking;

namespace Zhifu.Tests.Bank;

/// <summary>Debits and credits through HttpBankChannel against the real simulator (CARD-2, CARD-4).</summary>
public sealed class BankMovementTests(BankSimulatorFixture bank) : IClassFixture<BankSimulatorFixture>
{
    private readonly IBankChannel _channel = bank.NewChannel();

    [Fact]
    public async Task CARD2_debit_takes_and_credit_pays_exactly_the_amount()
    {
        var ct = TestContext.Current.CancellationToken;
        var card = await bank.Admin.OpenCardAsync("ICBC", 10_000, ct);

        var debit = await _channel.DebitAsync(card.Movement("mv-debit-1", 2_550, "top-up"), ct);
        var credit = await _channel.CreditAsync(card.Movement("mv-credit-1", 1_000, "withdrawal"), ct);

        Assert.Equal(BankOutcome.Succeeded, debit.Outcome);
        Assert.Equal(BankOutcome.Succeeded, credit.Outcome);
        Assert.NotNull(debit.BankTxnId);
        Assert.NotEqual(debit.BankTxnId, credit.BankTxnId);
        Assert.Equal(10_000 - 2_550 + 1_000, await bank.Admin.BalanceAsync(card.CardNumber, ct));
    }

    [Fact]
    public async Task CARD4_a_repeated_request_id_answers_the_first_outcome_and_moves_money_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var card = await bank.Admin.OpenCardAsync("CCB", 10_000, ct);
        var order = card.Movement("mv-repeat-1", 3_000, "top-up");

        var first = await _channel.DebitAsync(order, ct);
        var second = await _channel.DebitAsync(order, ct);
        var third = await _channel.DebitAsync(order, ct);

        Assert.Equal(BankOutcome.Succeeded, first.Outcome);
        Assert.Equal(first, second);
        Assert.Equal(first, third);
        Assert.Equal(7_000, await bank.Admin.BalanceAsync(card.CardNumber, ct));
    }

    [Fact]
    public async Task CARD4_a_repeated_request_id_with_different_fields_is_refused_and_moves_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var card = await bank.Admin.OpenCardAsync("CCB", 10_000, ct);
        var order = card.Movement("mv-conflict-1", 1_000, "top-up");
        await _channel.DebitAsync(order, ct);

        var otherAmount = await _channel.DebitAsync(order with { AmountFen = 1_001 }, ct);
        var otherMemo = await _channel.DebitAsync(order with { Memo = "other" }, ct);
        var otherDirection = await _channel.CreditAsync(order, ct);

        // refused, and read as unknown: a conflict says nothing of the original (here it succeeded), so nothing may void its hold
        Assert.All([otherAmount, otherMemo, otherDirection], r =>
            Assert.Equal(new BankMovementResult(BankOutcome.Unknown, null, BankErrorCodes.RequestIdConflict, r.Message), r));
        Assert.Equal(9_000, await bank.Admin.BalanceAsync(card.CardNumber, ct));
        Assert.Equal(BankTransactionStatus.Succeeded, (await _channel.QueryAsync(order.RequestId, ct)).Status);
    }

    [Fact]
    public async Task CARD2_insufficient_funds_fail_with_a_code_and_the_repeat_fails_the_same_way()
    {
        var ct = TestContext.Current.CancellationToken;
        var card = await bank.Admin.OpenCardAsync("ABC", 999, ct);
        var order = card.Movement("mv-short-1", 1_000);

        var first = await _channel.DebitAsync(order, ct);
        await _channel.CreditAsync(card.Movement("mv-short-topup", 5_000), ct);
        var repeat = await _channel.DebitAsync(order, ct);

        Assert.Equal(BankOutcome.Failed, first.Outcome);
        Assert.Equal(BankErrorCodes.InsufficientFunds, first.Code);
        // Idempotency means the first answer stands, even though the card could pay now.
        Assert.Equal(first, repeat);
        Assert.Equal(999 + 5_000, await bank.Admin.BalanceAsync(card.CardNumber, ct));
    }

    [Fact]
    public async Task CARD2_a_closed_card_or_a_card_of_another_bank_fails_with_a_code()
    {
        var ct = TestContext.Current.CancellationToken;
        var card = await bank.Admin.OpenCardAsync("BOC", 5_000, ct);
        await bank.Admin.CloseCardAsync(card.CardNumber, ct);

        var closed = await _channel.DebitAsync(card.Movement("mv-closed-1", 100), ct);
        var wrongBank = await _channel.CreditAsync(card.Movement("mv-wrongbank-1", 100) with { Bank = "ICBC" }, ct);

        Assert.Equal((BankOutcome.Failed, BankErrorCodes.CardClosed), (closed.Outcome, closed.Code));
        Assert.Equal((BankOutcome.Failed, BankErrorCodes.CardNotFound), (wrongBank.Outcome, wrongBank.Code));
        Assert.Equal(5_000, await bank.Admin.BalanceAsync(card.CardNumber, ct));
    }

    [Fact]
    public async Task CARD3_a_credit_card_spends_available_credit_up_to_its_limit()
    {
        var ct = TestContext.Current.CancellationToken;
        var card = await bank.Admin.OpenCardAsync("CMB", 20_000, ct, BankCardType.Credit);

        var within = await _channel.DebitAsync(card.Movement("mv-credit-card-1", 15_000), ct);
        var beyond = await _channel.DebitAsync(card.Movement("mv-credit-card-2", 5_001), ct);

        Assert.Equal(BankOutcome.Succeeded, within.Outcome);
        Assert.Equal(BankErrorCodes.InsufficientFunds, beyond.Code);
        Assert.Equal(5_000, await bank.Admin.BalanceAsync(card.CardNumber, ct));
    }

    [Fact]
    public async Task CARD4_query_tells_the_real_status_of_every_request()
    {
        var ct = TestContext.Current.CancellationToken;
        var card = await bank.Admin.OpenCardAsync("ICBC", 1_000, ct);
        var paid = await _channel.DebitAsync(card.Movement("mv-query-ok", 400), ct);
        await _channel.DebitAsync(card.Movement("mv-query-short", 4_000), ct);

        var succeeded = await _channel.QueryAsync("mv-query-ok", ct);
        var failed = await _channel.QueryAsync("mv-query-short", ct);
        var notFound = await _channel.QueryAsync("mv-query-never-sent", ct);

        Assert.Equal(new BankQueryResult(BankTransactionStatus.Succeeded, paid.BankTxnId, BankDirection.Debit, 400, null), succeeded);
        Assert.Equal(
            (BankTransactionStatus.Failed, BankErrorCodes.InsufficientFunds, (long?)4_000), (failed.Status, failed.Code, failed.AmountFen));
        Assert.Equal(new BankQueryResult(BankTransactionStatus.NotFound, null, null, null, null), notFound);
    }
}
