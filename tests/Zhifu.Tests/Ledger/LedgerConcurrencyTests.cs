using Zhifu.Core.Ledger;

namespace Zhifu.Tests.Ledger;

/// <summary>Concurrent callers share one writer: money is conserved, no wallet goes negative, every caller gets an answer.</summary>
public sealed class LedgerConcurrencyTests
{
    [Fact]
    public async Task Concurrent_callers_never_overspend_and_conserve_money()
    {
        await using var h = await LedgerHarness.CreateAsync(new() { BatchSizeMax = 64 });
        var custody = await h.AccountAsync(AccountCode.CustodyReserve);
        var merchant = await h.AccountAsync(AccountCode.MerchantPending, AccountFlags.DebitsMustNotExceedCredits);
        var wallets = new Guid[8];
        for (var i = 0; i < wallets.Length; i++)
        {
            wallets[i] = await h.AccountAsync(AccountCode.UserWallet, AccountFlags.DebitsMustNotExceedCredits);
            Assert.Equal(TransferResult.Ok, await h.SubmitAsync(h.Move(custody, wallets[i], 10_000)));
        }

        // 8 wallets × 40 attempts of ¥3 each against ¥100 balances: exactly 33 payments per wallet can succeed.
        var attempts = wallets.SelectMany(w => Enumerable.Range(0, 40).Select(_ => w)).ToArray();
        Random.Shared.Shuffle(attempts);
        var results = await Task.WhenAll(attempts.Select(w => Task.Run(() => h.SubmitAsync(h.Move(w, merchant, 300)))));

        Assert.Equal(8 * 33, results.Count(r => r == TransferResult.Ok));
        Assert.All(results, r => Assert.True(r is TransferResult.Ok or TransferResult.ExceedsCredits));
        Assert.All(wallets, w => Assert.Equal(100, h.Writer.GetAccount(w)!.Value.AvailableCreditBalance));
        Assert.Equal(8 * 33 * 300, h.Writer.GetAccount(merchant)!.Value.CreditsPosted);
        h.Restart();
        Assert.Equal(8 * 33 * 300, h.Writer.GetAccount(merchant)!.Value.CreditsPosted);
        await h.AssertInvariantsAsync();
    }
}
