using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core.Ledger;
using Zhifu.Data.Entities;
using Zhifu.Server.Payments;

namespace Zhifu.Bench.Merchant;

/// <summary>
/// After a server's runs: every order the bench created is SUCCESS exactly once, paid by the wallet it was sent from for the
/// amount ordered, with one delivered notification and one verified callback (PAY-1, PAY-5); each wallet's balance fell by
/// exactly what it paid; and the books hold (<c>LedgerVerifier</c>, as <c>zhifu verify</c>).
/// </summary>
internal static class PaymentAudit
{
    private const int ProblemsKept = 8;

    public static async Task<AuditFigures> CheckAsync(MerchantServer server, PaymentCycle cycle, NotifyEndpoint notify,
        PayingWallets wallets, IReadOnlyDictionary<Guid, long> balancesBefore)
    {
        var problems = new List<string>();
        void Problem(string text)
        {
            if (problems.Count < ProblemsKept)
            {
                problems.Add(text);
            }
        }
        var ordered = cycle.Ordered;
        await using (var db = server.Database.CreateContext())
        {
            var orders = await db.Set<PaymentOrderRow>().AsNoTracking().ToListAsync();
            var notifications = await db.Set<PaymentNotificationRow>().AsNoTracking().ToListAsync();
            var notificationsByOrder = notifications.GroupBy(n => n.RecordId).ToDictionary(g => g.Key, g => g.ToList());
            foreach (var group in orders.GroupBy(o => o.OutTradeNo))
            {
                if (!ordered.ContainsKey(group.Key) || group.Count() != 1)
                {
                    Problem($"{group.Key}: {group.Count()} order(s) the bench did not create once");
                }
            }
            var byOutTradeNo = orders.ToDictionary(o => o.OutTradeNo, StringComparer.Ordinal);
            foreach (var (outTradeNo, asked) in ordered)
            {
                if (!byOutTradeNo.TryGetValue(outTradeNo, out var order))
                {
                    Problem($"{outTradeNo}: no order");
                    continue;
                }
                if (order.State != PaymentOrders.Success || order.TotalFen != asked.TotalFen || order.PayerUserId != asked.Wallet.UserId
                    || order.SuccessTime is null)
                {
                    Problem($"{outTradeNo}: {order.State}, {order.TotalFen} fen (asked {asked.TotalFen}), payer {order.PayerUserId}");
                }
                var sent = notificationsByOrder.GetValueOrDefault(order.Id) ?? [];
                if (sent.Count != 1 || sent[0].Status != PaymentNotifications.Delivered)
                {
                    Problem($"{outTradeNo}: {sent.Count} notification(s), {string.Join(',', sent.Select(n => n.Status))}");
                }
                if (notify.VerifiedCallbacks.GetValueOrDefault(outTradeNo) != 1)
                {
                    Problem($"{outTradeNo}: {notify.VerifiedCallbacks.GetValueOrDefault(outTradeNo)} verified callbacks");
                }
            }
        }
        var ledger = server.Services.GetRequiredService<ILedger>();
        foreach (var wallet in wallets.All)
        {
            var paid = ordered.Values.Where(o => o.Wallet == wallet).Sum(o => o.TotalFen);
            var balance = ledger.GetAccount(wallet.WalletAccountId)!.Value.AvailableCreditBalance;
            if (balancesBefore[wallet.WalletAccountId] - balance != paid)
            {
                Problem($"wallet {wallet.Phone}: balance fell by {balancesBefore[wallet.WalletAccountId] - balance} fen, paid {paid}");
            }
        }
        if (notify.Rejected > 0)
        {
            Problem($"{notify.Rejected} callback(s) failed verification");
        }
        var verification = await server.VerifyAsync();
        foreach (var check in verification.Checks.Where(c => !c.Holds))
        {
            Problem($"verify: {check.Name}: {check.Detail}");
        }
        return new AuditFigures(ordered.Count, ordered.Values.Sum(o => o.TotalFen), verification.AllHold, problems);
    }
}

/// <summary>Orders checked, their total, whether <c>verify</c> holds, and what was wrong (empty when sound).</summary>
internal sealed record AuditFigures(int Orders, long TotalFen, bool VerifyHolds, IReadOnlyList<string> Problems)
{
    public bool Sound => VerifyHolds && Problems.Count == 0;
}
