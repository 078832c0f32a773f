using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.RealName.Limits;

namespace Zhifu.Server.Payments;

/// <summary>
/// 付款 (PAY-1): the wallet pays a scanned order. Checks (order payable, wallet may pay, payment password), ACC-2's limit
/// legs, then the payment's one linked ledger request. The order moves NOTPAY → PAYING (one payer wins) → SUCCESS with the
/// TRANSACTION.SUCCESS notification in the same database commit, or back to NOTPAY when the ledger refuses.
/// </summary>
public sealed class WalletPayments(DatabaseOptions database, ILedger ledger, WalletAccounts accounts, WalletCredentials credentials,
    MerchantApi.MerchantCredentials merchants,
    IAccountGuard guard, BalanceLimits limits, PaymentLedger money, PaymentNotifications notifications, Risk.RiskCheck risk,
    Risk.IRiskEngine engine, IClock clock)
{
    /// <summary>Why an order cannot be paid now, or null when it can.</summary>
    public WalletError? Unpayable(PaymentOrderRow order, Guid userId) => order.State switch
    {
        PaymentOrders.Success => order.PayerUserId == userId ? null : PaymentErrors.AlreadyPaid,
        PaymentOrders.Closed => PaymentErrors.Closed,
        PaymentOrders.Paying => PaymentErrors.InProgress,
        _ when order.PayerOpenId is { } payer && payer != money.OpenId(order.AppId, userId) => PaymentErrors.PayerMismatch, // JSAPI
        _ => clock.UtcNow > order.ExpiresAt ? PaymentErrors.Expired : null,
    };

    public async Task<(PaymentOrderRow? Order, WalletError? Error)> PayAsync(Guid userId, PaymentOrderRow order, string? password,
        string? verificationCode, Risk.RiskOrigin origin, CancellationToken ct)
    {
        if (Unpayable(order, userId) is { } unpayable)
        {
            return (null, unpayable);
        }
        if (order.State == PaymentOrders.Success)
        {
            return (order, null); // the same payer asking again sees the payment it made
        }
        var payer = (await accounts.FindAsync(userId, ct))!;
        if (payer.MustChangeLoginPassword)
        {
            return (null, WalletErrors.MustChangePassword);
        }
        if (payer.Status == WalletAccounts.StatusClosed)
        {
            return (null, WalletErrors.AccountClosed);
        }
        if (await guard.EnsureCanTransactAsync(userId, Business.NonCounterOut, ct) is { } blocked)
        {
            return (null, blocked); // ACC-4 … ACC-6
        }
        if (await credentials.VerifyPaymentPasswordAsync(userId, password, ct) is { } wrong)
        {
            return (null, wrong);
        }
        if (await merchants.FindAsync(order.MchId, ct) is not { } api)
        {
            return (null, PaymentErrors.MerchantUnavailable); // suspended or gone since the order was made
        }
        var (merchant, credential) = (api.Merchant, api.Credential);
        var riskEvent = new Risk.RiskEvent(Risk.RiskKinds.Payment, order.Id, userId, order.TotalFen, clock.UtcNow, order.MchId,
            merchant.RiskLevel, DeviceKey: origin.DeviceKey, Region: origin.Region);
        if ((await risk.CheckAsync(riskEvent, payer, verificationCode, ct)).Refusal is { } riskRefusal)
        {
            return (null, riskRefusal); // RISK-1
        }
        await using var db = database.CreateContext();
        var consumption = Math.Min(order.TotalFen, Math.Max(0, ledger.GetAccount(payer.ConsumptionAccountId)?.AvailableCreditBalance ?? 0));
        var balance = order.TotalFen - consumption;
        if (balance > (ledger.GetAccount(payer.WalletAccountId)?.AvailableCreditBalance ?? 0))
        {
            return (null, PaymentErrors.InsufficientBalance);
        }
        var attemptId = Guid.CreateVersion7();
        var check = balance > 0
            ? await limits.PrepareAsync(userId, BalanceUse.Consumption, balance, attemptId, ct)
            : new LimitCheck([], null);
        if (check.Refusal is { } refusal)
        {
            return (null, refusal.ToError());
        }
        var fee = PaymentLedger.FeeFen(order.TotalFen, credential.FeeRatePpm);
        var chain = check.Before(money.Moves(order, merchant, payer, consumption, fee, attemptId));
        var row = await db.Set<PaymentOrderRow>().FirstAsync(o => o.Id == order.Id, ct);
        if (row.State != PaymentOrders.NotPay)
        {
            return (null, Unpayable(row, userId) ?? PaymentErrors.InProgress);
        }
        (row.State, row.PayerUserId, row.PaymentTransferId, row.PayingSince, row.FeeFen, row.ConsumptionFen) =
            (PaymentOrders.Paying, userId, attemptId, clock.UtcNow, fee, consumption);
        row.PaymentChainJson = JsonSerializer.Serialize(chain);
        row.Version++;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return (null, PaymentErrors.InProgress); // another payer (or a close) got there first
        }
        var outcome = await CommitAsync(row, check, chain);
        if (outcome.Item1 is not null)
        {
            await engine.CompletedAsync(riskEvent, CancellationToken.None);
        }
        return outcome;
    }

    /// <summary>Submits the recorded chain (again, after an interruption: same ids answer the first outcome) and settles the
    /// order.</summary>
    public async Task<(PaymentOrderRow?, WalletError?)> CommitAsync(PaymentOrderRow row, LimitCheck? check, IReadOnlyList<Transfer> chain)
    {
        TransferResult[] results;
        try
        {
            results = await ledger.SubmitAsync(chain, CancellationToken.None);
        }
        catch (LedgerUnavailableException)
        {
            return (null, PaymentErrors.Unavailable); // stays PAYING; the worker submits the same chain again
        }
        await using var db = database.CreateContext();
        var order = await db.Set<PaymentOrderRow>().FirstAsync(o => o.Id == row.Id, CancellationToken.None);
        if (results[^1] is TransferResult.Ok or TransferResult.Exists)
        {
            (order.State, order.SuccessTime) = (PaymentOrders.Success, clock.UtcNow);
            order.Version++;
            await notifications.AddSuccessAsync(db, order, money.OpenId(order.AppId, order.PayerUserId!.Value));
            await db.SaveChangesAsync(CancellationToken.None);
            notifications.Wake();
            return (order, null);
        }
        (order.State, order.PayerUserId, order.PaymentTransferId, order.PayingSince, order.PaymentChainJson, order.FeeFen,
            order.ConsumptionFen) = (PaymentOrders.NotPay, null, null, null, null, 0, 0);
        order.Version++;
        await db.SaveChangesAsync(CancellationToken.None);
        var limit = check is null ? null : limits.Explain(check, results);
        return (null, limit?.ToError() ?? PaymentErrors.InsufficientBalance);
    }
}
