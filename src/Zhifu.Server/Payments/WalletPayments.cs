using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Ledger;
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
    IAccountGuard guard, BalanceLimits limits, PaymentLedger money, PaymentNotifications notifications, PayerTurns turns, Risk.RiskCheck risk,
    Risk.IRiskEngine engine, Risk.RiskCases cases, IEnumerable<IPaymentSucceeded> succeeded, IClock clock, ILogger<WalletPayments> logger)
{
    /// <summary>
    /// The order a scanned code, an H5 prepay_id or a payment-code charge names, with the merchant's name the payer is shown;
    /// (null, null) when there is none.
    /// </summary>
    public async Task<(PaymentOrderRow? Order, string? Merchant)> FindAsync(string code, CancellationToken ct)
    {
        if (code is null || code.Length is 0 or > 64)
        {
            return (null, null);
        }
        await using var db = database.CreateContext();
        var order = await OrderByCode.For(db)(db, code, ct);
        if (order is null)
        {
            return (null, null);
        }
        if (await merchants.FindAsync(order.MchId, ct) is { } merchant)
        {
            return (order, merchant.Merchant.Name);
        }
        return (order, await db.Merchants.Where(m => m.Id == order.MerchantId).Select(m => m.Name).FirstAsync(ct));
    }

    /// <summary>Read twice for every payment (shown, then paid): compiled once (no per-call query translation).</summary>
    private static readonly ModelCompiled<Func<ZhifuDb, string, CancellationToken, Task<PaymentOrderRow?>>> OrderByCode =
        new(() => EF.CompileAsyncQuery((ZhifuDb db, string code, CancellationToken ct) => db.Set<PaymentOrderRow>().AsNoTracking().FirstOrDefault(o => o.Code == code)));

    /// <summary>The order to settle, tracked: read once for every payment, compiled once.</summary>
    private static readonly ModelCompiled<Func<ZhifuDb, Guid, Task<PaymentOrderRow>>> TrackedOrderById =
        new(() => EF.CompileAsyncQuery((ZhifuDb db, Guid id) => db.Set<PaymentOrderRow>().First(o => o.Id == id)));

    /// <summary>The wallet's key of the order: the pr= of a code_url, the prepay_id= of an h5_url, or the prepay_id itself.</summary>
    public static string CodeOf(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        foreach (var marker in new[] { "pr=", "prepay_id=" })
        {
            var at = text.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                var value = text[(at + marker.Length)..];
                var end = value.IndexOf('&', StringComparison.Ordinal);
                return Uri.UnescapeDataString(end >= 0 ? value[..end] : value);
            }
        }
        return text;
    }

    /// <summary>Why an order cannot be paid now, or null when it can.</summary>
    public WalletError? Unpayable(PaymentOrderRow order, Guid userId) => order.State switch
    {
        PaymentOrders.Success => order.PayerUserId == userId ? null : PaymentErrors.AlreadyPaid,
        PaymentOrders.Closed => PaymentErrors.Closed,
        PaymentOrders.Paying or PaymentOrders.Review => PaymentErrors.InProgress,
        _ when order.PayerOpenId is { } payer && payer != money.OpenId(order.AppId, userId) => PaymentErrors.PayerMismatch, // JSAPI
        _ => clock.UtcNow > order.ExpiresAt ? PaymentErrors.Expired : null,
    };

    /// <summary>What the payer is shown before paying: <see cref="Unpayable"/>, and an open order of a merchant whose trading is
    /// suspended (MER-1) as the payment would answer it.</summary>
    public async Task<WalletError?> UnpayableAsync(PaymentOrderRow order, Guid userId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        return Unpayable(order, userId) ?? (order.State == PaymentOrders.Success
            || await merchants.FindAsync(order.MchId, ct) is { Merchant.Status: MerchantRow.Active } ? null : PaymentErrors.MerchantUnavailable);
    }

    public Task<(PaymentOrderRow? Order, WalletError? Error)> PayAsync(Guid userId, PaymentOrderRow order, string? password,
        string? verificationCode, Risk.RiskOrigin origin, CancellationToken ct) =>
        SettleAsync(userId, order, new Authorization(password, verificationCode, null, null), origin, ct);

    /// <summary>
    /// 免密支付 (PWL-1, PWL-4): the same payment without the payment password, under a signed agreement whose limits the
    /// caller checked. Risk control decides it as kind <c>passwordless</c> with the user's profile: anything but allow (a
    /// step-up for a departure from habit, a review) is not charged here — the caller leaves the order to the user, who
    /// confirms it in the wallet with the password (二次验证); a block refuses.
    /// </summary>
    public Task<(PaymentOrderRow? Order, WalletError? Error)> PayPasswordlessAsync(Guid userId, PaymentOrderRow order,
        Guid agreementId, CancellationToken ct) =>
        SettleAsync(userId, order, new Authorization(null, null, agreementId, null), Risk.RiskOrigin.Unknown, ct);

    /// <summary>
    /// 刷脸支付 (FACE-4): the payment of a user the face found and who then typed the face-pay passcode on a certified terminal
    /// (the caller checked it); decided by risk control as any payment — a step-up cannot be answered at a terminal and refuses.
    /// The order names <paramref name="terminalId"/> from the statement that makes it PAYING: the terminal whose attempt won is
    /// the one a claim about the payment names (FACE-6), not one whose earlier attempt was refused.
    /// </summary>
    public Task<(PaymentOrderRow? Order, WalletError? Error)> PayByFaceAsync(Guid userId, PaymentOrderRow order, string terminalId,
        CancellationToken ct) =>
        SettleAsync(userId, order, new Authorization(null, null, null, terminalId), Risk.RiskOrigin.Unknown, ct);

    /// <summary>Payments under way in this process, by (order, payer); as many entries as requests in flight.</summary>
    private readonly ConcurrentDictionary<(Guid Order, Guid Payer), byte> _underWay = new();

    private sealed class UnderWay(ConcurrentDictionary<(Guid, Guid), byte> all, (Guid, Guid) key) : IDisposable
    {
        /// <summary>Null when that payment is already under way.</summary>
        public static UnderWay? Enter(ConcurrentDictionary<(Guid, Guid), byte> all, (Guid, Guid) key) =>
            all.TryAdd(key, 0) ? new UnderWay(all, key) : null;

        public void Dispose() => all.TryRemove(key, out _);
    }

    /// <summary>How the payer authorized: the payment password (+ a step-up code), a passwordless agreement, or the face-pay
    /// passcode typed on a terminal.</summary>
    private sealed record Authorization(string? Password, string? VerificationCode, Guid? PasswordlessAgreement, string? FaceTerminal);

    private async Task<(PaymentOrderRow? Order, WalletError? Error)> SettleAsync(Guid userId, PaymentOrderRow order, Authorization auth,
        Risk.RiskOrigin origin, CancellationToken ct)
    {
        var (password, verificationCode, passwordlessAgreement) = (auth.Password, auth.VerificationCode, auth.PasswordlessAgreement);
        if (Unpayable(order, userId) is { } unpayable)
        {
            return (null, unpayable);
        }
        if (order.State == PaymentOrders.Success)
        {
            return (order, null); // the same payer asking again sees the payment it made
        }
        // A second request of the payer for this order while the first is under way (a double tap, a second tab) waits for
        // nothing and is decided against nothing: the first one's count would make it look like a second payment (RISK-2).
        using var underWay = UnderWay.Enter(_underWay, (order.Id, userId));
        if (underWay is null)
        {
            return (null, PaymentErrors.InProgress);
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
        if (await guard.EnsureCanTransactAsync(payer, Business.NonCounterOut, ct) is { } blocked)
        {
            return (null, blocked); // ACC-4 … ACC-6
        }
        if (passwordlessAgreement is null && auth.FaceTerminal is null
            && await credentials.VerifyPaymentPasswordAsync(payer, password, ct) is { } wrong)
        {
            return (null, wrong);
        }
        if (await merchants.FindAsync(order.MchId, ct) is not { Merchant.Status: MerchantRow.Active } api)
        {
            return (null, PaymentErrors.MerchantUnavailable); // suspended or gone since the order was made
        }
        var (merchant, credential) = (api.Merchant, api.Credential);
        var riskEvent = new Risk.RiskEvent(passwordlessAgreement is null ? Risk.RiskKinds.Payment : Risk.RiskKinds.Passwordless, order.Id,
            userId, order.TotalFen, clock.UtcNow, order.MchId, merchant.RiskLevel, DeviceKey: origin.DeviceKey, Region: origin.Region);
        // RISK-2: decided in the payer's turn (one decision per payer at a time in this process), and a payment that passes is
        // counted in the velocity windows before the turn is given back — payments sent at once cannot all pass a rule that
        // counts them. One that does not go ahead after all (refused below, nothing moved) is taken back out; a held one counts
        // when its case releases it.
        Risk.RiskDecision decision;
        using (var turn = await turns.TakeAsync(userId, ct))
        {
            if (turn is null)
            {
                return (null, PaymentErrors.PayerBusy);
            }
            WalletError? riskRefusal;
            (decision, riskRefusal) = await risk.CheckAsync(riskEvent, payer, verificationCode, ct);
            if (riskRefusal is not null)
            {
                return (null, riskRefusal); // RISK-1
            }
            if (passwordlessAgreement is not null && decision.Action != Risk.RiskAction.Allow)
            {
                return (null, Risk.RiskErrors.StepUpRequired); // PWL-4: a passwordless charge is never held; the user confirms it
            }
            if (decision.Action != Risk.RiskAction.Review)
            {
                engine.Counted(riskEvent);
            }
        }
        var (counted, goneAhead) = (decision.Action != Risk.RiskAction.Review, false);
        try
        {
            await using var db = database.CreateContext();
            var consumption = Math.Min(order.TotalFen, Math.Max(0, ledger.GetAccount(payer.ConsumptionAccountId)?.AvailableCreditBalance ?? 0));
            var balance = order.TotalFen - consumption;
            if (balance > (ledger.GetAccount(payer.WalletAccountId)?.AvailableCreditBalance ?? 0))
            {
                return (null, PaymentErrors.InsufficientBalance);
            }
            var attemptId = Guid.CreateVersion7();
            var check = balance > 0
                ? await limits.PrepareAsync(payer, BalanceUse.Consumption, balance, attemptId, ct)
                : new LimitCheck([], null);
            if (check.Refusal is { } refusal)
            {
                return (null, refusal.ToError());
            }
            var fee = PaymentLedger.FeeFen(order.TotalFen, credential.FeeRatePpm);
            var chain = check.Before(money.Moves(order, merchant, payer, consumption, fee, attemptId));
            if (decision.Action == Risk.RiskAction.Review)
            {
                // RISK-1 review: the payer's side (limit legs and the money) goes in as holds until the case is decided; the fee
                // can only leave the merchant's account once the money is posted there, so it waits for the release.
                chain = [.. chain.Select(t => t.Code == PaymentTransferCodes.PaymentFee ? t : t with { Flags = t.Flags | TransferFlags.Pending })];
            }
            // NOTPAY → PAYING in one conditional statement: one payer (or a close) wins; the loser reads why it lost. A passwordless
            // charge wins only while its agreement is still signed: a termination committed before this statement stops it (PWL-5),
            // whatever the charge read earlier.
            var (payingSince, chainJson) = (clock.UtcNow, JsonSerializer.Serialize(chain));
            // …and only while the order is still open for payment: its expiry may have passed during the checks above (the password
            // hash, risk), and a query since then answered it as failed — a final state the merchant acted on (PAY-3).
            // …and only to a merchant still trading: a suspension made by another server process is seen here, not after its cache
            // …and a face payment only while its terminal is still certified, its merchant still on the face-pay whitelist and the
            // payer's face still enrolled: a terminal disabled or consent withdrawn during the request stops it at once (FACE-1, FACE-5)
            var faceTerminal = auth.FaceTerminal;
            var (payingSql, payingParameters) = PayingSql.For(db, new PayingSql.Values(order.Id, userId, attemptId, payingSince, fee,
                credential.FeeRatePpm, consumption, chainJson, passwordlessAgreement, faceTerminal));
            // Not cancelled once sent: a statement that committed must be known to have (goneAhead). It does not wait for the disk
            // (UnsyncedCommit): nothing moves until the ledger's commit, which waits for it and makes this one durable with it —
            // a power failure before that loses PAYING with nothing moved, the order unpaid as before (docs/ledger.md).
            var won = await UnsyncedCommit.ExecuteSqlAsync(db, payingSql, payingParameters);
            if (won == 0)
            {
                var current = await db.Set<PaymentOrderRow>().AsNoTracking().FirstAsync(o => o.Id == order.Id, ct);
                if (current.State == PaymentOrders.Success && current.PayerUserId == userId)
                {
                    return (current, null); // paid meanwhile by this payer's other request (a second tab): they see the payment
                }
                return (null, Unpayable(current, userId)
                    ?? (current.State == PaymentOrders.NotPay
                        && !await db.Merchants.AnyAsync(m => m.Id == current.MerchantId && m.Status == MerchantRow.Active, ct)
                        ? PaymentErrors.MerchantUnavailable : null)
                    ?? (passwordlessAgreement is not null && current.State == PaymentOrders.NotPay ? PaymentErrors.AgreementClosed : null)
                    ?? (faceTerminal is not null && current.State == PaymentOrders.NotPay ? PaymentErrors.FacePayUnavailable : PaymentErrors.InProgress));
            }
            goneAhead = true; // PAYING on this attempt: from here the money may move (the worker finishes what this request leaves)
            if (clock.UtcNow > order.ExpiresAt && await UndoLateAsync(order.Id, attemptId))
            {
                goneAhead = false;
                return (null, PaymentErrors.Expired);
            }
            var outcome = await CommitAsync(order, attemptId, check, chain);
            // RISK-2: the ledger could not answer — the order stays PAYING and the payment worker completes it without the event: it
            // stays counted (the windows err towards counting, as their rebuild from the decision log does)
            goneAhead = outcome.Item1 is not null || outcome.Item2 == PaymentErrors.Unavailable;
            if (outcome.Item1?.State == PaymentOrders.Review)
            {
                await cases.OpenAsync(decision, Risk.RiskCases.KindReview, CancellationToken.None);
            }
            else if (outcome.Item1 is not null && counted)
            {
                await engine.LearnedAsync(riskEvent, CancellationToken.None);
            }
            // (a held payment found settled here was released by its case meanwhile, which counted it and taught the profile)
            return outcome;
        }
        finally
        {
            if (counted && !goneAhead)
            {
                engine.Uncounted(riskEvent); // refused after the risk check: nothing moved
            }
        }
    }

    /// <summary>
    /// Won, but the statement committed after the order's expiry (it waited for the write lock, or its clock read came early):
    /// a query meanwhile may have answered the order failed — final for the merchant (PAY-3). Nothing is submitted yet, so the
    /// order is made unpaid again (true). False when the payment worker took the attempt up first (the statement waited past
    /// <c>PayingRecoverySeconds</c>): then it is settled as the worker leaves it.
    /// </summary>
    private async Task<bool> UndoLateAsync(Guid orderId, Guid attemptId)
    {
        await using var db = database.CreateContext();
        var paying = await db.Set<PaymentOrderRow>().FirstAsync(o => o.Id == orderId, CancellationToken.None);
        if (paying.State != PaymentOrders.Paying || paying.PaymentTransferId != attemptId)
        {
            return false;
        }
        try
        {
            await ResetAsync(db, paying);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }

    /// <summary>A payment held for risk review (RISK-1): part of its chain is holds.</summary>
    public static bool IsHeld(IReadOnlyList<Transfer> chain) => chain.Any(t => (t.Flags & TransferFlags.Pending) != 0);

    /// <summary>What a held payment submits first: its holds, linked among themselves.</summary>
    public static List<Transfer> HeldPart(IReadOnlyList<Transfer> chain) =>
        TransferChain.Link([.. chain.Where(t => (t.Flags & TransferFlags.Pending) != 0).Select(t => t with { Flags = t.Flags & ~TransferFlags.Linked })]);

    /// <summary>What a held payment submits when its case is decided: the holds posted and then the rest (the fee), or the
    /// holds voided; one linked request either way.</summary>
    public static List<Transfer> Resolution(IReadOnlyList<Transfer> chain, bool post)
    {
        var resolution = HeldChain.Resolve(HeldPart(chain), post);
        if (post)
        {
            resolution.AddRange(chain.Where(t => (t.Flags & TransferFlags.Pending) == 0).Select(t => t with { Flags = t.Flags & ~TransferFlags.Linked }));
        }
        return TransferChain.Link([.. resolution.Select(t => t with { Flags = t.Flags & ~TransferFlags.Linked })]);
    }

    /// <summary>The payment is done: SUCCESS, and the TRANSACTION.SUCCESS notification in the same commit (PAY-5).</summary>
    public async Task SucceedAsync(ZhifuDb db, PaymentOrderRow order)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(order);
        (order.State, order.SuccessTime) = (PaymentOrders.Success, clock.UtcNow);
        order.Version++;
        await notifications.SaveAndHandOffAsync(db, await notifications.AddSuccessAsync(db, order,
            money.OpenId(order.AppId, order.PayerUserId!.Value)));
        foreach (var listener in succeeded)
        {
            try
            {
                await listener.SucceededAsync(order, CancellationToken.None);
            }
            catch (Exception e) when (e is DbUpdateException or InvalidOperationException or HttpRequestException or IOException)
            {
                logger.LogWarning(e, "payment {OrderId}: a step after its success failed; the payment stands", order.Id);
            }
        }
    }

    /// <summary>Nothing was paid: the order is unpaid again, for this payer or another.</summary>
    public static async Task ResetAsync(ZhifuDb db, PaymentOrderRow order)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(order);
        (order.State, order.PayerUserId, order.PaymentTransferId, order.PayingSince, order.PaymentChainJson, order.FeeFen,
            order.ConsumptionFen, order.PaidPasswordless) = (PaymentOrders.NotPay, null, null, null, null, 0, 0, false);
        if (order.TradeType != OrderRequest.EntrustedDebit)
        {
            order.PasswordlessAgreementId = null; // a payment-code charge is passwordless only once paid that way
        }
        order.Version++;
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>
    /// Submits attempt <paramref name="attemptId"/>'s recorded chain (again, after an interruption: same ids answer the first
    /// outcome) and settles the order — only while the order is still PAYING on that attempt: a worker on another replica may
    /// have settled it first, or reset it and the payer paid since with a new attempt, and then there is nothing of this
    /// attempt's to write (resetting would unlink a paid order from its money).
    /// </summary>
    public async Task<(PaymentOrderRow?, WalletError?)> CommitAsync(PaymentOrderRow row, Guid attemptId, LimitCheck? check,
        IReadOnlyList<Transfer> chain)
    {
        ArgumentNullException.ThrowIfNull(row);
        TransferResult[] results;
        try
        {
            results = await ledger.SubmitAsync(IsHeld(chain) ? HeldPart(chain) : chain, CancellationToken.None);
        }
        catch (LedgerUnavailableException)
        {
            return (null, PaymentErrors.Unavailable); // stays PAYING; the worker submits the same chain again
        }
        var posted = results[^1].IsSuccess();
        for (var round = 0; ; round++)
        {
            await using var db = database.CreateContext();
            var order = await TrackedOrderById.For(db)(db, row.Id);
            if (order.State != PaymentOrders.Paying || order.PaymentTransferId != attemptId)
            {
                return !posted ? (null, Refusal(check, results))
                    : order.PaymentTransferId == attemptId ? (order, null) // settled already, as this attempt
                    : (null, PaymentErrors.InProgress); // cannot happen: a posted chain answers Exists to anyone, never a refusal
            }
            try
            {
                if (!posted)
                {
                    await ResetAsync(db, order);
                    return (null, Refusal(check, results));
                }
                if (IsHeld(chain))
                {
                    order.State = PaymentOrders.Review; // held (RISK-1): the case decision posts or voids it
                    order.Version++;
                    await db.SaveChangesAsync(CancellationToken.None);
                    return (order, null);
                }
                await SucceedAsync(db, order);
                return (order, null);
            }
            catch (DbUpdateConcurrencyException) when (round < 2)
            {
                // settled by another replica's worker between the read and the write (Version): read again and see whose it is
            }
        }
    }

    private WalletError Refusal(LimitCheck? check, TransferResult[] results) =>
        (check is null ? null : limits.Explain(check, results))?.ToError()
        ?? (results.Contains(TransferResult.DebitAccountAlreadyClosed) ? WalletErrors.AccountClosed : PaymentErrors.InsufficientBalance);
}

