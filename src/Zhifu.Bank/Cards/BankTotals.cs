namespace Zhifu.Bank.Cards;

/// <summary>
/// Sums over all cards and movements. <see cref="Balanced"/> is the simulator's own conservation law: every card's balance
/// is its opening balance minus succeeded debits plus succeeded credits (reversed ones count as never made).
/// </summary>
internal sealed record BankTotals(long Cards, long OpeningBalanceFen, long BalanceFen)
{
    public long DebitedFen { get; init; }
    public long CreditedFen { get; init; }
    public long SucceededCount { get; init; }
    public long FailedCount { get; init; }
    public long ReversedCount { get; init; }

    public bool Balanced => OpeningBalanceFen - DebitedFen + CreditedFen == BalanceFen;

    public BankTotals Add(string direction, string status, long count, long amountFen) => status switch
    {
        "succeeded" when direction == "debit" => this with { DebitedFen = DebitedFen + amountFen, SucceededCount = SucceededCount + count },
        "succeeded" => this with { CreditedFen = CreditedFen + amountFen, SucceededCount = SucceededCount + count },
        "reversed" => this with { ReversedCount = ReversedCount + count },
        _ => this with { FailedCount = FailedCount + count },
    };
}
