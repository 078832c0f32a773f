using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Hosting;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.MerchantApi;
using Zhifu.Server.Notifications;
using Zhifu.Server.Payments;
using Zhifu.Server.Security;

namespace Zhifu.Server.Passwordless;

/// <summary>One merchant's line of the passwordless loss and dispute report (PWL-6).</summary>
public sealed record MerchantPasswordlessFigures(string MchId, string Name, bool Eligible, int Payments, long AmountFen, int Disputes,
    int Upheld, long LossFen, int DisputeRatePpm);

/// <summary>The loss and dispute report (PWL-6): one line per merchant, worst dispute rate first, and the totals.</summary>
public sealed record PasswordlessReport(int WindowDays, IReadOnlyList<MerchantPasswordlessFigures> Merchants, int Payments, long AmountFen,
    int Disputes, int Upheld, long LossFen);

/// <summary>A dispute as operators list it; <c>Overdue</c> when still open past its deadline.</summary>
public sealed record DisputeView(Guid Id, string TransactionId, string MchId, long AmountFen, string Amount, string Reason, string State,
    string OpenedAt, string Deadline, bool Overdue, long LossFen, string? DecidedBy, string? DecisionNote);

/// <summary>
/// Watching passwordless payment (PWL-5, PWL-6, PWL-7): users' complaints about a passwordless payment open a dispute with a
/// deadline; operators decide it; losses and disputes are reported per merchant and overall; a merchant whose dispute rate
/// reaches the threshold loses passwordless eligibility at once (audited as the system); users are reminded to review
/// their agreements.
/// </summary>
public sealed class PasswordlessOversight(DatabaseOptions database, PasswordlessOptions options, WalletAccounts accounts,
    WalletCredentials credentials, ISmsGateway sms, MerchantCredentials merchants, Payments.Refunds.PaymentRefunds refunds, AuditLog audit,
    IClock clock, ILogger<PasswordlessOversight> logger)
{
    /// <summary>投诉 (PWL-5): the user disputes one of their passwordless payments, by transaction id.</summary>
    public async Task<(PasswordlessDisputeRow? Dispute, WalletError? Error)> DisputeAsync(Guid userId, string transactionId, string? reason,
        CancellationToken ct)
    {
        reason = reason?.Trim();
        if (reason is not { Length: >= 2 and <= 200 })
        {
            return (null, PasswordlessErrors.InvalidReason);
        }
        await using var db = database.CreateContext();
        var order = await db.Set<PaymentOrderRow>().AsNoTracking().FirstOrDefaultAsync(o => o.TransactionId == transactionId
            && o.PayerUserId == userId && o.State == PaymentOrders.Success && o.PaidPasswordless, ct);
        if (order is null || await db.Set<PasswordlessDisputeRow>().AnyAsync(d => d.OrderId == order.Id, ct))
        {
            return (null, PasswordlessErrors.DisputeNotAllowed);
        }
        var now = clock.UtcNow;
        var dispute = new PasswordlessDisputeRow
        {
            Id = Guid.CreateVersion7(), OrderId = order.Id, TransactionId = order.TransactionId, AgreementId = order.PasswordlessAgreementId!.Value,
            MerchantId = order.MerchantId, MchId = order.MchId, UserId = userId, AmountFen = order.TotalFen, Reason = reason,
            State = PasswordlessDisputeRow.Open, DeadlineAt = now.AddDays(options.DisputeDeadlineDays), CreatedAt = now,
        };
        db.Add(dispute);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return (null, PasswordlessErrors.DisputeNotAllowed); // the same payment disputed twice at once
        }
        var user = (await accounts.FindAsync(userId, ct))!;
        await sms.SendAsync(credentials.PhoneOf(user), "account",
            $"【知付】已收到您对免密扣款 {new Money(order.TotalFen)} 的投诉，我们将在 {ChinaTime.Format(dispute.DeadlineAt)} 前处理完毕。", ct);
        await EnforceThresholdAsync(order.MerchantId, ct);
        return (dispute, null);
    }

    /// <summary>At most this many disputes on one page (API and console alike).</summary>
    public const int DisputePageMax = 100;

    /// <summary>The states disputes are filtered by.</summary>
    public static readonly string[] DisputeStates =
        [PasswordlessDisputeRow.Open, PasswordlessDisputeRow.Upheld, PasswordlessDisputeRow.Rejected];

    /// <summary>PWL-5, PWL-6: disputes (of one state, or all) by deadline, soonest first; overdue ones are marked.</summary>
    public async Task<(IReadOnlyList<DisputeView> Rows, int Total)> DisputesAsync(string? state, int skip, int take, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(take, DisputePageMax);
        await using var db = database.CreateContext();
        var query = db.Set<PasswordlessDisputeRow>().AsNoTracking().Where(d => state == null || d.State == state);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderBy(d => d.DeadlineAt).ThenBy(d => d.Id).Skip(skip).Take(take).ToListAsync(ct);
        var now = clock.UtcNow;
        return ([.. rows.Select(d => new DisputeView(d.Id, d.TransactionId, d.MchId, d.AmountFen, new Money(d.AmountFen).ToString(),
            d.Reason, d.State, ChinaTime.Format(d.CreatedAt), ChinaTime.Format(d.DeadlineAt),
            d.State == PasswordlessDisputeRow.Open && now > d.DeadlineAt, d.LossFen, d.DecidedBy, d.DecisionNote))], total);
    }

    /// <summary>
    /// An operator decides an open dispute (PWL-5, PWL-6), audited: upheld with the loss it caused (0 … the payment's amount)
    /// — which the merchant refunds to the user at once through the ordinary refund path (a REFUND callback goes to the
    /// merchant; out_refund_no "PWLD" + the dispute's id, so a retried decision never refunds twice; upholding is recorded once
    /// that refund succeeded) — or rejected; a note of 2–200 characters says why. Null when done, else why not (nothing
    /// changed); the refusal names its field (<see cref="PasswordlessErrors.FieldOf"/>).
    /// </summary>
    public async Task<WalletError?> DecideAsync(Guid disputeId, bool upheld, long lossFen, string? note, OperatorActor by,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(by);
        // One decision at a time (a row claim): two operators deciding at once — one upholding, one rejecting — could leave
        // the merchant's refund paid under a record that says rejected. A decision whose server died lapses after a minute;
        // the refund's out_refund_no keeps a decision made again from refunding twice.
        await using var claims = database.CreateContext();
        var row = claims.Set<PasswordlessDisputeRow>().Where(d => d.Id == disputeId);
        if (!await row.AnyAsync(d => d.State == PasswordlessDisputeRow.Open, ct))
        {
            return PasswordlessErrors.DisputeNotOpen; // no claim to wait for on a dispute that is not there to decide
        }
        if (await RowClaims.ClaimAsync(row, nameof(PasswordlessDisputeRow.DecidingSince), clock, DecideClaimWait, DecideClaimLapse, ct)
            is not { } claimedAt)
        {
            return PasswordlessErrors.DisputeBeingDecided;
        }
        try
        {
            return await DecideClaimedAsync(disputeId, upheld, lossFen, note, by, ct);
        }
        finally
        {
            await RowClaims.ReleaseAsync(row, nameof(PasswordlessDisputeRow.DecidingSince), claimedAt);
        }
    }

    private static readonly TimeSpan DecideClaimWait = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan DecideClaimLapse = TimeSpan.FromMinutes(1);

    /// <summary>Refunds tried for one dispute at most (each after the one before closed without moving money).</summary>
    private const int DisputeRefundTriesMax = 5;

    private async Task<WalletError?> DecideClaimedAsync(Guid disputeId, bool upheld, long lossFen, string? note, OperatorActor by,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(by);
        note = note?.Trim();
        if (note is not { Length: >= 2 and <= 200 })
        {
            return PasswordlessErrors.NoteRequired;
        }
        await using var db = database.CreateContext();
        var dispute = await db.Set<PasswordlessDisputeRow>().FirstOrDefaultAsync(d => d.Id == disputeId, ct);
        if (dispute is not { State: PasswordlessDisputeRow.Open })
        {
            return PasswordlessErrors.DisputeNotOpen;
        }
        if (upheld && (lossFen < 0 || lossFen > dispute.AmountFen))
        {
            return PasswordlessErrors.LossOutOfRange(dispute.AmountFen);
        }
        // The dispute's refunds: out_refund_no "PWLD" + its id, then "-2", "-3" … for each try after one that closed without
        // moving money (the ledger refused it), so a closed refund never uses up the dispute's only number.
        var prefix = "PWLD" + dispute.Id.ToString("N");
        var tries = await db.Set<PaymentRefundRow>().AsNoTracking()
            .Where(r => r.MchId == dispute.MchId && (r.OutRefundNo == prefix || r.OutRefundNo.StartsWith(prefix + "-")))
            .Select(r => new { r.Status, r.RefundFen }).Take(DisputeRefundTriesMax + 1).ToListAsync(ct);
        // an upheld decision that refunded the user and stopped before recording itself: the refund stands for the decision —
        // only upholding can close the dispute, and the loss recorded is what was refunded (a closed refund moved nothing)
        var earlier = tries.FirstOrDefault(r => r.Status != Payments.Refunds.PaymentRefunds.Closed);
        if (earlier is { Status: not Payments.Refunds.PaymentRefunds.Success })
        {
            return PasswordlessErrors.RefundProcessing; // may still pay the user, or close: neither decision can be recorded yet
        }
        if (earlier is not null && !upheld)
        {
            return PasswordlessErrors.DisputeRefunded;
        }
        if (earlier is not null)
        {
            lossFen = earlier.RefundFen;
        }
        else if (upheld && lossFen > 0)
        {
            if (tries.Count >= DisputeRefundTriesMax)
            {
                return PasswordlessErrors.RefundRefused(Payments.Refunds.PaymentRefunds.Closed);
            }
            var merchant = await merchants.FindAsync(dispute.MchId, ct);
            var order = await db.Set<PaymentOrderRow>().AsNoTracking().FirstAsync(o => o.Id == dispute.OrderId, ct);
            if (merchant is null)
            {
                return PasswordlessErrors.MerchantUnavailable;
            }
            var refundNo = tries.Count == 0 ? prefix : prefix + "-" + (tries.Count + 1);
            var (refund, _, refused) = await refunds.ApplyAsync(merchant, new Payments.Refunds.RefundRequest(order.TransactionId,
                order.OutTradeNo, refundNo, "免密支付投诉成立", null, lossFen, order.TotalFen), ct, review: false);
            if (refused is not null || refund?.Status == Payments.Refunds.PaymentRefunds.Closed)
            {
                var code = refused?.Code ?? Payments.Refunds.PaymentRefunds.Closed; // a refund closed before (no money moved) is no refund
                logger.LogWarning("dispute {Id}: the merchant's refund was refused: {Code}", dispute.Id, code);
                return PasswordlessErrors.RefundRefused(code);
            }
            if (refund!.Status != Payments.Refunds.PaymentRefunds.Success)
            {
                // PROCESSING (the ledger could not answer at once): the refund may still close without moving money, so upholding
                // is not recorded yet — decided again, the dispute records the refund once it succeeded, or tries again if it closed
                return PasswordlessErrors.RefundProcessing;
            }
        }
        (dispute.State, dispute.LossFen, dispute.DecidedBy, dispute.DecisionNote, dispute.DecidedAt) =
            (upheld ? PasswordlessDisputeRow.Upheld : PasswordlessDisputeRow.Rejected, upheld ? lossFen : 0, by.Username, note, clock.UtcNow);
        await db.SaveChangesAsync(CancellationToken.None); // the user may have been refunded: the decision is recorded whatever the request does
        await audit.AppendAsync(by.Username, by.Role, "passwordless.dispute.decide", dispute.TransactionId,
            $"{dispute.State} loss {dispute.LossFen} fen: {note}");
        return null;
    }

    /// <summary>
    /// PWL-6: a merchant whose disputes reach <see cref="PasswordlessOptions.DisputeRateThresholdPpm"/> of its passwordless
    /// payments in the window (with enough payments to judge) loses eligibility now; its contracts can no longer be charged.
    /// </summary>
    public async Task<bool> EnforceThresholdAsync(Guid merchantId, CancellationToken ct)
    {
        var figures = (await FiguresAsync(merchantId, ct)).SingleOrDefault();
        if (figures is null || !figures.Eligible || figures.Payments < options.DisputeMinPayments
            || figures.DisputeRatePpm < options.DisputeRateThresholdPpm)
        {
            return false;
        }
        await using var db = database.CreateContext();
        await db.Merchants.Where(m => m.Id == merchantId).ExecuteUpdateAsync(s => s.SetProperty(m => m.PasswordlessEligible, false), ct);
        merchants.Forget(figures.MchId);
        await audit.AppendAsync("system", "system", "merchant.passwordless-revoked", figures.MchId,
            $"dispute rate {figures.DisputeRatePpm} ppm ≥ {options.DisputeRateThresholdPpm} ppm over {figures.Payments} payments");
        logger.LogWarning("merchant {MchId} lost passwordless eligibility: dispute rate {Rate} ppm", figures.MchId, figures.DisputeRatePpm);
        return true;
    }

    /// <summary>PWL-6: the loss and dispute report over the window — every merchant's line and the totals.</summary>
    public async Task<PasswordlessReport> ReportAsync(CancellationToken ct)
    {
        var figures = await FiguresAsync(null, ct);
        return new PasswordlessReport(options.DisputeWindowDays, figures, figures.Sum(f => f.Payments), figures.Sum(f => f.AmountFen),
            figures.Sum(f => f.Disputes), figures.Sum(f => f.Upheld), figures.Sum(f => f.LossFen));
    }

    /// <summary>PWL-6: passwordless payments, amounts, disputes and losses per merchant over the window (null = every merchant
    /// that has any), worst dispute rate first.</summary>
    public async Task<IReadOnlyList<MerchantPasswordlessFigures>> FiguresAsync(Guid? merchantId, CancellationToken ct)
    {
        var since = clock.UtcNow.AddDays(-options.DisputeWindowDays);
        await using var db = database.CreateContext();
        var paid = await db.Set<PaymentOrderRow>().AsNoTracking()
            .Where(o => o.PaidPasswordless && o.State == PaymentOrders.Success && o.SuccessTime >= since
                && (merchantId == null || o.MerchantId == merchantId))
            .GroupBy(o => o.MerchantId).Select(g => new { g.Key, Count = g.Count(), Fen = g.Sum(o => o.TotalFen) }).ToListAsync(ct);
        var disputes = await db.Set<PasswordlessDisputeRow>().AsNoTracking()
            .Where(d => d.CreatedAt >= since && (merchantId == null || d.MerchantId == merchantId))
            .GroupBy(d => d.MerchantId)
            .Select(g => new { g.Key, Count = g.Count(), Upheld = g.Count(d => d.State == PasswordlessDisputeRow.Upheld), Loss = g.Sum(d => d.LossFen) })
            .ToListAsync(ct);
        var ids = paid.Select(p => p.Key).Union(disputes.Select(d => d.Key)).ToList();
        var names = await db.Merchants.AsNoTracking().Where(m => ids.Contains(m.Id))
            .Select(m => new { m.Id, m.MchId, m.Name, m.PasswordlessEligible }).ToListAsync(ct);
        return [.. names.Select(m =>
        {
            var p = paid.FirstOrDefault(x => x.Key == m.Id);
            var d = disputes.FirstOrDefault(x => x.Key == m.Id);
            var count = p?.Count ?? 0;
            var disputed = d?.Count ?? 0;
            return new MerchantPasswordlessFigures(m.MchId, m.Name, m.PasswordlessEligible, count, p?.Fen ?? 0, disputed, d?.Upheld ?? 0,
                d?.Loss ?? 0, count == 0 ? (disputed > 0 ? 1_000_000 : 0) : (int)Math.Min(1_000_000, disputed * 1_000_000L / count));
        }).OrderByDescending(f => f.DisputeRatePpm).ThenBy(f => f.MchId, StringComparer.Ordinal)];
    }

    /// <summary>PWL-7: reminds users of agreements signed (or last reminded) long ago to review them; at most 200 a call.</summary>
    public async Task<int> RemindDueAsync(CancellationToken ct)
    {
        var due = clock.UtcNow.AddDays(-options.ReviewReminderDays);
        await using var db = database.CreateContext();
        var dueRows = db.Set<PasswordlessAgreementRow>().Where(a => a.State == PasswordlessAgreementRow.Signed
            && (a.ReviewRemindedAt ?? a.SignedAt) <= due);
        var rows = await dueRows.AsNoTracking().OrderBy(a => a.SignedAt).Take(200).ToListAsync(ct);
        var reminded = 0;
        foreach (var row in rows)
        {
            // each agreement marked on its own, in one conditional statement before its text: one that changed meanwhile (or
            // that another server reminded) is skipped, and the others are not held back by it or texted twice
            if (await dueRows.Where(a => a.Id == row.Id).ExecuteUpdateAsync(set => set.SetProperty(a => a.ReviewRemindedAt, clock.UtcNow), ct)
                == 0)
            {
                continue;
            }
            reminded++;
            var user = await accounts.FindAsync(row.UserId!.Value, ct);
            if (user is not null)
            {
                var name = row.MchId is null ? "付款码小额免密"
                    : await db.Merchants.Where(m => m.Id == row.MerchantId).Select(m => m.Name).FirstAsync(ct);
                await sms.SendAsync(credentials.PhoneOf(user), "account",
                    $"【知付】您与「{name}」的免密支付协议仍在生效。请在钱包「我的 › 免密支付」核对，不需要的可一键关闭。", ct);
            }
        }
        return reminded;
    }
}

/// <summary>Sends PWL-7's review reminders once an hour.</summary>
public sealed class PasswordlessWorker(PasswordlessOversight oversight, ILogger<PasswordlessWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Hosting.PeriodicWork.RunAsync(TimeSpan.FromHours(1),
        oversight.RemindDueAsync, logger, "passwordless reminders failed; next round in an hour", stoppingToken);
}