/// <summary>
/// NOTPAY → PAYING as one conditional statement written as SQL once per model and kind of payment (<see cref="ModelSql"/>):
/// the LINQ <c>ExecuteUpdate</c> it replaces — a dozen columns and four EXISTS conditions — was translated again on every
/// payment (1.3 % of the merchant bench's CPU). It wins only while the order is unpaid and unexpired, its merchant trading
/// (and on the face-pay whitelist for a face payment), a passwordless charge's agreement still signed (PWL-5), and a face
/// payment's terminal still certified and the payer's face still enrolled (FACE-1, FACE-5); it names the agreement and the
/// terminal on the order (FACE-6).
/// </summary>
internal static class PayingSql
{
    public sealed record Values(Guid OrderId, Guid UserId, Guid AttemptId, DateTimeOffset PayingSince, long FeeFen, int FeeRatePpm,
        long ConsumptionFen, string ChainJson, Guid? PasswordlessAgreement, string? FaceTerminal);

    /// <summary>
    /// The statement for <paramref name="v"/>'s kind of payment (passwordless, face: whether it names an agreement, a terminal)
    /// and its parameters, {0} … {17}, each as its column's mapping writes it.
    /// </summary>
    public static (string Sql, object[] Parameters) For(ZhifuDb db, Values v)
    {
        ArgumentNullException.ThrowIfNull(v);
        var (o, m, a, t, e) = (ModelSql.Of<PaymentOrderRow>(db), ModelSql.Of<MerchantRow>(db), ModelSql.Of<PasswordlessAgreementRow>(db),
            ModelSql.Of<FaceTerminalRow>(db), ModelSql.Of<FaceEnrolmentRow>(db));
        return (Statement(o, (v.PasswordlessAgreement is not null, v.FaceTerminal is not null, m, a, t, e)), Parameters(db, v, o, m, a, t, e));
    }

