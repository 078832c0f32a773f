using Zhifu.Core.Ledger;

namespace Zhifu.Bench.Ledger;

/// <summary>
/// The accounts a payment benchmark moves money between: a custody reserve (备付金, the asset that funds every wallet), the
/// funded user wallets and one merchant. Created and funded through the ledger itself, so the books balance from the start.
/// </summary>
internal sealed class PaymentWorld
{
    private const int ChunkMax = 1_024;

    private PaymentWorld(Guid reserve, Guid merchant, Guid[] wallets, long walletFundingFen)
    {
        Reserve = reserve;
        Merchant = merchant;
        Wallets = wallets;
        WalletFundingFen = walletFundingFen;
    }

    public Guid Reserve { get; }

    public Guid Merchant { get; }

    public IReadOnlyList<Guid> Wallets { get; }

    public long WalletFundingFen { get; }

    /// <summary>More than all wallets hold together, so no wallet can ever afford it: a certain overdraft attempt.</summary>
    public long OverdraftAmountFen => checked((WalletFundingFen * Wallets.Count) + 1);

    public static async Task<PaymentWorld> OpenAsync(ILedger ledger, int walletCount, long walletFundingFen)
    {
        var reserve = Guid.CreateVersion7();
        var merchant = Guid.CreateVersion7();
        var wallets = Enumerable.Range(0, walletCount).Select(_ => Guid.CreateVersion7()).ToArray();
        var accounts = new List<NewAccount>
        {
            new() { Id = reserve, Ledger = Ledgers.Cny, Code = AccountCode.CustodyReserve },
            new()
            {
                Id = merchant, Ledger = Ledgers.Cny, Code = AccountCode.MerchantPending, Flags = AccountFlags.DebitsMustNotExceedCredits,
            },
        };
        accounts.AddRange(wallets.Select(id => new NewAccount
        {
            Id = id, Ledger = Ledgers.Cny, Code = AccountCode.UserWallet, Flags = AccountFlags.DebitsMustNotExceedCredits,
        }));
        foreach (var chunk in accounts.Chunk(ChunkMax))
        {
            var created = await ledger.CreateAccountsAsync(chunk);
            if (created.Any(r => r != CreateAccountResult.Ok))
            {
                throw new InvalidOperationException($"creating accounts failed: {created.First(r => r != CreateAccountResult.Ok)}");
            }
        }
        var funding = wallets.Select(wallet => new Transfer
        {
            Id = Guid.CreateVersion7(),
            DebitAccountId = reserve,
            CreditAccountId = wallet,
            AmountFen = walletFundingFen,
            Ledger = Ledgers.Cny,
            Code = TransferCode.Adjustment,
            BusinessId = Guid.CreateVersion7(),
        });
        foreach (var chunk in funding.Chunk(ChunkMax))
        {
            var funded = await ledger.SubmitAsync(chunk);
            if (funded.Any(r => r != TransferResult.Ok))
            {
                throw new InvalidOperationException($"funding wallets failed: {funded.First(r => r != TransferResult.Ok)}");
            }
        }
        return new PaymentWorld(reserve, merchant, wallets, walletFundingFen);
    }
}
