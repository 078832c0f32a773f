using Zhifu.Core.Ledger;

namespace Zhifu.Tests.Ledger;

/// <summary>The ledger's rules, one by one, through the real batched writer and database (architecture.md, "Money and the ledger").</summary>
public sealed class LedgerRulesTests
{
    private const AccountFlags NoNegative = AccountFlags.DebitsMustNotExceedCredits;

    [Fact]
    public async Task Wallet_cannot_be_overdrawn_and_a_refused_transfer_changes_nothing()
    {
        await using var h = await LedgerHarness.CreateAsync();
        var custody = await h.AccountAsync(AccountCode.CustodyReserve);
        var wallet = await h.AccountAsync(AccountCode.UserWallet, NoNegative);
        var merchant = await h.AccountAsync(AccountCode.MerchantPending, NoNegative);
        Assert.Equal(TransferResult.Ok, await h.SubmitAsync(h.Move(custody, wallet, 10_000)));

        Assert.Equal(TransferResult.ExceedsCredits, await h.SubmitAsync(h.Move(wallet, merchant, 10_001)));

        Assert.Equal(10_000, h.Writer.GetAccount(wallet)!.Value.AvailableCreditBalance);
        Assert.Equal(0, h.Writer.GetAccount(merchant)!.Value.CreditsPosted);
        Assert.Equal(TransferResult.Ok, await h.SubmitAsync(h.Move(wallet, merchant, 10_000)));
        Assert.Equal(0, h.Writer.GetAccount(wallet)!.Value.AvailableCreditBalance);
        await h.AssertInvariantsAsync();
    }

    [Fact]
    public async Task Repeated_id_answers_the_first_outcome_and_moves_money_once()
    {
        await using var h = await LedgerHarness.CreateAsync();
        var custody = await h.AccountAsync(AccountCode.CustodyReserve);
        var wallet = await h.AccountAsync(AccountCode.UserWallet, NoNegative);
        var payment = h.Move(custody, wallet, 500);

        Assert.Equal(TransferResult.Ok, await h.SubmitAsync(payment));
        Assert.Equal(TransferResult.Exists, await h.SubmitAsync(payment));
        Assert.Equal(TransferResult.ExistsWithDifferentFields, await h.SubmitAsync(payment with { AmountFen = 501 }));
        Assert.Equal(500, h.Writer.GetAccount(wallet)!.Value.CreditsPosted);

        var overdraft = h.Move(wallet, custody, 10_000);
        Assert.Equal(TransferResult.ExceedsCredits, await h.SubmitAsync(overdraft));
        await h.SubmitAsync(h.Move(custody, wallet, 20_000));
        // The first outcome stands even though the balance would now allow it: the caller must use a new id.
        Assert.Equal(TransferResult.ExceedsCredits, await h.SubmitAsync(overdraft));
        Assert.Equal(20_500, h.Writer.GetAccount(wallet)!.Value.AvailableCreditBalance);
        await h.AssertInvariantsAsync();
    }

    [Fact]
    public async Task Repeated_id_is_recognised_after_restart_even_when_evicted_from_memory()
    {
        await using var h = await LedgerHarness.CreateAsync(new() { RecentTransferCapacity = 2 });
        var custody = await h.AccountAsync(AccountCode.CustodyReserve);
        var wallet = await h.AccountAsync(AccountCode.UserWallet, NoNegative);
        var first = h.Move(custody, wallet, 100);
        await h.SubmitAsync(first);
        for (var i = 0; i < 5; i++)
        {
            await h.SubmitAsync(h.Move(custody, wallet, 1));
        }
        h.Restart();

        // Not in memory any more: the primary key refuses it and the writer replays with the stored outcome.
        Assert.Equal(TransferResult.Exists, await h.SubmitAsync(first));
        Assert.Equal(105, h.Writer.GetAccount(wallet)!.Value.CreditsPosted);
        await h.AssertInvariantsAsync();
    }

