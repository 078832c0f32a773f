namespace Zhifu.Core.Ledger;

/// <summary>
/// The kind of a ledger account (the chart of accounts). The number range says which side of the
/// balance sheet the account is on, which <c>verify</c> uses to prove SET-1.
/// </summary>
public enum AccountCode : ushort
{
    /// <summary>用户钱包 — a person's wallet balance; a liability of the institution.</summary>
    UserWallet = 100,

    /// <summary>
    /// 消费专用余额 — a wallet's credit-card-sourced funds, spendable only on consumption, never transferred, withdrawn or
    /// received (CARD-3); a liability.
    /// </summary>
    UserConsumptionFunds = 101,

    /// <summary>企业钱包 — an enterprise wallet (ENT-1); a liability.</summary>
    EnterpriseWallet = 110,

    /// <summary>商户待结算 — merchant proceeds not yet settled; a liability.</summary>
    MerchantPending = 200,

    /// <summary>商户可用 — merchant funds available for payout; a liability.</summary>
    MerchantAvailable = 201,

    /// <summary>在途 — money held for delayed-arrival transfers (TRF-2); a liability.</summary>
    InTransit = 300,

    /// <summary>手续费收入 — the institution's fee income (SET-3), still held in custody.</summary>
    FeeIncome = 400,

    /// <summary>风险补偿金 — the risk compensation fund that pays first (FACE-6, PWL-6).</summary>
    RiskCompensationFund = 410,

    /// <summary>差错挂账 — suspense for reconciliation differences (SET-4).</summary>
    Suspense = 500,

    /// <summary>备付金 — the custody reserve at one bank (SET-1); an asset.</summary>
    CustodyReserve = 600,

    /// <summary>渠道清算 — money in flight with a bank or clearing channel; an asset.</summary>
    ChannelClearing = 610,
}

/// <summary>Which side of the institution's books an account code sits on.</summary>
public static class AccountCodes
{
    /// <summary>Money the institution owes to customers and merchants (SET-1's left-hand side).</summary>
    public static bool IsCustomerLiability(AccountCode code) => code is AccountCode.UserWallet or AccountCode.UserConsumptionFunds or AccountCode.EnterpriseWallet
        or AccountCode.MerchantPending or AccountCode.MerchantAvailable or AccountCode.InTransit;

    /// <summary>The institution's own money kept inside custody (fees, the compensation fund, suspense).</summary>
    public static bool IsInstitutionFund(AccountCode code) =>
        code is AccountCode.FeeIncome or AccountCode.RiskCompensationFund or AccountCode.Suspense;

    /// <summary>Where the money physically is: custody reserve and channel clearing (debit-normal assets).</summary>
    public static bool IsAsset(AccountCode code) => code is AccountCode.CustodyReserve or AccountCode.ChannelClearing;

    /// <summary>Whether the code is one of the chart's.</summary>
    public static bool IsKnown(ushort code) => Enum.IsDefined((AccountCode)code);
}
