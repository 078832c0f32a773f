namespace Zhifu.Core.Ledger;

public sealed partial class LedgerEngine
{
    private TransferResult ResolvePending(Transfer t, long timestamp, out Transfer applied)
    {
        applied = t;
        var post = t.Flags.HasFlag(TransferFlags.PostPending);
        if (t.PendingId == Guid.Empty)
        {
            return TransferResult.PendingIdRequired;
        }
        if (t.TimeoutSeconds != 0)
        {
            return TransferResult.TimeoutReservedForPending;
        }
        if ((t.Flags & OpenPending.ClosingFlags) != 0)
        {
            return TransferResult.ClosingTransferMustBePending; // a post or void closes nothing
        }
        if (t.AmountFen < 0)
        {
            return TransferResult.AmountMustBePositive;
        }
        if (!_open.TryGetValue(t.PendingId, out var hold))
        {
            return WhyNotOpen(t.PendingId);
        }
        if (hold.ExpiresAt != 0 && timestamp >= hold.ExpiresAt)
        {
            return TransferResult.PendingTransferExpired; // the expiry sweep releases it at the start of the next batch
        }
        if ((t.DebitAccountId != Guid.Empty && t.DebitAccountId != hold.DebitAccountId)
            || (t.CreditAccountId != Guid.Empty && t.CreditAccountId != hold.CreditAccountId))
        {
            return TransferResult.AccountsMustMatchPending;
        }
        if (t.Ledger != 0 && t.Ledger != hold.Ledger)
        {
            return TransferResult.LedgerMismatch;
        }
        var amount = t.AmountFen == 0 ? hold.AmountFen : t.AmountFen;
        if (post && amount > hold.AmountFen)
        {
            return TransferResult.ExceedsPendingTransferAmount;
        }
        if (!post && amount != hold.AmountFen)
        {
            return TransferResult.PendingTransferHasDifferentAmount;
        }
        var debit = _accounts[hold.DebitAccountId];
        var credit = _accounts[hold.CreditAccountId];
        Touch(debit);
        Touch(credit);
        // The hold already reserved the full amount, so posting part or all of it cannot break a balance rule.
        debit.DebitsPending -= hold.AmountFen;
        credit.CreditsPending -= hold.AmountFen;
        if (post)
        {
            debit.DebitsPosted += amount;
            credit.CreditsPosted += amount;
        }
        else
        {
            Reopen(hold, debit, credit);
        }
        _open.Remove(hold.Id);
        _undo.Add(Undo.PendingRemoved(hold));
        Batch.ResolvedPendings.Add((hold.Id, post ? PendingStatus.Posted : PendingStatus.Voided, timestamp));
        applied = t with
        {
            DebitAccountId = hold.DebitAccountId,
            CreditAccountId = hold.CreditAccountId,
            AmountFen = post ? amount : hold.AmountFen,
            Ledger = hold.Ledger,
        };
        return TransferResult.Ok;
    }

    /// <summary>A closing hold voided or expired: the accounts it closed take transfers again (posting it keeps them closed).</summary>
    private static void Reopen(OpenPending hold, AccountState debit, AccountState credit)
    {
        if (hold.Closing.HasFlag(TransferFlags.ClosingDebit))
        {
            debit.Flags &= ~AccountFlags.Closed;
        }
        if (hold.Closing.HasFlag(TransferFlags.ClosingCredit))
        {
            credit.Flags &= ~AccountFlags.Closed;
        }
    }

    private TransferResult WhyNotOpen(Guid pendingId)
    {
        // Newest first: the batch under way, then the sealed one the store is committing, then what the database holds.
        var status = ResolvedIn(Batch, pendingId) ?? (_sealed is { } sealedBatch ? ResolvedIn(sealedBatch, pendingId) : null)
            ?? _store.FindPendingStatus(pendingId);
        if (status is { } s)
        {
            return s switch
            {
                PendingStatus.Posted => TransferResult.PendingTransferAlreadyPosted,
                PendingStatus.Voided => TransferResult.PendingTransferAlreadyVoided,
                _ => TransferResult.PendingTransferExpired,
            };
        }
        if (KnownOutcome(pendingId, out _) || _store.FindTransfers([pendingId]).Count > 0)
        {
            return TransferResult.PendingTransferNotPending;
        }
        return TransferResult.PendingTransferNotFound;
    }

    private static PendingStatus? ResolvedIn(LedgerBatch batch, Guid pendingId)
    {
        var resolved = batch.ResolvedPendings.FindLast(r => r.Id == pendingId);
        return resolved.Id == pendingId ? resolved.Status : null;
    }

    private void RollBackTo(int mark)
    {
        for (var i = _undo.Count - 1; i >= mark; i--)
        {
            var u = _undo[i];
            switch (u.Kind)
            {
                case UndoKind.Balances:
                    u.Account!.Flags = u.Flags;
                    u.Account.DebitsPending = u.DebitsPending;
                    u.Account.DebitsPosted = u.DebitsPosted;
                    u.Account.CreditsPending = u.CreditsPending;
                    u.Account.CreditsPosted = u.CreditsPosted;
                    break;
                case UndoKind.AccountAdded:
                    _accounts.Remove(u.Account!.Id);
                    break;
                case UndoKind.PendingAdded:
                    _open.Remove(u.Pending.Id);
                    break;
                case UndoKind.PendingRemoved:
                    _open.Add(u.Pending.Id, u.Pending);
                    if (u.Pending.ExpiresAt != 0)
                    {
                        _expiries.Enqueue(u.Pending.Id, u.Pending.ExpiresAt);
                    }
                    break;
            }
        }
        _undo.RemoveRange(mark, _undo.Count - mark);
    }

    private enum UndoKind : byte { Balances, AccountAdded, PendingAdded, PendingRemoved }

    private readonly record struct Undo(
        UndoKind Kind, AccountState? Account, OpenPending Pending, AccountFlags Flags,
        long DebitsPending, long DebitsPosted, long CreditsPending, long CreditsPosted)
    {
        public static Undo Balances(AccountState a) =>
            new(UndoKind.Balances, a, default, a.Flags, a.DebitsPending, a.DebitsPosted, a.CreditsPending, a.CreditsPosted);

        public static Undo AccountAdded(AccountState a) => new(UndoKind.AccountAdded, a, default, default, 0, 0, 0, 0);

        public static Undo PendingAdded(Guid id) =>
            new(UndoKind.PendingAdded, null, default(OpenPending) with { Id = id }, default, 0, 0, 0, 0);

        public static Undo PendingRemoved(OpenPending p) => new(UndoKind.PendingRemoved, null, p, default, 0, 0, 0, 0);
    }
}
