using Zhifu.Core.Ledger;

namespace Zhifu.Tests.Ledger;

/// <summary>
/// Property-style tests: random sequences of transfers, holds, posts, voids, linked chains and repeated ids go to the
/// real writer and to <see cref="ReferenceLedger"/>; every outcome, every balance and every invariant must agree —
/// including after restarts, which rebuild balances from the database.
/// </summary>
public sealed class LedgerModelTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Random_operations_match_the_reference_model_across_restarts(int seed)
    {
        await using var h = await LedgerHarness.CreateAsync(new() { RecentTransferCapacity = 64 });
        var model = new ReferenceLedger();
        var random = new Random(seed);
        var custody = await h.AccountAsync(AccountCode.CustodyReserve);
        model.AddAccount(custody, AccountFlags.None);
        var wallets = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            var w = await h.AccountAsync(AccountCode.UserWallet, AccountFlags.DebitsMustNotExceedCredits);
            model.AddAccount(w, AccountFlags.DebitsMustNotExceedCredits);
            wallets.Add(w);
        }
        var history = new List<Transfer>();
        var holds = new List<Guid>();
        for (var step = 0; step < 400; step++)
        {
            var request = NextRequest(h, random, custody, wallets, history, holds);
            var expected = model.Apply(request);
            var actual = await h.SubmitManyAsync(request);
            Assert.True(expected.SequenceEqual(actual),
                $"seed {seed} step {step}: expected [{string.Join(", ", expected)}] got [{string.Join(", ", actual)}]");
            history.AddRange(request);
            if (step % 97 == 96)
            {
                h.Restart();
            }
        }
        foreach (var (id, m) in model.Accounts)
        {
            var a = h.Writer.GetAccount(id)!.Value;
            Assert.Equal((m.Dp, m.Dpo, m.Cp, m.Cpo), (a.DebitsPending, a.DebitsPosted, a.CreditsPending, a.CreditsPosted));
        }
        await h.AssertInvariantsAsync();
    }

    private static List<Transfer> NextRequest(LedgerHarness h, Random random, Guid custody, List<Guid> wallets,
        List<Transfer> history, List<Guid> holds)
    {
        Guid AnyWallet() => wallets[random.Next(wallets.Count)];
        Transfer Pay()
        {
            var debit = random.Next(5) == 0 ? custody : AnyWallet();
            var credit = AnyWallet();
            return h.Move(debit, credit, random.Next(-1, 3_000));
        }
        switch (random.Next(10))
        {
            case 0 when history.Count > 0:
                var old = history[random.Next(history.Count)];
                return [random.Next(3) == 0 ? old with { AmountFen = old.AmountFen + 1 } : old];
            case 1:
                var hold = h.Move(AnyWallet(), AnyWallet(), random.Next(1, 2_000), TransferFlags.Pending);
                holds.Add(hold.Id);
                return [hold];
            case 2 when holds.Count > 0:
                var flags = random.Next(2) == 0 ? TransferFlags.PostPending : TransferFlags.VoidPending;
                var amount = flags == TransferFlags.PostPending ? random.Next(0, 2_100) : 0;
                return [h.Move(Guid.Empty, Guid.Empty, amount, flags) with { PendingId = holds[random.Next(holds.Count)] }];
            case 3:
                var chain = Enumerable.Range(0, random.Next(2, 4)).Select(_ => Pay() with { Flags = TransferFlags.Linked }).ToList();
                chain[^1] = chain[^1] with { Flags = random.Next(8) == 0 ? TransferFlags.Linked : TransferFlags.None };
                return chain;
            case 4:
                return [h.Move(custody, AnyWallet(), random.Next(1, 10_000))];
            default:
                return [Pay()];
        }
    }
}
