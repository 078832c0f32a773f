using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Funds;
using Zhifu.Server.Lifecycle;
using Zhifu.Server.Notifications;
using Zhifu.Server.RealName.Limits;
using Zhifu.Server.Risk;

namespace Zhifu.Server.Transfers;

/// <summary>What the payer asked for; validated in shape by the endpoint.</summary>
public sealed record TransferOrder(string RequestId, long AmountFen, string Arrival, string? Memo, string? PaymentPassword,
    string? VerificationCode, string? ConfirmationToken)
{
    /// <summary>The request's device and region, for risk control (RISK-2).</summary>
    public Risk.RiskOrigin Origin { get; init; } = Risk.RiskOrigin.Unknown;
}

/// <summary>Where the money goes: another wallet (with what the payer is shown) or the payer's own bound debit card.</summary>
public sealed record TransferTarget(UserRow? Payee, BoundCard? Card, string Masked, string NameMasked, bool OwnAccount)
{
    public string Key => Payee is { } p ? "wallet:" + p.Id.ToString("N") : "card:" + Card!.Token;
}

/// <summary>
/// 转账 (TRF-1 … TRF-3, PAY-7): checks, limit legs and the money move as one linked ledger request. A real-time transfer
/// posts payer → payee at once; a delayed one (TRF-2) is a hold payer → payee that the release worker posts or the payer's
/// revocation voids; a card transfer goes out through the withdrawal path of Funds with its legs held until the bank answers.
/// </summary>
public sealed partial class WalletTransfers(DatabaseOptions database, ILedger ledger, WalletAccounts accounts,
    WalletCredentials credentials, OneTimeCodes codes, IAccountGuard guard, TransferLimits limits, TransferVerification verification,
    TransferRegulation regulation, FundMovements funds, TransferNotices notices, ISmsGateway sms, IRiskEngine risk, RiskCases cases,
    RiskLists lists, PayerClaims payerClaims, IClock clock, ILogger<WalletTransfers> logger)
{
    public const string KindWallet = "wallet";
    public const string KindCard = "card";
    public const string Processing = "processing";
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Revoked = "revoked";
    /// <summary>Held by risk control until a risk operator decides its case (RISK-1, RISK-4).</summary>
    public const string UnderReview = "review";
    public const string Failed = "failed";
    public const string RealTime = "realtime";

    /// <summary>Sends a transfer; the row as it stands (succeeded, pending, processing) or the refusal.</summary>
    public async Task<(WalletTransferRow? Transfer, TransferProblem? Problem)> SendAsync(Guid payerId, TransferOrder order,
        TransferTarget target, CancellationToken cancellationToken)
    {
        if (await FindByRequestAsync(payerId, order.RequestId) is { } earlier)
        {
            return Replay(earlier, order, target);
        }
        var payer = (await accounts.FindAsync(payerId, cancellationToken))!;
        if (await RefusePayerAsync(payer, order, target, cancellationToken) is { } refusal)
        {
            return (null, refusal);
        }
        // One money-out decision per payer at a time, on whichever server: TRF-3's day totals and the velocity windows see each
        // other (withdrawals take the same claim).
        await using var claim = await payerClaims.ClaimAsync(payerId, cancellationToken);
        if (claim is null)
        {
            return (null, TransferProblem.From(TransferErrors.PayerBusy));
        }
        if (await FindByRequestAsync(payerId, order.RequestId) is { } raced)
        {
            return Replay(raced, order, target);
        }
        var id = Guid.CreateVersion7();
        var riskEvent = RiskEventOf(id, payer, order, target);
        var decision = await risk.DecideAsync(riskEvent, cancellationToken);
        if (RiskRefusal(decision) is { } riskRefusal)
        {
            return (null, riskRefusal);
        }
        var review = decision.Action == RiskAction.Review;
        var held = order.Arrival != RealTime || target.Card is not null || review;
        var use = target.Card is not null ? BalanceUse.OwnCardWithdrawal : BalanceUse.TransferOut;
        var (legs, limitRefusal) = await limits.PrepareAsync(payer, use, order.AmountFen, id, held, cancellationToken);
        if (limitRefusal is not null)
        {
            return (null, limitRefusal);
        }
        var (verified, verifyRefusal) = await VerifyAsync(payer, order, target, decision.Action == RiskAction.StepUp, cancellationToken);
        if (verifyRefusal is not null)
        {
            return (null, verifyRefusal);
        }
        var row = NewRow(id, payerId, order, target, verified, notices.PayerShown(payer));
        row.RiskReview = review;
        await SaveNewAsync(row, legs);
        var outcome = target.Card is { } card
            ? await SubmitCardAsync(row, payer, card, legs)
            : await SubmitWalletAsync(row, payer, target.Payee!, legs);
        if (outcome.Item1 is not { Kind: KindWallet, Status: Processing })
        {
            // (a wallet transfer still processing — the ledger could not take it yet — has no money held or moved to open a
            // case about or to learn from; recovery holds it, and the held-without-case worker opens the case of a held one.
            // A card transfer stays processing while its fund movement is held for review: its case opens now.)
            await RiskFollowUpAsync(outcome.Item1, decision);
        }
        else if (decision.Action != RiskAction.Review)
        {
            // RISK-2: counted in the velocity windows now — recovery completes it without the event; the windows err
            // towards counting, as their rebuild from the decision log does (a held one is counted when released).
            risk.Counted(decision.Event);
        }
        return outcome;
    }

    private async Task<TransferProblem?> RefusePayerAsync(UserRow payer, TransferOrder order, TransferTarget target, CancellationToken ct)
    {
        if (payer.MustChangeLoginPassword)
        {
            return TransferProblem.From(WalletErrors.MustChangePassword);
        }
        if (payer.Status == WalletAccounts.StatusClosed)
        {
            return TransferProblem.From(WalletErrors.AccountClosed);
        }
        if (await guard.EnsureCanTransactAsync(payer.Id, Business.NonCounterOut, ct) is { } blocked)
        {
            return TransferProblem.From(blocked); // ACC-4 … ACC-6: frozen, dormant, involved wallets move no money
        }
        if (target.Payee is { } payee)
        {
            if (payee.Id == payer.Id)
            {
                return TransferProblem.From(TransferErrors.SelfTransfer);
            }
            if (payee.Status == WalletAccounts.StatusClosed
                || await guard.EnsureCanTransactAsync(payee.Id, Business.NonCounterIn, ct) is not null)
            {
                return TransferProblem.From(TransferErrors.PayeeCannotReceive); // never says which restriction the payee has
            }
        }
        if (order.Arrival != RealTime && (target.Card is not null || target.OwnAccount))
        {
            return TransferProblem.From(TransferErrors.DelayOnlyForOthers);
        }
        var password = await credentials.VerifyPaymentPasswordAsync(payer.Id, order.PaymentPassword, ct);
        return password is null ? null : TransferProblem.From(password);
    }

    /// <summary>TRF-3: the large-amount confirmation first (it consumes nothing), then the second factor — also asked for when
    /// risk control steps the transfer up (RISK-1), with the same SMS code.</summary>
    private async Task<(string? Verified, TransferProblem? Refusal)> VerifyAsync(UserRow payer, TransferOrder order, TransferTarget target,
        bool stepUp, CancellationToken ct)
    {
        var ownAtInstitution = target.OwnAccount && target.Payee is not null;
        var needs = await verification.NeedsAsync(payer.Id, order.AmountFen, ownAtInstitution, ct);
        needs = needs with { SecondFactor = needs.SecondFactor || stepUp };
        if (needs.Confirmation && !verification.IsValid(order.ConfirmationToken, payer.Id, order.RequestId, order.AmountFen, target.Key))
        {
            var total = new Money(needs.TodayFen + order.AmountFen);
            return (null, new TransferProblem(409, "LARGE_AMOUNT_CONFIRMATION_REQUIRED",
                $"大额转账提醒：今日转账累计将达 {total}，超过 {new Money(needs.ConfirmationThresholdFen)}。请确认后携带 confirmationToken 再次提交（TRF-3）",
                $"Large-amount reminder: today's transfers would reach {total}, above {new Money(needs.ConfirmationThresholdFen)}. "
                + "Confirm by sending the request again with confirmationToken (TRF-3)",
                new Dictionary<string, object?>
                {
                    ["confirmationToken"] = verification.Issue(payer.Id, order.RequestId, order.AmountFen, target.Key),
                    ["amountFen"] = order.AmountFen, ["todayTotalFen"] = needs.TodayFen + order.AmountFen,
                    ["thresholdFen"] = needs.ConfirmationThresholdFen, ["payee"] = target.Masked, ["payeeName"] = target.NameMasked,
                }));
        }
        if (!needs.SecondFactor)
        {
            return (null, null);
        }
        if (order.VerificationCode is null)
        {
            return (null, TransferProblem.From(TransferErrors.SecondFactorRequired) with
            {
                Extra = new Dictionary<string, object?>
                {
                    ["secondFactor"] = "sms-otp", ["purpose"] = TransferVerification.CodePurpose, ["riskStepUp"] = stepUp,
                    ["thresholdFen"] = regulation.StrongVerificationDailyFen, ["todayNonCounterFen"] = needs.NonCounterTodayFen,
                },
            });
        }
        var phone = credentials.PhoneOf(payer);
        return await codes.ConsumeAsync(phone, TransferVerification.CodePurpose, order.VerificationCode, ct)
            ? ("sms-otp", null)
            : (null, TransferProblem.From(TransferErrors.BadSecondFactor));
    }

    private WalletTransferRow NewRow(Guid id, Guid payerId, TransferOrder order, TransferTarget target, string? verified,
        string payerShown) => new()
    {
        Id = id, PayerUserId = payerId, RequestId = order.RequestId, Kind = target.Card is null ? KindWallet : KindCard,
        PayeeUserId = target.Payee?.Id, PayeeMasked = target.Masked, PayeeNameMasked = target.NameMasked,
        PayerShown = target.Payee is null ? null : payerShown, CardToken = target.Card?.Token,
        FundMovementId = target.Card is null ? null : DerivedIds.For(id, "fund-movement"), AmountFen = order.AmountFen,
        Arrival = order.Arrival, OwnAccount = target.OwnAccount, Verification = verified,
        LargeAmountConfirmed = order.ConfirmationToken is not null, Memo = order.Memo, Status = Processing, CreatedAt = clock.UtcNow,
    };

    private (WalletTransferRow?, TransferProblem?) Replay(WalletTransferRow earlier, TransferOrder order, TransferTarget target)
    {
        var same = earlier.AmountFen == order.AmountFen && earlier.Arrival == order.Arrival
            && (target.Card is null ? earlier.PayeeUserId == target.Payee?.Id : earlier.CardToken == target.Card.Token);
        if (!same)
        {
            return (null, TransferProblem.From(TransferErrors.RequestIdReused));
        }
        return earlier.Status == Failed ? (null, FailureOf(earlier)) : (earlier, null);
    }

    public async Task<WalletTransferRow?> FindByRequestAsync(Guid payerId, string requestId)
    {
        await using var db = database.CreateContext();
        return await db.Set<WalletTransferRow>().AsNoTracking()
            .FirstOrDefaultAsync(t => t.PayerUserId == payerId && t.RequestId == requestId, CancellationToken.None);
    }

    private async Task SaveNewAsync(WalletTransferRow row, IReadOnlyList<PlannedLeg> legs)
    {
        await using var db = database.CreateContext();
        db.Add(row);
        for (var i = 0; i < legs.Count; i++)
        {
            var t = legs[i].Transfer;
            db.Add(new WalletTransferLegRow
            {
                TransferId = row.Id, Sequence = i, LegId = t.Id, Ledger = t.Ledger, Code = t.Code, DebitAccountId = t.DebitAccountId,
                CreditAccountId = t.CreditAccountId, BusinessId = t.BusinessId, AmountFen = t.AmountFen, Limit = legs[i].Limit,
            });
        }
        await db.SaveChangesAsync(CancellationToken.None); // from here on the outcome is always recorded, whatever the caller does
    }
}
