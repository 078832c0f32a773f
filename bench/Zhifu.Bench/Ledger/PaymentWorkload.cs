using Zhifu.Core.Ledger;

namespace Zhifu.Bench.Ledger;

/// <summary>
/// Makes the payments of one caller. Ids are UUIDv7 made at submit time, as a real caller makes them (the ledger's tables
/// are keyed by them; pre-made ids would arrive out of time order and cost the B-tree more than real traffic does).
/// </summary>
internal sealed class PaymentWorkload(PaymentWorld world, PaymentPattern pattern, int seed)
{
    private readonly Random _random = new(seed);

    /// <summary>Payments made so far that were meant to be refused by the overdraft rule.</summary>
    public long OverdraftAttempts { get; private set; }

    public void Fill(Span<Transfer> request)
    {
        for (var i = 0; i < request.Length; i++)
        {
            request[i] = NextPayment();
        }
    }

    public Transfer NextPayment()
    {
        var wallets = world.Wallets;
        var payer = wallets[_random.Next(wallets.Count)];
        Guid payee;
        if (pattern == PaymentPattern.HotAccount)
        {
            payee = world.Merchant;
        }
        else
        {
            do
            {
                payee = wallets[_random.Next(wallets.Count)];
            }
            while (payee == payer);
        }
        var overdraft = _random.Next(LedgerPlan.OverdraftEvery) == 0;
        if (overdraft)
        {
            OverdraftAttempts++;
        }
        var id = Guid.CreateVersion7();
        return new Transfer
        {
            Id = id,
            DebitAccountId = payer,
            CreditAccountId = payee,
            AmountFen = overdraft ? world.OverdraftAmountFen : _random.Next(1, 1_001),
            Ledger = Ledgers.Cny,
            Code = TransferCode.Adjustment,
            // The payment record's id; the benchmark keeps no business records (their check is not measured here).
            BusinessId = id,
        };
    }
}
