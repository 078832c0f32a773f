using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Notifications;
using Zhifu.Server.Payments;

namespace Zhifu.Server.Passwordless;

/// <summary>
/// PWL-2, PWL-5: every passwordless payment of an elderly user is texted at once — whenever it reaches SUCCESS: at the
/// charge, or finished later by the payment worker (a slow ledger left it PAYING). Elderly as signed or since (the age is read
/// now).
/// </summary>
public sealed class PasswordlessAlerts(DatabaseOptions database, PasswordlessAgreements agreements, WalletAccounts accounts,
    WalletCredentials credentials, ISmsGateway sms) : IPaymentSucceeded
{
    public async Task SucceededAsync(PaymentOrderRow order, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (!order.PaidPasswordless || order.PasswordlessAgreementId is not { } agreementId || order.PayerUserId is not { } payer)
        {
            return;
        }
        await using var db = database.CreateContext();
        var agreement = await db.Set<PasswordlessAgreementRow>().AsNoTracking().FirstAsync(a => a.Id == agreementId, ct);
        if (await accounts.FindAsync(payer, ct) is not { } user || !(agreement.Elderly || agreements.IsElderly(user)))
        {
            return;
        }
        var merchant = await db.Merchants.AsNoTracking().Where(m => m.Id == order.MerchantId).Select(m => m.Name).FirstAsync(ct);
        await sms.SendAsync(credentials.PhoneOf(user), "alert",
            $"【知付】您的免密支付：{merchant} 扣款 {new Money(order.TotalFen)}。如非本人授权，请在钱包「免密支付」一键关闭并投诉。", ct);
    }
}