    [Fact]
    public async Task The_same_id_twice_in_one_chain_moves_money_once_and_fails_no_other_request_of_the_batch()
    {
        await using var h = await LedgerHarness.CreateAsync();
        var custody = await h.AccountAsync(AccountCode.CustodyReserve);
        var wallet = await h.AccountAsync(AccountCode.UserWallet, NoNegative);
        var other = await h.AccountAsync(AccountCode.UserWallet, NoNegative);

        // the repeat answers the first inside the chain (not yet stored while the chain is open) and moves nothing a second time
        var twice = h.Move(custody, wallet, 100, TransferFlags.Linked);
        Assert.Equal([TransferResult.Ok, TransferResult.Exists, TransferResult.Ok],
            await h.SubmitManyAsync([twice, twice, h.Move(custody, other, 7)]));
        Assert.Equal(100, h.Writer.GetAccount(wallet)!.Value.CreditsPosted);

        // a different body under the same id fails its chain, moving nothing; a request sharing its batch commits all the same
        var again = h.Move(custody, wallet, 100, TransferFlags.Linked);
        var (refused, unrelated) = (h.SubmitManyAsync([again, again with { AmountFen = 101 }, h.Move(custody, other, 5)]),
            h.SubmitAsync(h.Move(custody, other, 3)));
        Assert.Equal([TransferResult.LinkedEventFailed, TransferResult.ExistsWithDifferentFields, TransferResult.LinkedEventFailed], await refused);
        Assert.Equal(TransferResult.Ok, await unrelated);
        Assert.Equal((100L, 10L), (h.Writer.GetAccount(wallet)!.Value.CreditsPosted, h.Writer.GetAccount(other)!.Value.CreditsPosted));
        h.Restart();
        Assert.Equal((100L, 10L), (h.Writer.GetAccount(wallet)!.Value.CreditsPosted, h.Writer.GetAccount(other)!.Value.CreditsPosted)); // as stored
        await h.AssertInvariantsAsync();
    }

    [Fact]
    public async Task Linked_transfers_apply_all_or_nothing()
    {
        await using var h = await LedgerHarness.CreateAsync();
        var custody = await h.AccountAsync(AccountCode.CustodyReserve);
        var payer = await h.AccountAsync(AccountCode.UserWallet, NoNegative);
        var merchant = await h.AccountAsync(AccountCode.MerchantPending, NoNegative);
        var fees = await h.AccountAsync(AccountCode.FeeIncome);
        await h.SubmitAsync(h.Move(custody, payer, 1_000));

        // Payment = payer → merchant, then merchant → fee income; the fee leg is too large for the merchant.
        var results = await h.SubmitManyAsync([
            h.Move(payer, merchant, 1_000, TransferFlags.Linked),
            h.Move(merchant, fees, 1_001),
        ]);
        Assert.Equal([TransferResult.LinkedEventFailed, TransferResult.ExceedsCredits], results);
        Assert.Equal(1_000, h.Writer.GetAccount(payer)!.Value.AvailableCreditBalance);
        Assert.Equal(0, h.Writer.GetAccount(merchant)!.Value.CreditsPosted);

        results = await h.SubmitManyAsync([
            h.Move(payer, merchant, 1_000, TransferFlags.Linked),
            h.Move(merchant, fees, 6),
        ]);
        Assert.Equal([TransferResult.Ok, TransferResult.Ok], results);
        Assert.Equal(994, h.Writer.GetAccount(merchant)!.Value.AvailableCreditBalance);

        var open = await h.SubmitManyAsync([h.Move(custody, payer, 1, TransferFlags.Linked)]);
        Assert.Equal([TransferResult.LinkedEventChainOpen], open);
        await h.AssertInvariantsAsync();
    }

    [Fact]
    public async Task Hold_can_be_posted_in_part_or_voided_but_resolved_only_once()
    {
        await using var h = await LedgerHarness.CreateAsync();
        var custody = await h.AccountAsync(AccountCode.CustodyReserve);
        var wallet = await h.AccountAsync(AccountCode.UserWallet, NoNegative);
        var transit = await h.AccountAsync(AccountCode.InTransit, NoNegative);
        await h.SubmitAsync(h.Move(custody, wallet, 1_000));

        var hold = h.Move(wallet, transit, 800, TransferFlags.Pending);
        Assert.Equal(TransferResult.Ok, await h.SubmitAsync(hold));
        Assert.Equal(200, h.Writer.GetAccount(wallet)!.Value.AvailableCreditBalance);
        Assert.Equal(TransferResult.ExceedsCredits, await h.SubmitAsync(h.Move(wallet, custody, 201)));

        var post = h.Move(Guid.Empty, Guid.Empty, 300, TransferFlags.PostPending) with { PendingId = hold.Id };
        Assert.Equal(TransferResult.ExceedsPendingTransferAmount, await h.SubmitAsync(post with { Id = Guid.CreateVersion7(), AmountFen = 801 }));
        Assert.Equal(TransferResult.Ok, await h.SubmitAsync(post));
        Assert.Equal(700, h.Writer.GetAccount(wallet)!.Value.AvailableCreditBalance);
        Assert.Equal(300, h.Writer.GetAccount(transit)!.Value.CreditsPosted);

        var voidIt = h.Move(Guid.Empty, Guid.Empty, 0, TransferFlags.VoidPending) with { PendingId = hold.Id };
        Assert.Equal(TransferResult.PendingTransferAlreadyPosted, await h.SubmitAsync(voidIt));
        Assert.Equal(TransferResult.Exists, await h.SubmitAsync(post));

        var second = h.Move(wallet, transit, 100, TransferFlags.Pending);
        await h.SubmitAsync(second);
        Assert.Equal(TransferResult.Ok, await h.SubmitAsync(voidIt with { Id = Guid.CreateVersion7(), PendingId = second.Id }));
        h.Restart(); // resolved holds are looked up in the database after a restart
        Assert.Equal(TransferResult.PendingTransferAlreadyVoided,
            await h.SubmitAsync(post with { Id = Guid.CreateVersion7(), PendingId = second.Id, AmountFen = 0 }));
        Assert.Equal(TransferResult.PendingTransferNotPending,
            await h.SubmitAsync(post with { Id = Guid.CreateVersion7(), PendingId = post.Id }));
        Assert.Equal(700, h.Writer.GetAccount(wallet)!.Value.AvailableCreditBalance);
        await h.AssertInvariantsAsync();
    }

