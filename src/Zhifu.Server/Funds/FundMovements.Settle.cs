using Microsoft.EntityFrameworkCore;
using Zhifu.Core;
using Zhifu.Core.Banking;
using Zhifu.Core.Ledger;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Funds;

public sealed partial class FundMovements
{
    private async Task ResendOrReverseAsync(FundMovementRow movement, IBoundCards cards, CancellationToken cancellationToken)
    {
        var card = await cards.FindAsync(movement.UserId, movement.CardToken, cancellationToken);
        // CARD-4: a movement whose hold never reached the ledger (the process died, or the ledger was down, between the record
        // and the hold) must never be sent: the bank would move money the ledger never reserved.
        var hold = await HoldStatusAsync(movement.Id);
        var held = hold is not null;
        // …nor a movement a risk decision voided (its void interrupted): the bank never saw it and never will.
        if (hold == PendingStatus.Open && card is not null && movement.Resends < options.ResendsMax && movement.FailureCode != RiskRejected
            && await MayMoveAsync(movement))
        {
            // The bank never saw it: send the very same request again (same id, so it can never move money twice) — only while
            // its hold still stands, and only if nobody recorded anything of it meanwhile.
            movement.Resends++;
            if (!await SaveAsync(movement))
            {
                return;
            }
            var request = new BankMovementRequest(RequestId(movement), movement.Bank, card.CardNumber, movement.AmountFen,
                Purpose(movement));
            var answer = movement.Kind == TopUp
                ? await bank.DebitAsync(request, cancellationToken)
                : await bank.CreditAsync(request, cancellationToken);
            await ApplyAsync(movement, answer.Outcome, answer.BankTxnId, answer.Code);
            return;
        }
        // Give up on it (resends used up, the card unbound, or the wallet frozen or listed since — ACC-5, ACC-6): a reversal of
        // a request the bank never saw succeeds and bars the original from ever arriving late.
        var reversal = await bank.ReverseAsync(new BankReversalRequest(RequestId(movement),
            DerivedIds.For(movement.Id, "reversal").ToString("N")), cancellationToken);
        if (reversal.Outcome == BankOutcome.Succeeded)
        {
            // Not held when looked at: the hold's id is barred in the ledger before the movement is settled as not held — a hold
            // still on its way in (its request only slow) would otherwise hold the wallet's money for a movement nothing
            // settles any more. Had it got in first after all, it is voided as any reversed movement's.
            if (held || await HoldOrBarAsync(movement) is not null)
            {
                await ApplyAsync(movement, BankOutcome.Failed, null, movement.FailureCode == RiskRejected ? RiskRejected : "reversed");
            }
            else
            {
                // Nothing held, nothing sent; the reversal bars the bank request of a hold still on its way in.
                await FinishAsync(movement, Failed, null, NotHeld);
            }
        }
    }

    /// <summary>The movement's ledger hold as it stands (open, posted, voided, expired), or null when it never committed.</summary>
    private async Task<PendingStatus?> HoldStatusAsync(Guid movementId)
    {
        await using var db = database.CreateContext();
        return (PendingStatus?)await db.LedgerPending.AsNoTracking().Where(p => p.Id == movementId).Select(p => (int?)p.Status)
            .FirstOrDefaultAsync(CancellationToken.None);
    }

    /// <summary>
    /// Records the bank's answer to a request just sent (the start, a release from review). Should the ledger fail to record
    /// it, the movement stays pending with its hold, and the recovery worker settles it by asking the bank again once the
    /// claim lapses: the caller answers "in progress" — never "nothing happened, try again" after the bank moved money, which
    /// a second request would move again (CARD-4).
    /// </summary>
    private async Task RecordAnswerAsync(FundMovementRow movement, BankMovementResult answer)
    {
        try
        {
            await ApplyAsync(movement, answer.Outcome, answer.BankTxnId, answer.Code);
        }
        catch (LedgerUnavailableException)
        {
            logger.LogWarning("Fund movement {MovementId}: the bank answered {Outcome} but the ledger could not record it; recovery settles it",
                movement.Id, answer.Outcome);
        }
    }

    /// <summary>Moves the ledger hold to match the bank's answer; unknown keeps it held.</summary>
    private async Task ApplyAsync(FundMovementRow movement, BankOutcome outcome, string? bankTxnId, string? code)
    {
        if (outcome == BankOutcome.Unknown)
        {
            if (movement.Status == Pending)
            {
                await FinishAsync(movement, Unknown, bankTxnId, code, resolved: false);
            }
            return;
        }
        var post = outcome == BankOutcome.Succeeded;
        var result = Outcome(await ledger.SubmitAsync(await SettlementChainAsync(movement, post), CancellationToken.None));
        var settled = post
            ? result is TransferResult.Ok or TransferResult.Exists or TransferResult.PendingTransferAlreadyPosted
            : result is TransferResult.Ok or TransferResult.Exists or TransferResult.PendingTransferAlreadyVoided;
        if (!settled)
        {
            // The hold is in the other state already: two resolvers disagreed, which must never happen. Leave it for people.
            logger.LogError("Fund movement {MovementId}: bank says {Outcome} but the hold answered {Result}", movement.Id, outcome, result);
            return;
        }
        await FinishAsync(movement, post ? Succeeded : Failed, bankTxnId, post ? null : code);
        if (post)
        {
            await using var db = database.CreateContext();
            var now = clock.UtcNow;
            await db.Set<UserRow>().Where(u => u.Id == movement.UserId)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.LastTransactionAt, now), CancellationToken.None);
        }
    }

    private async Task FinishAsync(FundMovementRow movement, string status, string? bankTxnId, string? code, bool resolved = true)
    {
        movement.Status = status;
        movement.BankTxnId = bankTxnId ?? movement.BankTxnId;
        movement.FailureCode = code is { Length: > 64 } ? code[..64] : code;
        movement.ResolvedAt = resolved ? clock.UtcNow : null;
        movement.ResolvingSince = null; // recorded: its resolver lets go (unknown: the recovery worker takes it from here)
        await SaveAsync(movement);
    }

    /// <summary>Writes the movement if nobody else wrote it since it was read (Version); false when someone did.</summary>
    private async Task<bool> SaveAsync(FundMovementRow movement)
    {
        await using var db = database.CreateContext();
        db.Attach(movement);
        db.Entry(movement).State = EntityState.Modified;
        db.Entry(movement).Property(m => m.Version).OriginalValue = movement.Version;
        movement.Version++;
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another resolver recorded the same bank truth first; the ledger answered both idempotently.
            logger.LogInformation("Fund movement {MovementId} was settled concurrently", movement.Id);
            return false;
        }
    }
}
