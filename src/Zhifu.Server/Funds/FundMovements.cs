using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Banking;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Accounts;
using Zhifu.Server.Ledger;

namespace Zhifu.Server.Funds;

/// <summary>
/// Top-ups and withdrawals (CARD-2) with the bank as an unreliable channel (CARD-4): the business record is written first,
/// the money is held in the ledger (a pending transfer with the movement's id), then the bank is asked with the same id.
/// Succeeded posts the hold, failed voids it, unknown leaves it held until <see cref="ResolveAsync"/> learns the truth
/// by query, by resending the same request, or by a reversal that bars a late original — never by guessing.
/// </summary>
public sealed partial class FundMovements(
    DatabaseOptions database, ILedger ledger, IBankChannel bank, InstitutionChart chart, InstitutionOptions institution, IClock clock,
    FundsOptions options, Lifecycle.IAccountGuard guard, Risk.RiskLists lists, ILogger<FundMovements> logger)
{
    public const string TopUp = "top-up";
    public const string Withdrawal = "withdrawal";
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    /// <summary>Failure code of a movement whose ledger hold never existed (a crash in between): never sent to the bank (CARD-4).</summary>
    public const string NotHeld = "not-held";
    public const string Unknown = "unknown";

    /// <summary>Holds the money and asks the bank (unless held for risk review, RISK-1). The movement comes back succeeded,
    /// failed, unknown or under review; <c>Repeated</c> when it is the movement an earlier request of the same id started (a
    /// second tap that raced the first past the caller's look), which this call neither held nor sent.</summary>
    public async Task<(FundMovementRow? Movement, WalletError? Error, bool Repeated)> StartAsync(Guid id, Guid userId, string kind, BoundCard card,
        long amountFen, Guid walletLedgerAccountId, bool review = false)
    {
        var movement = new FundMovementRow
        {
            Id = id,
            UserId = userId,
            Kind = kind,
            CardToken = card.Token,
            Bank = card.Bank,
            CardType = card.CardType.ToString().ToLowerInvariant(),
            CardMasked = card.Masked,
            AmountFen = amountFen,
            WalletLedgerAccountId = walletLedgerAccountId,
            ClearingAccountId = ClearingFor(card.Bank),
            Status = review ? Review : Pending, // under review from the start: a crash before the case never lets it reach the bank
            CreatedAt = clock.UtcNow,
        };
        movement.ResolvingSince = review ? null : movement.CreatedAt; // the start resolves it: the recovery worker keeps off
        if (await RecordAsync(movement) is { } twin)
        {
            return IsRequest(twin, userId, kind, card, amountFen) ? (twin, null, true) : (null, FundsErrors.RequestIdReused, false);
        }
        var topUp = kind == TopUp;
        var hold = await ledger.SubmitAsync([new Transfer
        {
            Id = movement.Id,
            DebitAccountId = topUp ? movement.ClearingAccountId : walletLedgerAccountId,
            CreditAccountId = topUp ? walletLedgerAccountId : movement.ClearingAccountId,
            AmountFen = amountFen,
            Ledger = Ledgers.Cny,
            Code = Code(movement),
            Flags = TransferFlags.Pending,
            BusinessId = movement.Id,
        }], CancellationToken.None);
        if (!hold[0].IsSuccess())
        {
            await FinishAsync(movement, Failed, null, hold[0].ToString());
            return (null, hold[0] == TransferResult.ExceedsCredits ? FundsErrors.InsufficientBalance : FundsErrors.Unavailable, false);
        }
        if (review)
        {
            return (movement, null, false); // the bank waits for the case (RISK-1)
        }
        // From here on the outcome is always recorded: the caller's cancellation must not strand a hold (CARD-4).
        var request = new BankMovementRequest(RequestId(movement), card.Bank, card.CardNumber, amountFen, Purpose(movement));
        var answer = topUp ? await bank.DebitAsync(request, CancellationToken.None) : await bank.CreditAsync(request, CancellationToken.None);
        await RecordAnswerAsync(movement, answer);
        return (movement, null, false);
    }

    /// <summary>Whether the movement's wallet may still do its business (ACC-4 … ACC-6) and is not on the risk account list
    /// (RISK-3): a freeze or listing since it was requested stops a release from review and a resend; nothing is sent past it.</summary>
    private async Task<bool> MayMoveAsync(FundMovementRow movement) => !lists.Listed(movement.UserId)
        && await guard.EnsureCanTransactAsync(movement.UserId,
            movement.Kind == TopUp ? Lifecycle.Business.NonCounterIn : Lifecycle.Business.NonCounterOut, CancellationToken.None) is null;

    /// <summary>
    /// Whether a movement recorded under a request's id is that request: the same id reused for another movement (a top-up
    /// and a withdrawal sent at once under one requestId, both past the caller's earlier look) must never take over, hold
    /// for, or record the outcome of the movement already under way (CARD-4).
    /// </summary>
    private static bool IsRequest(FundMovementRow movement, Guid userId, string kind, BoundCard card, long amountFen) =>
        movement.UserId == userId && movement.Kind == kind && movement.CardToken == card.Token && movement.AmountFen == amountFen;

    /// <summary>
    /// Settles a movement whose answer was unknown (or that a crash left pending): query, resend, or reverse — only under this
    /// caller's claim on it, and on the movement as it stands once claimed (another resolver, a risk decision or the start
    /// may have moved it on since <paramref name="seen"/> was read). Claimed by another: left to them.
    /// </summary>
    public async Task ResolveAsync(FundMovementRow seen, IBoundCards cards, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(seen);
        if (await ClaimAsync(seen.Id) is not { } claim)
        {
            return;
        }
        try
        {
            if (await FindMovementAsync(seen.Id) is { Status: Pending or Unknown } movement)
            {
                await ResolveClaimedAsync(movement, cards, cancellationToken);
            }
        }
        finally
        {
            await ReleaseClaimAsync(seen.Id, claim);
        }
    }

    private async Task ResolveClaimedAsync(FundMovementRow movement, IBoundCards cards, CancellationToken cancellationToken)
    {
        var status = await bank.QueryAsync(RequestId(movement), cancellationToken);
        switch (status.Status)
        {
            case BankTransactionStatus.Succeeded:
                await ApplyAsync(movement, BankOutcome.Succeeded, status.BankTxnId, null);
                return;
            case BankTransactionStatus.Failed:
                await ApplyAsync(movement, BankOutcome.Failed, status.BankTxnId, status.Code ?? "bank_failed");
                return;
            case BankTransactionStatus.Reversed:
                await ApplyAsync(movement, BankOutcome.Failed, status.BankTxnId, "reversed");
                return;
            case BankTransactionStatus.NotFound:
                await ResendOrReverseAsync(movement, cards, cancellationToken);
                return;
            default:
                return; // the query itself went unanswered: ask again next round
        }
    }

    /// <summary>Claims an unsettled movement for this caller (<see cref="FundMovementRow.ResolvingSince"/>); null when another holds it.</summary>
    private async Task<DateTimeOffset?> ClaimAsync(Guid movementId)
    {
        await using var db = database.CreateContext();
        return await Hosting.RowClaims.ClaimAsync(
            db.Set<FundMovementRow>().Where(m => m.Id == movementId && (m.Status == Pending || m.Status == Unknown)),
            nameof(FundMovementRow.ResolvingSince), clock, TimeSpan.Zero, TimeSpan.FromSeconds(options.ClaimLapseSeconds),
            CancellationToken.None);
    }

    private async Task ReleaseClaimAsync(Guid movementId, DateTimeOffset claim)
    {
        await using var db = database.CreateContext();
        await Hosting.RowClaims.ReleaseAsync(db.Set<FundMovementRow>().Where(m => m.Id == movementId),
            nameof(FundMovementRow.ResolvingSince), claim);
    }

    private static string RequestId(FundMovementRow movement) => movement.Id.ToString("N");

    private static ushort Code(FundMovementRow movement) => movement.Kind == TopUp ? TransferCode.TopUp : TransferCode.Withdrawal;

    private Guid ClearingFor(string cardBank)
    {
        // Cards of banks where the institution keeps custody clear through that bank; others through the main custody bank.
        var own = InstitutionChart.Clearing(cardBank);
        return chart.All.TryGetValue(own, out var id) ? id : chart[InstitutionChart.Clearing(institution.CustodyBanks[0])];
    }
}
