using Zhifu.Core;
using Zhifu.Server.Accounts;
using Zhifu.Server.Notifications;

namespace Zhifu.Server.Risk;

/// <summary>
/// 风险提醒 (RISK-5): the user hears at once, through the SMS outbox, that a movement of theirs was refused or held, with
/// the one step that helps if it was not them (freeze the account).
/// </summary>
public sealed class RiskAlerts(WalletAccounts accounts, WalletCredentials credentials, ISmsGateway sms)
{
    public const string SmsKind = "risk-alert";

    public async Task SendAsync(RiskEvent e, RiskAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (await accounts.FindAsync(e.UserId, cancellationToken) is not { } user)
        {
            return;
        }
        var at = ChinaTime.ToChina(e.At).ToString("MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        var what = e.Kind switch
        {
            RiskKinds.Payment or RiskKinds.Passwordless => "付款",
            RiskKinds.Transfer => "转账",
            RiskKinds.TopUp => "充值",
            _ => "提现",
        };
        var outcome = action == RiskAction.Review ? "存在风险，资金已暂缓处理，等待人工审核" : "存在风险，已被拦截";
        var body = $"【知付】您的账户于 {at} 发起的 {new Money(e.AmountFen)} {what}{outcome}。如非本人操作，请立即在钱包“安全中心”冻结账户或致电客服。"
            + $" Zhifu: your {e.Kind} of {new Money(e.AmountFen)} at {at} was "
            + (action == RiskAction.Review ? "held for review" : "blocked") + "; if it was not you, freeze your account in the wallet now.";
        await sms.SendAsync(credentials.PhoneOf(user), SmsKind, body, cancellationToken);
    }
}