    private static string Statement(ModelSql orders, (bool, bool, ModelSql, ModelSql, ModelSql, ModelSql) kind) =>
        orders.Statement(kind, static (key, o) => // the other tables: of the same model
        {
            var (passwordless, face, m, a, t, e) = key;
            var version = o.Column(nameof(PaymentOrderRow.Version));
            var sql = new System.Text.StringBuilder()
                .Append($"UPDATE {o.Table} SET {o.Column(nameof(PaymentOrderRow.State))} = {{0}}, {o.Column(nameof(PaymentOrderRow.PayerUserId))} = {{1}}, ")
                .Append($"{o.Column(nameof(PaymentOrderRow.PaymentTransferId))} = {{2}}, {o.Column(nameof(PaymentOrderRow.PayingSince))} = {{3}}, ")
                .Append($"{o.Column(nameof(PaymentOrderRow.FeeFen))} = {{4}}, {o.Column(nameof(PaymentOrderRow.FeeRatePpm))} = {{5}}, ")
                .Append($"{o.Column(nameof(PaymentOrderRow.ConsumptionFen))} = {{6}}, {o.Column(nameof(PaymentOrderRow.PaymentChainJson))} = {{7}}, ")
                .Append($"{version} = {version} + 1, {o.Column(nameof(PaymentOrderRow.PaidPasswordless))} = {{8}}");
            if (passwordless)
            {
                sql.Append($", {o.Column(nameof(PaymentOrderRow.PasswordlessAgreementId))} = {{12}}");
            }
            if (face)
            {
                sql.Append($", {o.Column(nameof(PaymentOrderRow.FaceTerminalId))} = {{13}}");
            }
            sql.Append($" WHERE {o.Column(nameof(PaymentOrderRow.Id))} = {{9}} AND {o.Column(nameof(PaymentOrderRow.State))} = {{10}}")
                .Append($" AND {o.Column(nameof(PaymentOrderRow.ExpiresAt))} >= {{3}}")
                .Append($" AND EXISTS (SELECT 1 FROM {m.Table} WHERE {m.Table}.{m.Column(nameof(MerchantRow.Id))} = {o.Table}.{o.Column(nameof(PaymentOrderRow.MerchantId))}")
                .Append($" AND {m.Table}.{m.Column(nameof(MerchantRow.Status))} = {{11}}")
                .Append(face ? $" AND {m.Table}.{m.Column(nameof(MerchantRow.FacePayEligible))} = {{17}})" : ")");
            if (passwordless)
            {
                sql.Append($" AND EXISTS (SELECT 1 FROM {a.Table} WHERE {a.Column(nameof(PasswordlessAgreementRow.Id))} = {{12}}")
                    .Append($" AND {a.Column(nameof(PasswordlessAgreementRow.State))} = {{14}})");
            }
            if (face)
            {
                sql.Append($" AND EXISTS (SELECT 1 FROM {t.Table} WHERE {t.Column(nameof(FaceTerminalRow.TerminalId))} = {{13}}")
                    .Append($" AND {t.Column(nameof(FaceTerminalRow.State))} = {{15}})")
                    .Append($" AND EXISTS (SELECT 1 FROM {e.Table} WHERE {e.Column(nameof(FaceEnrolmentRow.UserId))} = {{1}}")
                    .Append($" AND {e.Column(nameof(FaceEnrolmentRow.State))} = {{16}})");
            }
            return sql.ToString();
        });