    [Fact]
    public async Task A_hold_still_open_sent_again_after_a_restart_answers_exists_and_the_writer_goes_on()
    {
        await using var h = await LedgerHarness.CreateAsync();
        var custody = await h.AccountAsync(AccountCode.CustodyReserve);
        var wallet = await h.AccountAsync(AccountCode.UserWallet, NoNegative);
        var transit = await h.AccountAsync(AccountCode.ChannelClearing);
        await h.SubmitAsync(h.Move(custody, wallet, 2_000)); // enough to hold it twice
        var hold = h.Move(wallet, transit, 600, TransferFlags.Pending);
        var fee = h.Move(custody, transit, 1);
        Assert.Equal([TransferResult.Ok, TransferResult.Ok], await h.SubmitManyAsync([hold with { Flags = hold.Flags | TransferFlags.Linked }, fee]));

        // A worker resubmits the request of a hold still open (e.g. a refund awaiting review) after the server restarted: the
        // in-memory cache no longer knows the id. Before: the writer opened the same hold again, threw, and stopped for good.
        h.Restart();
        Assert.Equal([TransferResult.Exists, TransferResult.Exists],
            await h.SubmitManyAsync([hold with { Flags = hold.Flags | TransferFlags.Linked }, fee]));
        h.Restart();
        Assert.Equal(TransferResult.ExistsWithDifferentFields, await h.SubmitAsync(hold with { AmountFen = 500 }));
        Assert.Equal(1_400, h.Writer.GetAccount(wallet)!.Value.AvailableCreditBalance); // held once
        Assert.Equal(1, h.Writer.OpenPendingCount);
        Assert.Equal(TransferResult.Ok, await h.SubmitAsync(h.Move(Guid.Empty, Guid.Empty, 0, TransferFlags.PostPending) with { PendingId = hold.Id }));
        Assert.Equal(TransferResult.Ok, await h.SubmitAsync(h.Move(wallet, custody, 1_400))); // and the writer still works
        Assert.Equal(0, h.Writer.GetAccount(wallet)!.Value.AvailableCreditBalance);
        await h.AssertInvariantsAsync();
    }

    [Fact]
    public async Task Hold_past_its_timeout_is_released_and_can_no_longer_be_posted()
    {
        await using var h = await LedgerHarness.CreateAsync();
        var custody = await h.AccountAsync(AccountCode.CustodyReserve);
        var wallet = await h.AccountAsync(AccountCode.UserWallet, NoNegative);
        var clearing = await h.AccountAsync(AccountCode.ChannelClearing);
        await h.SubmitAsync(h.Move(custody, wallet, 1_000));
        var hold = h.Move(wallet, clearing, 600, TransferFlags.Pending) with { TimeoutSeconds = 60 };
        await h.SubmitAsync(hold);
        Assert.Equal(400, h.Writer.GetAccount(wallet)!.Value.AvailableCreditBalance);

        h.Clock.Advance(TimeSpan.FromSeconds(61));
        var post = h.Move(Guid.Empty, Guid.Empty, 0, TransferFlags.PostPending) with { PendingId = hold.Id };
        Assert.Equal(TransferResult.PendingTransferExpired, await h.SubmitAsync(post));
        Assert.Equal(1_000, h.Writer.GetAccount(wallet)!.Value.AvailableCreditBalance);
        h.Restart();
        Assert.Equal(1_000, h.Writer.GetAccount(wallet)!.Value.AvailableCreditBalance);
        Assert.Equal(0, h.Writer.OpenPendingCount);
        await h.AssertInvariantsAsync();
    }

