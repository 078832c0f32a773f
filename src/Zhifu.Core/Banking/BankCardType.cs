namespace Zhifu.Core.Banking;

/// <summary>Kind of bank card. CARD-3: credit-card funds may pay for consumption only.</summary>
public enum BankCardType
{
    /// <summary>借记卡: spends the holder's own balance.</summary>
    Debit,

    /// <summary>信用卡: spends available credit.</summary>
    Credit,
}
