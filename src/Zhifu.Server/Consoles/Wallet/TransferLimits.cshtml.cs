using Zhifu.Core;
using Zhifu.Server.Accounts;
using Zhifu.Server.Transfers;

namespace Zhifu.Server.Consoles.Wallet;

/// <summary>
/// 转账限额 (TRF-1, PAY-7, ACC-2): the agreed single, daily amount, daily count and yearly limits (the credit level's, or what
/// an operator set) and what is left of each today, with the account class's limits — the Wallet API's
/// <c>GET /api/wallet/me/transfer-limits</c> (<see cref="TransferLimitDto"/>) as a page.
/// </summary>
public sealed class TransferLimitsModel(WalletAccounts accounts, TransferLimits limits) : WalletPage
{
    public TransferLimitDto Limits { get; private set; } = null!;

    public async Task OnGetAsync() =>
        Limits = await TransferLimitDto.OfAsync((await accounts.FindAsync(UserId, Aborted))!, limits, Aborted);

    /// <summary>A limit as the holder reads it.</summary>
    public string Name(string limit) => limit switch
    {
        "single-amount" => T("单笔限额", "Per transfer"),
        "daily-amount" => T("每日累计金额", "Amount a day"),
        "daily-count" => T("每日笔数", "Transfers a day"),
        "yearly-amount" => T("年度累计金额", "Amount a year"),
        "class-one-since-opening" => T("Ⅰ类户开户以来累计", "Class Ⅰ since opening"),
        "class-two-year" => T("Ⅱ类户年度累计", "Class Ⅱ a year"),
        "class-three-year" => T("Ⅲ类户年度累计", "Class Ⅲ a year"),
        _ => limit,
    };

    /// <summary>Fen as ¥1,234.56; the daily count as a number of transfers.</summary>
    public string Value(string limit, long value) => limit == TransferLimitLedger.DailyCount
        ? T($"{value} 笔", $"{value}") : new Money(value).ToString();
}
