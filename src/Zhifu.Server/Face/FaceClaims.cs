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
    WalletCredentials credentials, Adjustments adjustments, InstitutionChart chart, ISmsGateway sms, AuditLog audit, IClock clock,
    ILogger<FaceClaims> logger)
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
        await audit.AppendAsync(by.Username, by.Role, "face-claim.assign", claim.TransactionId, "taken", ct);
        return null;
    }

    /// <summary>
    /// FACE-6: decides an open claim, with a note of 2–200 characters (audited). <paramref name="userAtFault"/> only when the
    /// user's fault is shown (the claim is rejected); otherwise 先行赔付 — the fund pays the user what the payment still
    /// stands at (its amount less refunds) and recovery starts. Null when done, else why not (nothing changed).
    /// </summary>
    public async Task<WalletError?> DecideAsync(Guid claimId, bool userAtFault, string? note, OperatorActor by, CancellationToken ct)
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
        var lossFen = userAtFault ? 0 : order.TotalFen - order.RefundedFen;
        (claim.State, claim.CompensatedFen, claim.DecidedBy, claim.DecisionNote, claim.DecidedAt, claim.AssignedTo) =
            (userAtFault ? FaceClaimRow.Rejected : FaceClaimRow.Compensated, lossFen, by.Username, note, clock.UtcNow,
                claim.AssignedTo ?? by.Username);
        claim.CompensationTransferId = lossFen > 0 ? Guid.CreateVersion7() : null;
        claim.RecoveryState = lossFen > 0 ? FaceClaimRow.Pursuing : null;
        claim.Version++;
        if (!await SavedAsync(db, ct))
        {
            return Busy; // another operator decided it first, or a refund of the payment went in meanwhile
        }
        if (lossFen > 0 && await CompensateAsync(claim, ct) is { } unpaid)
        {
            (claim.State, claim.CompensatedFen, claim.DecidedBy, claim.DecisionNote, claim.DecidedAt, claim.RecoveryState) =
                (FaceClaimRow.Open, 0, null, null, null, null);
            claim.CompensationTransferId = null;
            claim.Version++;
            await db.SaveChangesAsync(ct);
            return unpaid;
        }
        await audit.AppendAsync(by.Username, by.Role, "face-claim.decide", claim.TransactionId,
            $"{claim.State}, compensated {lossFen} fen: {note}", ct);
        await TellAsync(claim.UserId, (userAtFault, lossFen) switch
        {
            (true, _) => $"【知付】您对刷脸支付 {new Money(claim.AmountFen)} 的申诉经核查未予支持：{note}。如有异议请联系客服。",
            (_, 0) => $"【知付】您对刷脸支付 {new Money(claim.AmountFen)} 的申诉已处理：该笔已由商户全额退款，无需赔付。",
            _ => $"【知付】您对刷脸支付 {new Money(claim.AmountFen)} 的申诉已处理，风险补偿金已先行赔付 {new Money(lossFen)} 至您的余额。",
        }, ct);
        return null;
    }

    /// <summary>
    /// FACE-6: concludes the recovery of a compensated claim (finance, audited): <c>merchant</c> — <paramref name="amountFen"/>
    /// (¥0.01 … what the fund paid) is taken back from the merchant's pending settlement funds into the fund; or
    /// <c>written-off</c> — the fund bears the loss. A note of 2–200 characters says why.
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
        if (claim!.RecoveryState != FaceClaimRow.Pursuing)
        {
            return RecoveryNotPending;
        }
        var fromMerchant = outcome == "merchant";
        if (!RecoveryOutcomes.Contains(outcome) || (fromMerchant && (amountFen < 1 || amountFen > claim.CompensatedFen)))
        {
            return RecoveryInvalid;
        }
        (claim.RecoveryState, claim.RecoveredFen, claim.RecoveryBy, claim.RecoveryNote, claim.RecoveryAt, claim.RecoveryTransferId) =
            (fromMerchant ? FaceClaimRow.Recovered : FaceClaimRow.WrittenOff, fromMerchant ? amountFen : 0, by.Username, note, clock.UtcNow,
                fromMerchant ? Guid.CreateVersion7() : null);
        claim.Version++;
        if (!await SavedAsync(db, ct))
        {
            return RecoveryNotPending;
        }
        if (fromMerchant && await RecoverFromMerchantAsync(claim, ct) is { } shortfall)
        {
            (claim.RecoveryState, claim.RecoveredFen, claim.RecoveryBy, claim.RecoveryNote, claim.RecoveryAt, claim.RecoveryTransferId) =
                (FaceClaimRow.Pursuing, 0, null, null, null, null);
            claim.Version++;
            await db.SaveChangesAsync(ct);
            return shortfall;
        }
        await audit.AppendAsync(by.Username, by.Role, "face-claim.recover", claim.TransactionId,
            $"{claim.RecoveryState} {claim.RecoveredFen} fen: {note}", ct);
        return null;
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
    /// Posts what decisions recorded but the ledger does not have yet (the process stopped in between): compensations and
    /// recoveries whose transfer is missing. At most 100 a call; the ids make repeats harmless.
    /// </summary>
    public async Task<int> ResumeAsync(CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var applied = db.LedgerTransfers.Where(t => t.Result == (int)TransferResult.Ok).Select(t => t.Id);
        var compensations = await db.Set<FaceClaimRow>().AsNoTracking()
            .Where(c => c.State == FaceClaimRow.Compensated && c.CompensationTransferId != null && !applied.Contains(c.CompensationTransferId.Value))
            .Take(100).ToListAsync(ct);
        var recoveries = await db.Set<FaceClaimRow>().AsNoTracking()
            .Where(c => c.RecoveryState == FaceClaimRow.Recovered && c.RecoveryTransferId != null && !applied.Contains(c.RecoveryTransferId.Value))
            .Take(100).ToListAsync(ct);
        foreach (var claim in compensations)
        {
            if (await CompensateAsync(claim, ct) is { } refused)
            {
                logger.LogError("face claim {Id}: recorded compensation still not posted: {Code}", claim.Id, refused.Code);
            }
        }
        foreach (var claim in recoveries)
        {
            if (await RecoverFromMerchantAsync(claim, ct) is { } refused)
            {
                logger.LogError("face claim {Id}: recorded recovery still not posted: {Code}", claim.Id, refused.Code);
            }
        }
        return compensations.Count + recoveries.Count;
    }

    /// <summary>先行赔付: fund → the user's balance, under the attempt's recorded id (a repeat moves nothing more).</summary>
    private async Task<WalletError?> CompensateAsync(FaceClaimRow claim, CancellationToken ct)
    {
        var user = (await accounts.FindAsync(claim.UserId, ct))!;
        var result = await adjustments.PostAsync(claim.CompensationTransferId!.Value, CompensationKind, $"刷脸支付先行赔付 {claim.TransactionId}",
            chart[InstitutionChart.RiskCompensationFund], user.WalletAccountId, claim.CompensatedFen, "face-claims", ct);
        return result.IsSuccess() ? null : result == TransferResult.ExceedsCredits ? FundShort : Failed(result);
    }

    /// <summary>追偿: the merchant's pending settlement funds → the fund.</summary>
    private async Task<WalletError?> RecoverFromMerchantAsync(FaceClaimRow claim, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var pending = await db.Merchants.Where(m => m.Id == claim.MerchantId).Select(m => m.PendingAccountId).FirstAsync(ct);
        var result = await adjustments.PostAsync(claim.RecoveryTransferId!.Value, RecoveryKind, $"刷脸支付赔付追偿 {claim.TransactionId}",
            pending, chart[InstitutionChart.RiskCompensationFund], claim.RecoveredFen, "face-claims", ct);
        return result.IsSuccess() ? null : result == TransferResult.ExceedsCredits ? MerchantShort : Failed(result);
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