    [Fact]
    public async Task Malformed_transfers_are_refused_with_a_reason_and_write_nothing()
    {
        await using var h = await LedgerHarness.CreateAsync();
        var custody = await h.AccountAsync(AccountCode.CustodyReserve);
        var wallet = await h.AccountAsync(AccountCode.UserWallet, NoNegative);
        Assert.Equal(TransferResult.AmountMustBePositive, await h.SubmitAsync(h.Move(custody, wallet, 0)));
        Assert.Equal(TransferResult.AmountMustBePositive, await h.SubmitAsync(h.Move(custody, wallet, -5)));
        Assert.Equal(TransferResult.AccountsMustBeDifferent, await h.SubmitAsync(h.Move(wallet, wallet, 5)));
        Assert.Equal(TransferResult.CreditAccountNotFound, await h.SubmitAsync(h.Move(custody, Guid.CreateVersion7(), 5)));
        Assert.Equal(TransferResult.IdMustNotBeZero, await h.SubmitAsync(h.Move(custody, wallet, 5, id: Guid.Empty)));
        Assert.Equal(TransferResult.BusinessIdRequired, await h.SubmitAsync(h.Move(custody, wallet, 5) with { BusinessId = Guid.Empty }));
        Assert.Equal(TransferResult.FlagsAreMutuallyExclusive,
            await h.SubmitAsync(h.Move(custody, wallet, 5, TransferFlags.Pending | TransferFlags.VoidPending)));
        Assert.Equal(TransferResult.TimeoutReservedForPending, await h.SubmitAsync(h.Move(custody, wallet, 5) with { TimeoutSeconds = 3 }));
        Assert.Equal(TransferResult.PendingTransferNotFound,
            await h.SubmitAsync(h.Move(custody, wallet, 5, TransferFlags.PostPending) with { PendingId = Guid.CreateVersion7() }));
        Assert.Equal(TransferResult.Overflow, await h.SubmitAsync(h.Move(custody, wallet, long.MaxValue)) is var r1 && r1 == TransferResult.Ok
            ? await h.SubmitAsync(h.Move(custody, wallet, 1))
            : r1);
        await h.AssertInvariantsAsync();
    }

