namespace Zhifu.Server.RealName.Limits;

/// <summary>What a balance-funded money move is, as far as ACC-2's class limits care.</summary>
public enum BalanceUse
{
    /// <summary>消费 — paying a merchant from the balance.</summary>
    Consumption,

    /// <summary>转账 — a transfer out to another wallet or to someone else's bank card.</summary>
    TransferOut,

    /// <summary>转入本人银行账户 — a withdrawal or transfer to the holder's own bank card: counts for Class Ⅰ only.</summary>
    OwnCardWithdrawal,

    /// <summary>购买投资理财产品 — only a Class Ⅲ balance may buy investment products.</summary>
    Investment,
}

/// <summary>Which cumulative limit of ACC-2.</summary>
public enum BalanceLimitKind
{
    /// <summary>Class Ⅰ: since opening, own-card transfers included.</summary>
    ClassOneSinceOpening,

    /// <summary>Class Ⅱ: per calendar year in Asia/Shanghai.</summary>
    ClassTwoYear,

    /// <summary>Class Ⅲ: per calendar year in Asia/Shanghai.</summary>
    ClassThreeYear,
}
