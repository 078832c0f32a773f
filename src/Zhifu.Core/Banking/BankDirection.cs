namespace Zhifu.Core.Banking;

/// <summary>Which way money moves on the card, seen from the card holder.</summary>
public enum BankDirection
{
    /// <summary>扣款: money leaves the card (top-up into the wallet, card payment).</summary>
    Debit,

    /// <summary>入账: money arrives on the card (withdrawal from the wallet, refund).</summary>
    Credit,
}
