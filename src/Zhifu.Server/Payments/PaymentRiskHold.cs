using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Ledger;
using Zhifu.Server.Risk;

namespace Zhifu.Server.Payments;

/// <summary>
/// A merchant payment held for risk review (RISK-1): its recorded chain went in as holds; the case decision posts them all
/// (the order succeeds and the merchant is notified, PAY-5) or voids them all (the order is unpaid again, the payer's money
/// and limits are back).
/// </summary>
public sealed class PaymentRiskHold(DatabaseOptions database, ILedger ledger, WalletPayments payments, Lifecycle.IAccountGuard guard,
    RiskLists lists)
    : IRiskHold
{
    public string Kind => RiskKinds.Payment;

    public Task<RiskHoldOutcome> ReleaseAsync(Guid businessId, CancellationToken cancellationToken) => ResolveAsync(businessId, post: true);

    public Task<RiskHoldOutcome> VoidAsync(Guid businessId, CancellationToken cancellationToken) => ResolveAsync(businessId, post: false);

    public async Task<IReadOnlyList<RiskEvent>> HeldWithoutCaseAsync(DateTimeOffset before, int max, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext();
        var cases = RiskCases.UndecidedReviews(db);
        var held = await db.Set<PaymentOrderRow>().AsNoTracking()
            .Where(o => o.State == PaymentOrders.Review && o.PayingSince < before && !cases.Any(c => c.BusinessId == o.Id))
            .OrderBy(o => o.PayingSince).Take(max).ToListAsync(cancellationToken);
        return [.. held.Select(o => new RiskEvent(Kind, o.Id, o.PayerUserId!.Value, o.TotalFen, o.PayingSince!.Value, o.MchId))];
    }

    /// <summary>
    /// What a decision asked again finds when the order left review already: a decision of this case that moved the money
    /// and stopped before recording itself. Paid through a held chain: released (a void asked now finds it released — its
    /// retry refused by a restriction since); unpaid again: voided. Anything else (paid without a hold after a void) was not
    /// this case's doing.
    /// </summary>
    private static RiskHoldOutcome Settled(PaymentOrderRow? order, bool post) => order?.State switch
    {
        PaymentOrders.Success when order.PaymentChainJson is { } chain && WalletPayments.IsHeld(JsonSerializer.Deserialize<Transfer[]>(chain)!) =>
            post ? RiskHoldOutcome.Done : RiskHoldOutcome.ReleasedInstead,
        PaymentOrders.NotPay when !post => RiskHoldOutcome.Done,
        _ => RiskHoldOutcome.EndedOtherwise,
    };

    private async Task<RiskHoldOutcome> ResolveAsync(Guid orderId, bool post)
    {
        await using var db = database.CreateContext();
        var order = await db.Set<PaymentOrderRow>().FirstOrDefaultAsync(o => o.Id == orderId, CancellationToken.None);
        if (order?.State != PaymentOrders.Review)
        {
            return Settled(order, post);
        }
        if (post && (lists.Listed(order.PayerUserId!.Value) || lists.MerchantListed(order.MchId)
            || await guard.EnsureCanTransactAsync(order.PayerUserId!.Value, Lifecycle.Business.NonCounterOut, CancellationToken.None) is not null))
        {
            // the payer's wallet was frozen or listed since (ACC-5, ACC-6), or the payer or the merchant put on a risk list
            // (RISK-3): not paid past it
            return RiskHoldOutcome.Restricted;
        }
        if (post && !await db.Merchants.AnyAsync(m => m.Id == order.MerchantId && m.Status == MerchantRow.Active, CancellationToken.None))
        {
            return RiskHoldOutcome.Restricted; // the merchant was suspended since: no money released to it (void gives it back)
        }
        var holds = JsonSerializer.Deserialize<Transfer[]>(order.PaymentChainJson!)!;
        TransferResult[] results;
        try
        {
            results = await ledger.SubmitAsync(WalletPayments.Resolution(holds, post), CancellationToken.None);
        }
        catch (LedgerUnavailableException)
        {
            return RiskHoldOutcome.Unavailable;
        }
        var released = post;
        switch (HeldChain.Outcome(results, post))
        {
            case null:
                return RiskHoldOutcome.Unavailable;
            case false when post:
                return RiskHoldOutcome.EndedOtherwise;
            case false:
                // already posted: a release of this case moved the money and stopped before recording it (then a restriction
                // refused its retry) — the order is paid, whatever was asked now
                released = true;
                break;
        }
        try
        {
            if (released)
            {
                await payments.SucceedAsync(db, order);
            }
            else
            {
                await WalletPayments.ResetAsync(db, order);
            }
        }
        catch (DbUpdateConcurrencyException)
        {
            return RiskHoldOutcome.EndedOtherwise;
        }
        return released == post ? RiskHoldOutcome.Done : RiskHoldOutcome.ReleasedInstead;
    }
}
