using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Ledger;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Notifications;
using Zhifu.Server.Payments;
using Zhifu.Server.Payments.Refunds;
using Zhifu.Server.Security;

namespace Zhifu.Server.Face;

/// <summary>What a user sends to claim a face payment was not theirs or was wrong (FACE-6).</summary>
public sealed record FaceClaimRequest(string? TransactionId, string? Kind, string? Description, bool WithdrawFace);

/// <summary>A claim as the user (no operator names) or an operator (with the payer's masked phone and who acted) sees it.</summary>
public sealed record FaceClaimView(Guid Id, string TransactionId, string MchId, string MerchantName, string? TerminalId, long AmountFen,
    string Amount, string Kind, string Description, string Department, string? AssignedTo, string State, string OpenedAt, string Deadline,
    bool Overdue, long CompensatedFen, string Compensated, string? DecidedBy, string? DecisionNote, string? DecidedAt, string? RecoveryState,
    long RecoveredFen, string? RecoveryNote, string? RecoveryAt, string? PayerPhone);

/// <summary>
/// 刷脸支付 claims and 先行赔付 (FACE-6, CS-1, CS-2). A user reports one of their face payments as stolen ("not me") or
/// mistaken; a case opens at once with the responsible department named and a deadline, and the user is told both. An
/// operator takes it (the person responsible) and decides: unless the user's fault is shown, the risk compensation fund pays
/// the user the unrefunded amount first — one ledger adjustment, fund → the user's balance — and the
/// platform then pursues recovery: from the merchant whose terminal took the payment (its pending settlement funds → the fund)
/// or written off against the fund. Every step is audited and visible to the user and to operators; a claim the fund has paid
/// can no longer be refunded by the merchant (the user would be paid twice).
/// </summary>
/// <remarks>
/// Each decision is recorded first (the claim's version token lets one decision win) and the money moves after; if the
/// process stops in between, <see cref="ResumeAsync"/> (at start and every few minutes) posts what is recorded but not yet
/// in the ledger — the recorded ids make a repeat harmless. A definite refusal (the fund or the merchant short) undoes the
/// record, and the next attempt gets a new id (the ledger answers a refused id's refusal for ever).
/// </remarks>
public sealed class FaceClaims(DatabaseOptions database, FaceOptions options, FaceEnrolment enrolment, WalletAccounts accounts,
    WalletCredentials credentials, Adjustments adjustments, InstitutionChart chart, ILedger ledger, IAccountGuard guard, ISmsGateway sms,
    AuditLog audit, IClock clock, ILogger<FaceClaims> logger)
{
    public const string CompensationKind = "face-compensation";
    public const string RecoveryKind = "face-recovery";

    /// <summary>At most this many claims on one page (API and console alike).</summary>
    public const int PageMax = 100;

    public static readonly string[] Kinds = [FaceClaimRow.Stolen, FaceClaimRow.Mistaken];
    public static readonly string[] States = [FaceClaimRow.Open, FaceClaimRow.Compensated, FaceClaimRow.Rejected];
    public static readonly string[] RecoveryOutcomes = ["merchant", FaceClaimRow.WrittenOff];

    public static readonly WalletError InvalidKind = new(400, "FACE_CLAIM_INVALID_KIND", "请选择申诉类型：非本人刷脸或扣款有误",
        "Choose what happened: not me, or charged wrongly");
    public static readonly WalletError InvalidDescription = new(400, "FACE_CLAIM_INVALID_DESCRIPTION", "请用 2–200 个字说明情况",
        "Describe what happened in 2–200 characters");
    public static readonly WalletError NotAllowed = new(409, "FACE_CLAIM_NOT_ALLOWED",
        "只能对自己近期成功且未全额退款的刷脸支付申诉，每笔一次", "Only your own recent, paid and not fully refunded face payments can be claimed, once each");
    public static readonly WalletError NotFound = new(404, "FACE_CLAIM_NOT_FOUND", "申诉不存在", "No such claim");
    public static readonly WalletError NotOpen = new(409, "FACE_CLAIM_NOT_OPEN", "申诉已处理", "The claim has already been decided");
    public static readonly WalletError Busy = new(409, "FACE_CLAIM_BUSY", "申诉或其订单刚刚有变动，请刷新后重试",
        "The claim or its payment changed just now; reload and try again");
    public static readonly WalletError RefundInFlight = new(409, "FACE_CLAIM_REFUND_PENDING", "该笔支付有退款正在处理，请待退款完成后再处理申诉",
        "A refund of this payment is still in progress; decide the claim once it is done");
    public static readonly WalletError DecisionRequired = new(400, "FACE_CLAIM_DECISION_REQUIRED", "请选择：先行赔付，或用户过错驳回",
        "Choose: compensate, or reject for the user's fault");
    public static readonly WalletError NoteRequired = new(400, "FACE_CLAIM_NOTE_REQUIRED", "请填写 2–200 字的处理说明",
        "Write a note of 2–200 characters");
    public static readonly WalletError FundShort = new(409, "FACE_FUND_INSUFFICIENT", "风险补偿金余额不足，请先补充资金",
        "The risk compensation fund cannot cover this; top it up first");
    public static readonly WalletError RecoveryNotPending = new(409, "FACE_RECOVERY_NOT_PENDING", "该申诉没有待追偿的赔付",
        "The claim has no compensation waiting for recovery");
    public static readonly WalletError RecoveryInvalid = new(400, "FACE_RECOVERY_INVALID", "追偿方式或金额不正确（向商户追偿的金额须在 1 分与赔付金额之间）",
        "Choose how it was recovered; an amount from the merchant must be between ¥0.01 and what was paid");
    public static readonly WalletError MerchantShort = new(409, "FACE_RECOVERY_MERCHANT_SHORT", "商户待结算资金不足，无法扣回",
        "The merchant's pending settlement funds cannot cover the recovery");

    /// <summary>The field a refusal is about, for forms.</summary>
    public static string? FieldOf(WalletError error) => error?.Code switch
    {
        "FACE_CLAIM_INVALID_KIND" => "kind",
        "FACE_CLAIM_INVALID_DESCRIPTION" => "description",
        "FACE_CLAIM_NOT_ALLOWED" => "transactionId",
        "FACE_CLAIM_NOTE_REQUIRED" => "note",
        "FACE_RECOVERY_INVALID" => "amount",
        _ => null,
    };

    /// <summary>FACE-6: the user's claim on one of their face payments; opens a case with a department and a deadline.</summary>
    public async Task<(FaceClaimView? Claim, WalletError? Error)> OpenAsync(Guid userId, FaceClaimRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Kind is not { } kind || !Kinds.Contains(kind))
        {
            return (null, InvalidKind);
        }
        var description = request.Description?.Trim();
        if (description is not { Length: >= 2 and <= 200 })
        {
            return (null, InvalidDescription);
        }
        var since = clock.UtcNow.AddDays(-options.ClaimWindowDays);
        await using var db = database.CreateContext();
        var order = request.TransactionId is not { Length: > 0 and <= 32 } transactionId ? null
            : await db.Set<PaymentOrderRow>().AsNoTracking().FirstOrDefaultAsync(o => o.TransactionId == transactionId
                && o.PayerUserId == userId && o.TradeType == OrderRequest.FacePay && o.State == PaymentOrders.Success, ct);
        if (order is null || order.SuccessTime < since || order.RefundedFen >= order.TotalFen
            || await db.Set<FaceClaimRow>().AnyAsync(c => c.OrderId == order.Id, ct))
        {
            return (null, NotAllowed);
        }
        var now = clock.UtcNow;
        var claim = new FaceClaimRow
        {
            Id = Guid.CreateVersion7(), UserId = userId, OrderId = order.Id, TransactionId = order.TransactionId, MerchantId = order.MerchantId,
            MchId = order.MchId, TerminalId = order.FaceTerminalId, AmountFen = order.TotalFen, Kind = kind, Description = description,
            Department = options.ClaimDepartment, DeadlineAt = now.AddDays(options.ClaimDeadlineDays), State = FaceClaimRow.Open, CreatedAt = now,
        };
        db.Add(claim);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return (null, NotAllowed); // the same payment claimed twice at once
        }
        if (request.WithdrawFace)
        {
            await enrolment.WithdrawAsync(userId, ct); // "not me": nobody pays with this face again until the user enrols anew
        }
        await TellAsync(userId, $"【知付】已受理您对刷脸支付 {new Money(order.TotalFen)} 的申诉，受理部门：{claim.Department}，"
            + $"将于 {ChinaTime.Format(claim.DeadlineAt)} 前处理完毕。", ct);
        return ((await ViewsAsync(db, [claim], false, ct))[0], null);
    }

    /// <summary>The user's own claims, newest first (at most <see cref="PageMax"/>).</summary>
    public async Task<IReadOnlyList<FaceClaimView>> MineAsync(Guid userId, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var rows = await db.Set<FaceClaimRow>().AsNoTracking().Where(c => c.UserId == userId).OrderByDescending(c => c.CreatedAt)
            .Take(PageMax).ToListAsync(ct);
        return await ViewsAsync(db, rows, false, ct);
    }

    /// <summary>The user's face payments they may still claim (paid, recent, not fully refunded, not claimed), newest first.</summary>
    public async Task<IReadOnlyList<(string TransactionId, string MchId, string Description, long AmountFen, DateTimeOffset PaidAt)>>
        ClaimableAsync(Guid userId, CancellationToken ct)
    {
        var since = clock.UtcNow.AddDays(-options.ClaimWindowDays);
        await using var db = database.CreateContext();
        var claimed = db.Set<FaceClaimRow>().Where(c => c.UserId == userId).Select(c => c.OrderId);
        var rows = await db.Set<PaymentOrderRow>().AsNoTracking().Where(o => o.PayerUserId == userId && o.TradeType == OrderRequest.FacePay
                && o.State == PaymentOrders.Success && o.SuccessTime >= since && o.RefundedFen < o.TotalFen && !claimed.Contains(o.Id))
            .OrderByDescending(o => o.SuccessTime).Take(PageMax)
            .Select(o => new { o.TransactionId, o.MchId, o.Description, o.TotalFen, o.SuccessTime }).ToListAsync(ct);
        return [.. rows.Select(o => (o.TransactionId, o.MchId, o.Description, o.TotalFen, o.SuccessTime!.Value))];
    }

    /// <summary>Operators: claims of one state (or all) — open ones by deadline, soonest first; then the newest.</summary>
    public async Task<(IReadOnlyList<FaceClaimView> Rows, int Total)> ListAsync(string? state, bool pursuingOnly, int skip, int take,
        CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(take, PageMax);
        await using var db = database.CreateContext();
        var query = db.Set<FaceClaimRow>().AsNoTracking().Where(c => (state == null || c.State == state)
            && (!pursuingOnly || c.RecoveryState == FaceClaimRow.Pursuing));
        var total = await query.CountAsync(ct);
        var rows = await query.OrderBy(c => c.State == FaceClaimRow.Open ? 0 : 1).ThenBy(c => c.DeadlineAt).ThenBy(c => c.Id)
            .Skip(skip).Take(take).ToListAsync(ct);
        return (await ViewsAsync(db, rows, true, ct), total);
    }

    /// <summary>Operators: one claim.</summary>
    public async Task<FaceClaimView?> FindAsync(Guid claimId, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var row = await db.Set<FaceClaimRow>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == claimId, ct);
        return row is null ? null : (await ViewsAsync(db, [row], true, ct))[0];
    }

    /// <summary>CS-1: an operator takes an open claim and becomes the person responsible (audited).</summary>
    public async Task<WalletError?> AssignAsync(Guid claimId, OperatorActor by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(by);
        await using var db = database.CreateContext();
        var claim = await db.Set<FaceClaimRow>().FirstOrDefaultAsync(c => c.Id == claimId, ct);
        if (claim is null)
        {
            return NotFound;
        }
        if (claim.State != FaceClaimRow.Open)
        {
            return NotOpen;
        }
        claim.AssignedTo = by.Username;
        claim.Version++;
        if (!await SavedAsync(db, ct))
        {
            return NotOpen;
        }
        await audit.AppendAsync(by.Username, by.Role, "face-claim.assign", claim.TransactionId, "taken");
        return null;
    }

    /// <summary>
    /// FACE-6: decides an open claim, with a note of 2–200 characters (audited when recorded). <paramref name="userAtFault"/>
    /// only when the user's fault is shown (the claim is rejected, nothing moves); otherwise 先行赔付 — the fund pays the user
    /// what the payment still stands at (its amount less refunds; consumption-only funds back as such, CARD-3) and recovery
    /// starts. Refused while a refund of the payment is still in flight (it could yet be voided), while the payer's wallet may
    /// not receive (ACC-4 … ACC-6), when the fund cannot cover it, or when <paramref name="expectedFen"/> (what the operator
    /// confirmed) is not what would be paid. Null when done (the money may follow from <see cref="ResumeAsync"/> if the ledger
    /// is busy), else why not — nothing changed.
    /// </summary>
    public async Task<WalletError?> DecideAsync(Guid claimId, bool userAtFault, string? note, OperatorActor by, CancellationToken ct,
        long? expectedFen = null)
    {
        ArgumentNullException.ThrowIfNull(by);
        note = note?.Trim();
        await using var db = database.CreateContext();
        var (claim, refused) = await ToChangeAsync(db, claimId, note, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (claim!.State != FaceClaimRow.Open)
        {
            return NotOpen;
        }
        // the order's version moves with the decision, so a merchant refund racing it fails its save, reads again and finds
        // the claim compensated (PaymentRefunds refuses those): the user is never paid twice
        var order = await db.Set<PaymentOrderRow>().FirstAsync(o => o.Id == claim.OrderId, ct);
        order.Version++;
        var (lossFen, consumptionFen) = (0L, 0L);
        if (!userAtFault)
        {
            var refunds = await db.Set<PaymentRefundRow>().AsNoTracking().Where(r => r.OrderId == order.Id && r.Status != PaymentRefunds.Closed)
                .Select(r => new { r.Status, r.ConsumptionFen }).ToListAsync(ct);
            if (refunds.Any(r => r.Status == PaymentRefunds.Processing))
            {
                return RefundInFlight;
            }
            lossFen = order.TotalFen - order.RefundedFen;
            consumptionFen = Math.Clamp(order.ConsumptionFen - refunds.Sum(r => r.ConsumptionFen), 0, lossFen);
            if (expectedFen is { } expected && expected != lossFen)
            {
                return Busy;
            }
            if (lossFen > 0 && await guard.EnsureCanTransactAsync(claim.UserId, Business.NonCounterIn, ct) is { } blocked)
            {
                return blocked;
            }
            if (lossFen > (ledger.GetAccount(chart[InstitutionChart.RiskCompensationFund])?.AvailableCreditBalance ?? 0))
            {
                return FundShort;
            }
        }
        (claim.State, claim.CompensatedFen, claim.CompensatedConsumptionFen, claim.DecidedBy, claim.DecisionNote, claim.DecidedAt) =
            (userAtFault ? FaceClaimRow.Rejected : FaceClaimRow.Compensated, lossFen, consumptionFen, by.Username, note, clock.UtcNow);
        claim.AssignedTo ??= by.Username;
        claim.CompensationTransferId = lossFen > 0 ? Guid.CreateVersion7() : null;
        claim.RecoveryState = lossFen > 0 ? FaceClaimRow.Pursuing : null;
        claim.Version++;
        if (!await SavedAsync(db, ct))
        {
            return Busy; // another operator decided it first, or a refund of the payment went in meanwhile
        }
        await audit.AppendAsync(by.Username, by.Role, "face-claim.decide", claim.TransactionId,
            $"{claim.State}, compensating {lossFen} fen: {note}");
        if (lossFen > 0)
        {
            return await CompensateAsync(claim);
        }
        await TellAsync(claim, userAtFault
            ? $"【知付】您对刷脸支付 {new Money(claim.AmountFen)} 的申诉经核查未予支持：{note}。如有异议请联系客服。"
            : $"【知付】您对刷脸支付 {new Money(claim.AmountFen)} 的申诉已处理：该笔已由商户全额退款，无需赔付。");
        return null;
    }

    /// <summary>
    /// FACE-6: concludes the recovery of a compensated claim whose compensation is in the ledger (finance, audited):
    /// <c>merchant</c> — <paramref name="amountFen"/> (¥0.01 … what the fund paid) is taken back from the merchant's pending
    /// settlement funds into the fund; or <c>written-off</c> — the fund bears the loss. A note of 2–200 characters says why.
    /// </summary>
    public async Task<WalletError?> RecoverAsync(Guid claimId, string? outcome, long amountFen, string? note, OperatorActor by,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(by);
        note = note?.Trim();
        await using var db = database.CreateContext();
        var (claim, refused) = await ToChangeAsync(db, claimId, note, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (claim!.RecoveryState != FaceClaimRow.Pursuing
            || !await db.LedgerTransfers.AnyAsync(t => t.Id == claim.CompensationTransferId && t.Result == (int)TransferResult.Ok, ct))
        {
            return RecoveryNotPending; // nothing paid (yet) means nothing to recover
        }
        var fromMerchant = outcome == "merchant";
        if (!RecoveryOutcomes.Contains(outcome) || (fromMerchant && (amountFen < 1 || amountFen > claim.CompensatedFen)))
        {
            return RecoveryInvalid;
        }
        if (fromMerchant)
        {
            var pending = await db.Merchants.Where(m => m.Id == claim.MerchantId).Select(m => m.PendingAccountId).FirstAsync(ct);
            if (amountFen > (ledger.GetAccount(pending)?.AvailableCreditBalance ?? 0))
            {
                return MerchantShort;
            }
        }
        (claim.RecoveryState, claim.RecoveredFen, claim.RecoveryBy, claim.RecoveryNote, claim.RecoveryAt, claim.RecoveryTransferId) =
            (fromMerchant ? FaceClaimRow.Recovered : FaceClaimRow.WrittenOff, fromMerchant ? amountFen : 0, by.Username, note, clock.UtcNow,
                fromMerchant ? Guid.CreateVersion7() : null);
        claim.Version++;
        if (!await SavedAsync(db, ct))
        {
            return RecoveryNotPending;
        }
        await audit.AppendAsync(by.Username, by.Role, "face-claim.recover", claim.TransactionId,
            $"{claim.RecoveryState} {claim.RecoveredFen} fen: {note}");
        return fromMerchant ? await RecoverFromMerchantAsync(claim) : null;
    }

    /// <summary>A decision's or recovery's start: the note (2–200 characters, trimmed), then the claim, tracked.</summary>
    private static async Task<(FaceClaimRow? Claim, WalletError? Refused)> ToChangeAsync(ZhifuDb db, Guid claimId, string? note,
        CancellationToken ct)
    {
        if (note is not { Length: >= 2 and <= 200 })
        {
            return (null, NoteRequired);
        }
        var claim = await db.Set<FaceClaimRow>().FirstOrDefaultAsync(c => c.Id == claimId, ct);
        return claim is null ? (null, NotFound) : (claim, null);
    }

    /// <summary>
    /// Posts what decisions recorded but the ledger does not have yet (the process stopped in between, or the ledger was
    /// busy): compensations and recoveries whose transfer is missing, oldest first, at most 100 of each a call; the recorded
    /// ids make repeats harmless. A definite refusal undoes the record (the claim open again, or the recovery pending again),
    /// audited. One claim's failure does not stop the others.
    /// </summary>
    public async Task<int> ResumeAsync(CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var applied = db.LedgerTransfers.Where(t => t.Result == (int)TransferResult.Ok).Select(t => t.Id);
        var compensations = await db.Set<FaceClaimRow>().AsNoTracking()
            .Where(c => c.State == FaceClaimRow.Compensated && c.CompensationTransferId != null && !applied.Contains(c.CompensationTransferId.Value))
            .OrderBy(c => c.DecidedAt).ThenBy(c => c.Id).Take(100).ToListAsync(ct);
        var recoveries = await db.Set<FaceClaimRow>().AsNoTracking()
            .Where(c => c.RecoveryState == FaceClaimRow.Recovered && c.RecoveryTransferId != null && !applied.Contains(c.RecoveryTransferId.Value))
            .OrderBy(c => c.RecoveryAt).ThenBy(c => c.Id).Take(100).ToListAsync(ct);
        foreach (var (claim, recovery) in compensations.Select(c => (c, false)).Concat(recoveries.Select(c => (c, true))))
        {
            try
            {
                if ((recovery ? await RecoverFromMerchantAsync(claim) : await CompensateAsync(claim)) is { } refused)
                {
                    logger.LogWarning("face claim {Id}: the recorded move was refused on resume ({Code}); undone", claim.Id, refused.Code);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                logger.LogError(e, "face claim {Id}: resuming failed; next round retries", claim.Id);
            }
        }
        return compensations.Count + recoveries.Count;
    }

    /// <summary>
    /// 先行赔付 under the recorded id: fund → the user's consumption-only funds (their share) and balance, one linked request.
    /// Done: the user is told. Refused: the decision is undone (the claim open again), audited. The ledger busy: the record
    /// stays for <see cref="ResumeAsync"/>.
    /// </summary>
    private async Task<WalletError?> CompensateAsync(FaceClaimRow claim)
    {
        if (await accounts.FindAsync(claim.UserId, CancellationToken.None) is not { } user)
        {
            return await UndoAsync(claim, recovery: false, Failed(TransferResult.CreditAccountNotFound));
        }
        var fund = chart[InstitutionChart.RiskCompensationFund];
        var id = claim.CompensationTransferId!.Value;
        var legs = new List<AdjustmentLeg>();
        if (claim.CompensatedConsumptionFen > 0)
        {
            legs.Add(new AdjustmentLeg(id, fund, user.ConsumptionAccountId, claim.CompensatedConsumptionFen));
        }
        if (claim.CompensatedFen > claim.CompensatedConsumptionFen)
        {
            legs.Add(new AdjustmentLeg(legs.Count == 0 ? id : DerivedIds.For(id, "balance"), fund, user.WalletAccountId,
                claim.CompensatedFen - claim.CompensatedConsumptionFen));
        }
        TransferResult result;
        try
        {
            result = await adjustments.PostAsync(legs, CompensationKind, $"刷脸支付先行赔付 {claim.TransactionId}", "face-claims",
                CancellationToken.None);
        }
        catch (LedgerUnavailableException e)
        {
            logger.LogWarning(e, "face claim {Id}: the ledger is busy; the compensation is posted on resume", claim.Id);
            return null; // recorded: ResumeAsync posts it
        }
        if (!result.IsSuccess())
        {
            return await UndoAsync(claim, recovery: false, result == TransferResult.ExceedsCredits ? FundShort : Failed(result));
        }
        await TellAsync(claim, $"【知付】您对刷脸支付 {new Money(claim.AmountFen)} 的申诉已处理，风险补偿金已先行赔付 "
            + $"{new Money(claim.CompensatedFen)} 至您的账户。");
        return null;
    }

    /// <summary>追偿 under the recorded id: the merchant's pending settlement funds → the fund. Refused: the recovery is pending
    /// again, audited; the ledger busy: left for <see cref="ResumeAsync"/>.</summary>
    private async Task<WalletError?> RecoverFromMerchantAsync(FaceClaimRow claim)
    {
        await using var db = database.CreateContext();
        var pending = await db.Merchants.Where(m => m.Id == claim.MerchantId).Select(m => m.PendingAccountId).FirstAsync(CancellationToken.None);
        TransferResult result;
        try
        {
            result = await adjustments.PostAsync(claim.RecoveryTransferId!.Value, RecoveryKind, $"刷脸支付赔付追偿 {claim.TransactionId}",
                pending, chart[InstitutionChart.RiskCompensationFund], claim.RecoveredFen, "face-claims", CancellationToken.None);
        }
        catch (LedgerUnavailableException e)
        {
            logger.LogWarning(e, "face claim {Id}: the ledger is busy; the recovery is posted on resume", claim.Id);
            return null;
        }
        return result.IsSuccess() ? null
            : await UndoAsync(claim, recovery: true, result == TransferResult.ExceedsCredits ? MerchantShort : Failed(result));
    }

    /// <summary>
    /// Takes back a recorded decision (or recovery) whose money the ledger refused — only while the claim still carries that
    /// attempt's id — so the claim is open (or its recovery pending) again; audited as the system. Never cancelled half-way.
    /// </summary>
    private async Task<WalletError> UndoAsync(FaceClaimRow attempt, bool recovery, WalletError why)
    {
        for (var tries = 0; tries < 3; tries++)
        {
            await using var db = database.CreateContext();
            var claim = await db.Set<FaceClaimRow>().FirstAsync(c => c.Id == attempt.Id, CancellationToken.None);
            if (recovery ? claim.RecoveryTransferId != attempt.RecoveryTransferId : claim.CompensationTransferId != attempt.CompensationTransferId)
            {
                return why; // already undone, or another attempt since
            }
            if (recovery)
            {
                (claim.RecoveryState, claim.RecoveredFen, claim.RecoveryBy, claim.RecoveryNote, claim.RecoveryAt, claim.RecoveryTransferId) =
                    (FaceClaimRow.Pursuing, 0, null, null, null, null);
            }
            else
            {
                (claim.State, claim.CompensatedFen, claim.CompensatedConsumptionFen, claim.DecidedBy, claim.DecisionNote, claim.DecidedAt) =
                    (FaceClaimRow.Open, 0, 0, null, null, null);
                (claim.RecoveryState, claim.CompensationTransferId) = (null, null);
            }
            claim.Version++;
            if (await SavedAsync(db, CancellationToken.None))
            {
                await audit.AppendAsync("system", "system", recovery ? "face-claim.recover-undone" : "face-claim.decide-undone",
                    claim.TransactionId, why.Code);
                return why;
            }
        }
        logger.LogError("face claim {Id}: could not undo a refused move after 3 tries", attempt.Id);
        return why;
    }

    private WalletError Failed(TransferResult result)
    {
        logger.LogError("face claim ledger move refused: {Result}", result);
        return new WalletError(409, "FACE_CLAIM_LEDGER_REFUSED", "账务处理失败，请稍后重试", "The ledger refused the move; try again later");
    }

    private static async Task<bool> SavedAsync(ZhifuDb db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }

    private Task TellAsync(FaceClaimRow claim, string text) => TellAsync(claim.UserId, text, CancellationToken.None);

    private async Task TellAsync(Guid userId, string text, CancellationToken ct)
    {
        if (await accounts.FindAsync(userId, ct) is { } user)
        {
            await sms.SendAsync(credentials.PhoneOf(user), "account", text, ct);
        }
    }

    private async Task<List<FaceClaimView>> ViewsAsync(ZhifuDb db, IReadOnlyList<FaceClaimRow> rows, bool forOperators, CancellationToken ct)
    {
        var merchantIds = rows.Select(r => r.MerchantId).Distinct().ToList();
        var names = await db.Merchants.AsNoTracking().Where(m => merchantIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => m.Name, ct);
        var now = clock.UtcNow;
        var views = new List<FaceClaimView>(rows.Count);
        foreach (var c in rows)
        {
            string? phone = null;
            if (forOperators && await accounts.FindAsync(c.UserId, ct) is { } user)
            {
                phone = PersonalDataMask.Phone(credentials.PhoneOf(user));
            }
            views.Add(new FaceClaimView(c.Id, c.TransactionId, c.MchId, names.GetValueOrDefault(c.MerchantId, c.MchId), c.TerminalId, c.AmountFen,
                new Money(c.AmountFen).ToString(), c.Kind, c.Description, c.Department, forOperators ? c.AssignedTo : null, c.State,
                ChinaTime.Format(c.CreatedAt), ChinaTime.Format(c.DeadlineAt), c.State == FaceClaimRow.Open && now > c.DeadlineAt,
                c.CompensatedFen, new Money(c.CompensatedFen).ToString(), forOperators ? c.DecidedBy : null, c.DecisionNote,
                c.DecidedAt is { } d ? ChinaTime.Format(d) : null, c.RecoveryState, c.RecoveredFen, forOperators ? c.RecoveryNote : null,
                c.RecoveryAt is { } r ? ChinaTime.Format(r) : null, phone));
        }
        return views;
    }
}

/// <summary>Posts recorded but unposted claim money moves at start and every five minutes (<see cref="FaceClaims.ResumeAsync"/>).</summary>
public sealed class FaceClaimsWorker(FaceClaims claims, ILogger<FaceClaimsWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Hosting.PeriodicWork.RunAsync(TimeSpan.FromMinutes(5),
        claims.ResumeAsync, logger, "resuming face claims failed; next round in five minutes", stoppingToken);
}