    private static object[] Parameters(ZhifuDb db, Values v, ModelSql o, ModelSql m, ModelSql a, ModelSql t, ModelSql e) =>
        ModelSql.Parameters(db,
            (o, nameof(PaymentOrderRow.State), PaymentOrders.Paying),
            (o, nameof(PaymentOrderRow.PayerUserId), v.UserId),
            (o, nameof(PaymentOrderRow.PaymentTransferId), v.AttemptId),
            (o, nameof(PaymentOrderRow.PayingSince), v.PayingSince),
            (o, nameof(PaymentOrderRow.FeeFen), v.FeeFen),
            (o, nameof(PaymentOrderRow.FeeRatePpm), v.FeeRatePpm),
            (o, nameof(PaymentOrderRow.ConsumptionFen), v.ConsumptionFen),
            (o, nameof(PaymentOrderRow.PaymentChainJson), v.ChainJson),
            (o, nameof(PaymentOrderRow.PaidPasswordless), v.PasswordlessAgreement is not null),
            (o, nameof(PaymentOrderRow.Id), v.OrderId),
            (o, nameof(PaymentOrderRow.State), PaymentOrders.NotPay),
            (m, nameof(MerchantRow.Status), MerchantRow.Active),
            (o, nameof(PaymentOrderRow.PasswordlessAgreementId), v.PasswordlessAgreement),
            (o, nameof(PaymentOrderRow.FaceTerminalId), v.FaceTerminal),
            (a, nameof(PasswordlessAgreementRow.State), PasswordlessAgreementRow.Signed),
            (t, nameof(FaceTerminalRow.State), FaceTerminalRow.Certified),
            (e, nameof(FaceEnrolmentRow.State), FaceEnrolmentRow.Enrolled),
            (m, nameof(MerchantRow.FacePayEligible), true));
}