    [Fact]
    public async Task Closing_hold_closes_both_accounts_until_voided_and_posting_it_keeps_them_closed_across_a_restart()
    {
        await using var h = await LedgerHarness.CreateAsync();
        var custody = await h.AccountAsync(AccountCode.CustodyReserve);
        var wallet = await h.AccountAsync(AccountCode.UserWallet, NoNegative);
        var consumption = await h.AccountAsync(AccountCode.UserWallet, NoNegative);
        var pendingIn = h.Move(custody, wallet, 300, TransferFlags.Pending);
        Assert.Equal(TransferResult.Ok, await h.SubmitAsync(pendingIn)); // a hold placed before the closing
        const TransferFlags Closing = TransferFlags.Pending | TransferFlags.ClosingDebit | TransferFlags.ClosingCredit;

        Assert.Equal(TransferResult.ClosingTransferMustBePending,
            await h.SubmitAsync(h.Move(wallet, consumption, 0, TransferFlags.ClosingDebit)));
        var close = h.Move(wallet, consumption, 0, Closing);
        Assert.Equal(TransferResult.Ok, await h.SubmitAsync(close));
        Assert.True(h.Writer.GetAccount(wallet)!.Value.Flags.HasFlag(AccountFlags.Closed));
        Assert.True(h.Writer.GetAccount(consumption)!.Value.Flags.HasFlag(AccountFlags.Closed));
        Assert.Equal(TransferResult.CreditAccountAlreadyClosed, await h.SubmitAsync(h.Move(custody, wallet, 100)));
        Assert.Equal(TransferResult.CreditAccountAlreadyClosed, await h.SubmitAsync(h.Move(custody, consumption, 100)));
        Assert.Equal(TransferResult.DebitAccountAlreadyClosed, await h.SubmitAsync(h.Move(wallet, custody, 0, Closing)));
        // A chain that would credit the closed account applies nothing of itself.
        var other = await h.AccountAsync(AccountCode.UserWallet, NoNegative);
        var chain = await h.SubmitManyAsync([h.Move(custody, other, 50, TransferFlags.Linked), h.Move(other, wallet, 50)]);
        Assert.Equal([TransferResult.LinkedEventFailed, TransferResult.CreditAccountAlreadyClosed], chain);
        Assert.Equal(0, h.Writer.GetAccount(other)!.Value.CreditsPosted);
        // Holds from before the closing still resolve; the closing hold survives a restart.
        h.Restart();
        Assert.True(h.Writer.GetAccount(wallet)!.Value.Flags.HasFlag(AccountFlags.Closed));
        Assert.Equal(TransferResult.Ok, await h.SubmitAsync(h.Move(Guid.Empty, Guid.Empty, 0, TransferFlags.VoidPending) with { PendingId = pendingIn.Id }));
        await h.AssertInvariantsAsync();

        Assert.Equal(TransferResult.Ok, await h.SubmitAsync(h.Move(Guid.Empty, Guid.Empty, 0, TransferFlags.VoidPending) with { PendingId = close.Id }));
        Assert.False(h.Writer.GetAccount(wallet)!.Value.Flags.HasFlag(AccountFlags.Closed));
        Assert.Equal(TransferResult.Ok, await h.SubmitAsync(h.Move(custody, wallet, 100)));
        Assert.Equal(TransferResult.Ok, await h.SubmitAsync(h.Move(wallet, custody, 100)));
        await h.AssertInvariantsAsync();

        var final = h.Move(wallet, consumption, 0, Closing);
        Assert.Equal(TransferResult.Ok, await h.SubmitAsync(final));
        Assert.Equal(TransferResult.Ok, await h.SubmitAsync(h.Move(Guid.Empty, Guid.Empty, 0, TransferFlags.PostPending) with { PendingId = final.Id }));
        h.Restart();
        Assert.True(h.Writer.GetAccount(consumption)!.Value.Flags.HasFlag(AccountFlags.Closed));
        Assert.Equal(TransferResult.CreditAccountAlreadyClosed, await h.SubmitAsync(h.Move(custody, wallet, 100)));
        Assert.Equal(0, h.Writer.GetAccount(wallet)!.Value.CreditsPosted - h.Writer.GetAccount(wallet)!.Value.DebitsPosted);
        await h.AssertInvariantsAsync();
    }

    [Fact]
    public async Task Closing_hold_that_times_out_reopens_its_account_and_a_failed_chain_leaves_it_open()
    {
        await using var h = await LedgerHarness.CreateAsync();
        var custody = await h.AccountAsync(AccountCode.CustodyReserve);
        var wallet = await h.AccountAsync(AccountCode.UserWallet, NoNegative);
        var close = h.Move(wallet, custody, 0, TransferFlags.Pending | TransferFlags.ClosingDebit) with { TimeoutSeconds = 60 };

        // Linked to a transfer that fails: the closing is rolled back with it.
        var failed = await h.SubmitManyAsync([close with { Flags = close.Flags | TransferFlags.Linked }, h.Move(custody, custody, 1)]);
        Assert.Equal([TransferResult.LinkedEventFailed, TransferResult.AccountsMustBeDifferent], failed);
        Assert.False(h.Writer.GetAccount(wallet)!.Value.Flags.HasFlag(AccountFlags.Closed));

        close = close with { Id = Guid.CreateVersion7() };
        Assert.Equal(TransferResult.Ok, await h.SubmitAsync(close));
        Assert.Equal(TransferResult.DebitAccountAlreadyClosed, await h.SubmitAsync(h.Move(wallet, custody, 0, close.Flags)));
        Assert.Equal(TransferResult.CreditAccountAlreadyClosed, await h.SubmitAsync(h.Move(custody, wallet, 10)));
        Assert.False(h.Writer.GetAccount(custody)!.Value.Flags.HasFlag(AccountFlags.Closed)); // ClosingDebit closes the debit account only
        h.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(TransferResult.Ok, await h.SubmitAsync(h.Move(custody, wallet, 10)));
        Assert.False(h.Writer.GetAccount(wallet)!.Value.Flags.HasFlag(AccountFlags.Closed));
        h.Restart();
        Assert.False(h.Writer.GetAccount(wallet)!.Value.Flags.HasFlag(AccountFlags.Closed));
        Assert.Equal(CreateAccountResult.ClosedFlagReserved, (await h.Writer.CreateAccountsAsync(
            [new NewAccount { Id = Guid.CreateVersion7(), Ledger = Ledgers.Cny, Code = AccountCode.UserWallet, Flags = AccountFlags.Closed }],
            TestContext.Current.CancellationToken))[0]);
        await h.AssertInvariantsAsync();
    }
}
