using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Hosting;
using Zhifu.Server.MerchantApi;
using Zhifu.Server.Notifications;
using Zhifu.Server.Payments;

namespace Zhifu.Server.Passwordless;

/// <summary>What one passwordless attempt came to.</summary>
public enum ChargeOutcome
{
    /// <summary>Paid without the password.</summary>
    Paid,

    /// <summary>Over a limit or stepped up by risk control (PWL-3, PWL-4): the order waits for the user's password in the wallet.</summary>
    AwaitingUser,

    /// <summary>Refused (blocked by risk control, insufficient balance, a frozen wallet): the order is closed, PAYERROR.</summary>
    Failed,
}

/// <summary>
/// 免密扣款 (PWL-1, PWL-3, PWL-4): a charge under a signed agreement — a merchant's 受理扣款 under its contract, or a
/// payment-code charge under the user's small-amount agreement. Never silent beyond a limit: the agreement's state, the
/// merchant's eligibility and every limit (the agreement's, the merchant's, the daily sums of the agreement and of all the
/// user's passwordless payments) are read at the charge, and a
/// charge beyond any of them, or one risk control does not simply allow, waits for the user's payment password instead.
/// </summary>
public sealed class PasswordlessCharges(DatabaseOptions database, PaymentOrders orders, WalletPayments payments,
    PasswordlessAgreements agreements, WalletAccounts accounts, WalletCredentials credentials, ISmsGateway sms,
    PasswordlessOptions options, IClock clock, ILogger<PasswordlessCharges> logger)
{
    /// <summary>受理扣款: validates the contract, creates the order idempotently on out_trade_no (PAY-6), then charges it.</summary>
    public async Task<(PaymentOrderRow? Order, V3Error? Error)> ApplyAsync(ApiMerchant merchant, OrderRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(merchant);
        ArgumentNullException.ThrowIfNull(request);
        if (merchant.Merchant.Status == MerchantRow.Suspended)
        {
            return await orders.CreateAsync(merchant, request, ct); // a charge made before answers as it did (PAY-6); nothing new
        }
        if (!PasswordlessAgreements.Eligible(merchant.Merchant))
        {
            return await orders.RepeatOrAsync(merchant, request, PasswordlessV3Errors.NotEligible, ct); // PAY-6
        }
        PasswordlessAgreementRow? agreement;
        await using (var db = database.CreateContext())
        {
            agreement = await db.Set<PasswordlessAgreementRow>().AsNoTracking().FirstOrDefaultAsync(a => a.ContractId == request.ContractId
                && a.MerchantId == merchant.Merchant.Id && a.State == PasswordlessAgreementRow.Signed, ct);
        }
        if (agreement is null || agreement.AppId != request.AppId)
        {
            // PAY-6: asked again after the contract ended (its answer was lost, then the user cancelled), a charge answers the order
            // it made — never "no such contract" about money already taken
            return await orders.RepeatOrAsync(merchant, request, PasswordlessV3Errors.ContractNotExist, ct);
        }
        var (order, error) = await orders.CreateAsync(merchant, request, ct, (agreement.UserId!.Value, agreement.Id));
        if (error is not null)
        {
            return (null, error);
        }
        if (order!.State == PaymentOrders.NotPay && order.ExpiresAt > clock.UtcNow && order.PayingSince is null)
        {
            await ChargeAsync(order, agreement.Id, merchant.Merchant, ct);
        }
        return (order, null);
    }

    /// <summary>
    /// 付款码小额免密: a payment-code charge of a user with a signed offline-code agreement, at an eligible merchant, is paid
    /// at once within the limits; otherwise it waits for the password as every payment-code charge does.
    /// </summary>
    public async Task<ChargeOutcome?> ChargeByCodeAsync(PaymentOrderRow order, MerchantRow merchant, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(merchant);
        if (order.CodeUserId is not { } user || order.State != PaymentOrders.NotPay || !PasswordlessAgreements.Eligible(merchant))
        {
            return null;
        }
        Guid? agreementId;
        await using (var db = database.CreateContext())
        {
            agreementId = await db.Set<PasswordlessAgreementRow>().Where(a => a.UserId == user
                && a.Kind == PasswordlessAgreementRow.KindOfflineCode && a.State == PasswordlessAgreementRow.Signed)
                .Select(a => (Guid?)a.Id).FirstOrDefaultAsync(ct);
        }
        return agreementId is { } id ? await ChargeAsync(order, id, merchant, ct) : null;
    }

    /// <summary>How long a charge waits for another charge of the same agreement to finish before asking the user instead.</summary>
    private static readonly TimeSpan ClaimWaitMax = TimeSpan.FromSeconds(2);

    /// <summary>A charge's claim on its agreement lapses after this (the server deciding it died).</summary>
    internal static readonly TimeSpan ClaimLapse = TimeSpan.FromMinutes(1);

    /// <summary>
    /// One attempt: the agreement claimed (one charge of an agreement at a time, PWL-3), its limits and today's passwordless
    /// payments read under the claim, then the payment without the password, or the user asked.
    /// </summary>
    public async Task<ChargeOutcome> ChargeAsync(PaymentOrderRow order, Guid agreementId, MerchantRow merchant, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        await using var db = database.CreateContext();
        var agreementRow = db.Set<PasswordlessAgreementRow>().Where(a => a.Id == agreementId);
        var claimedAt = await RowClaims.ClaimAsync(agreementRow, nameof(PasswordlessAgreementRow.ChargingSince), clock, ClaimWaitMax,
            ClaimLapse, ct);
        try
        {
            return await ChargeClaimedAsync(db, order, agreementId, merchant, claimedAt is not null, ct);
        }
        finally
        {
            if (claimedAt is { } at)
            {
                await RowClaims.ReleaseAsync(agreementRow, nameof(PasswordlessAgreementRow.ChargingSince), at);
            }
        }
    }

    private async Task<ChargeOutcome> ChargeClaimedAsync(ZhifuDb db, PaymentOrderRow order, Guid agreementId, MerchantRow merchant,
        bool claimed, CancellationToken ct)
    {
        // a repeat of a charge under way or done (the merchant asked again) reads the order as it is now: nothing to decide
        var state = await db.Set<PaymentOrderRow>().AsNoTracking().Where(o => o.Id == order.Id).Select(o => o.State).FirstAsync(ct);
        if (state != PaymentOrders.NotPay)
        {
            return state switch
            {
                PaymentOrders.Success => ChargeOutcome.Paid,
                PaymentOrders.Closed => ChargeOutcome.Failed,
                _ => ChargeOutcome.AwaitingUser,
            };
        }
        var agreement = await db.Set<PasswordlessAgreementRow>().AsNoTracking().FirstAsync(a => a.Id == agreementId, ct);
        var user = (await accounts.FindAsync(agreement.UserId!.Value, ct))!;
        if (agreement.State != PasswordlessAgreementRow.Signed)
        {
            return await AwaitUserAsync(order, user, merchant, "协议已关闭", ct); // cancelled a moment ago: never charged silently
        }
        if (!claimed)
        {
            return await AwaitUserAsync(order, user, merchant, "同一协议的其他扣款正在处理", ct); // never past the limits unseen
        }
        // TRF-3: a passwordless payment is verified by fewer than two factors (none at the moment it is paid), and those are
        // capped per user and China day across all the user's agreements (Passwordless:UserDailyFen, ¥1,000). A claim on the
        // user (taken after the agreement's) lets charges under the user's several agreements see each other's totals.
        var payerRow = db.Set<UserRow>().Where(u => u.Id == user.Id);
        var payerClaimedAt = await RowClaims.ClaimAsync(payerRow, nameof(UserRow.PasswordlessChargingSince), clock, ClaimWaitMax,
            ClaimLapse, ct);
        if (payerClaimedAt is not { } at)
        {
            return await AwaitUserAsync(order, user, merchant, "同一账户的其他扣款正在处理", ct);
        }
        try
        {
            return await ChargeWithinLimitsAsync(db, order, agreement, user, merchant, ct);
        }
        finally
        {
            await RowClaims.ReleaseAsync(payerRow, nameof(UserRow.PasswordlessChargingSince), at);
        }
    }

    private async Task<ChargeOutcome> ChargeWithinLimitsAsync(ZhifuDb db, PaymentOrderRow order, PasswordlessAgreementRow agreement,
        UserRow user, MerchantRow merchant, CancellationToken ct)
    {
        // PWL-2: elderly as signed, or since — a user who signed at 59 gets the elderly limits and texts from their 60th birthday
        var elderly = agreement.Elderly || agreements.IsElderly(user);
        var (capPerPayment, capDaily) = agreements.Caps(merchant, elderly);
        var perPayment = Math.Min(agreement.PerPaymentLimitFen, capPerPayment);
        var daily = Math.Min(agreement.DailyLimitFen, capDaily);
        var dayStart = ChinaTime.StartOfChinaDay(clock.UtcNow);
        // today's: paid, and still being paid or held (a slow ledger leaves one PAYING; a review holds one) — whenever it began:
        // one begun before midnight is counted on the day it succeeds (its SuccessTime), so until it ends it counts today too
        var today = db.Set<PaymentOrderRow>().Where(o => o.PaidPasswordless
            && ((o.State == PaymentOrders.Success && o.SuccessTime >= dayStart)
                || o.State == PaymentOrders.Paying || o.State == PaymentOrders.Review));
        // one read for the three sums: the agreement's payments and the merchant's are among its user's. The merchant's daily
        // cap holds across all the user's agreements with it (PWL-3): a second contract signed with the same merchant does not
        // double what it may take from the user in a day without the password.
        var (agreementId, merchantId) = (agreement.Id, merchant.Id);
        var spent = await today.Where(o => o.PayerUserId == user.Id).GroupBy(o => o.PayerUserId).Select(g => new
        {
            User = g.Sum(o => o.TotalFen), Agreement = g.Sum(o => o.PasswordlessAgreementId == agreementId ? o.TotalFen : 0),
            Merchant = g.Sum(o => o.MerchantId == merchantId ? o.TotalFen : 0),
        }).FirstOrDefaultAsync(ct);
        var (userToday, agreementToday, merchantToday) = (spent?.User ?? 0, spent?.Agreement ?? 0, spent?.Merchant ?? 0);
        if (order.TotalFen > perPayment || agreementToday + order.TotalFen > daily || merchantToday + order.TotalFen > capDaily
            || userToday + order.TotalFen > options.UserDailyFen)
        {
            return await AwaitUserAsync(order, user, merchant, "超过免密限额", ct); // PWL-3, TRF-3: falls back to the password
        }
        var (paid, error) = await payments.PayPasswordlessAsync(user.Id, order, agreementId, ct);
        if (paid is not null)
        {
            return ChargeOutcome.Paid; // an elderly user is texted on its success (PasswordlessAlerts), here or when finished later
        }
        if (error == PaymentErrors.AgreementClosed)
        {
            return await AwaitUserAsync(order, user, merchant, "协议已关闭", ct); // terminated while this charge was being decided
        }
        if (error == Risk.RiskErrors.StepUpRequired)
        {
            return await AwaitUserAsync(order, user, merchant, "交易与您的习惯不同，需要确认", ct); // PWL-4: 二次验证
        }
        if (error == PaymentErrors.PayerBusy)
        {
            return await AwaitUserAsync(order, user, merchant, "您的另一笔付款正在处理", ct); // nothing charged: the user confirms it
        }
        if (error == PaymentErrors.Unavailable || error == PaymentErrors.InProgress)
        {
            return ChargeOutcome.AwaitingUser; // the ledger is slow: the order stays PAYING and the worker finishes it
        }
        logger.LogInformation("passwordless charge {OrderId} refused: {Code}", order.Id, error!.Code);
        await orders.CloseAsync(order.MchId, order.OutTradeNo, CancellationToken.None);
        return ChargeOutcome.Failed;
    }

    private async Task<ChargeOutcome> AwaitUserAsync(PaymentOrderRow order, UserRow user, MerchantRow merchant, string why,
        CancellationToken ct)
    {
        await sms.SendAsync(credentials.PhoneOf(user), "alert",
            $"【知付】{merchant.Name} 申请扣款 {new Money(order.TotalFen)}（{why}），请在钱包中输入支付密码确认；如不认识请勿确认。", ct);
        return ChargeOutcome.AwaitingUser;
    }
}
