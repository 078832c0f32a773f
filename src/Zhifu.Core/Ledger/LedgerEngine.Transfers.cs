namespace Zhifu.Core.Ledger;

public sealed partial class LedgerEngine
{
    /// <summary>
    /// Applies one request's transfers in order. Consecutive transfers flagged <see cref="TransferFlags.Linked"/>
    /// form a chain with the next one and apply all-or-nothing.
    /// </summary>
    public void Apply(ReadOnlySpan<Transfer> transfers, Span<TransferResult> results)
    {
        var i = 0;
        while (i < transfers.Length)
        {
            var end = i;
            while (end < transfers.Length && transfers[end].Flags.HasFlag(TransferFlags.Linked))
            {
                end++;
            }
            if (end == transfers.Length)
            {
                // The request ends inside a chain: nothing of the chain may apply.
                for (var k = i; k < transfers.Length; k++)
                {
                    results[k] = k == transfers.Length - 1 ? TransferResult.LinkedEventChainOpen : TransferResult.LinkedEventFailed;
                    RecordFailure(transfers[k], results[k]);
                }
                return;
            }
            ApplyChain(transfers[i..(end + 1)], results[i..(end + 1)]);
            i = end + 1;
        }
    }

    private void ApplyChain(ReadOnlySpan<Transfer> chain, Span<TransferResult> results)
    {
        var undoMark = _undo.Count;
        var openedMark = Batch.OpenedPendings.Count;
        var resolvedMark = Batch.ResolvedPendings.Count;
        var applied = new Transfer[chain.Length];
        var stamps = new long[chain.Length];
        var failedAt = -1;
        for (var k = 0; k < chain.Length; k++)
        {
            stamps[k] = NextTimestamp();
            results[k] = EarlierInChain(chain, k, results) is { } j
                // the same id twice in one chain: the repeat answers the first (not yet stored while the chain is open) and
                // never moves money a second time — as a repeat in a later request would
                ? Repeated(chain[k], new StoredTransfer(applied[j], stamps[j], results[j]))
                : ApplyOne(chain[k], stamps[k], out applied[k]);
            if (!results[k].IsSuccess())
            {
                failedAt = k;
                break;
            }
        }
        if (failedAt >= 0 && chain.Length > 1)
        {
            RollBackTo(undoMark);
            Batch.OpenedPendings.RemoveRange(openedMark, Batch.OpenedPendings.Count - openedMark);
            Batch.ResolvedPendings.RemoveRange(resolvedMark, Batch.ResolvedPendings.Count - resolvedMark);
            for (var k = 0; k < chain.Length; k++)
            {
                if (k != failedAt)
                {
                    results[k] = TransferResult.LinkedEventFailed;
                }
                RecordFailure(chain[k], results[k]);
            }
            return;
        }
        for (var k = 0; k < chain.Length; k++)
        {
            if (results[k] == TransferResult.Ok)
            {
                var stored = new StoredTransfer(applied[k], stamps[k], TransferResult.Ok);
                _inBatch[applied[k].Id] = stored;
                Batch.Transfers.Add(stored);
            }
            else if (results[k] != TransferResult.Exists)
            {
                RecordFailure(chain[k], results[k]);
            }
        }
    }

    /// <summary>The position of an earlier member of <paramref name="chain"/> applied under the same id as member
    /// <paramref name="k"/>, or null.</summary>
    private static int? EarlierInChain(ReadOnlySpan<Transfer> chain, int k, Span<TransferResult> results)
    {
        for (var j = 0; j < k; j++)
        {
            if (chain[j].Id == chain[k].Id && chain[k].Id != Guid.Empty && results[j] == TransferResult.Ok)
            {
                return j;
            }
        }
        return null;
    }

    /// <summary>A first failure reserves the id so a repeat answers the same outcome; repeats and empty ids are not stored.</summary>
    private void RecordFailure(Transfer t, TransferResult result)
    {
        if (t.Id == Guid.Empty || KnownOutcome(t.Id, out _))
        {
            return;
        }
        var stored = new StoredTransfer(t, NextTimestamp(), result);
        _inBatch[t.Id] = stored;
        Batch.Transfers.Add(stored);
    }

    private bool KnownOutcome(Guid id, out StoredTransfer stored) =>
        _inBatch.TryGetValue(id, out stored) || _inSealed.TryGetValue(id, out stored) || _recent.TryGet(id, out stored);

    private TransferResult ApplyOne(Transfer t, long timestamp, out Transfer applied)
    {
        applied = t;
        if (t.Id == Guid.Empty)
        {
            return TransferResult.IdMustNotBeZero;
        }
        if (KnownOutcome(t.Id, out var first))
        {
            return Repeated(t, first); // idempotency: a repeat answers the first outcome, never moves money twice
        }
        if (_open.ContainsKey(t.Id))
        {
            // The repeat of a hold still open, older than the in-memory cache (after a restart, or held for days): its
            // stored outcome answers, as for any repeat — it must not open the same hold twice. (Other old ids are caught by
            // the store's unique key at commit, which replays the batch with their outcomes.)
            Remember(_store.FindTransfers([t.Id]));
            return KnownOutcome(t.Id, out first) ? Repeated(t, first) : TransferResult.ExistsWithDifferentFields;
        }
        var kinds = (t.Flags.HasFlag(TransferFlags.Pending) ? 1 : 0) + (t.Flags.HasFlag(TransferFlags.PostPending) ? 1 : 0)
            + (t.Flags.HasFlag(TransferFlags.VoidPending) ? 1 : 0);
        if (kinds > 1)
        {
            return TransferResult.FlagsAreMutuallyExclusive;
        }
        if (t.BusinessId == Guid.Empty)
        {
            return TransferResult.BusinessIdRequired;
        }
        if (t.Code == 0)
        {
            return TransferResult.CodeMustNotBeZero;
        }
        return t.Flags.HasFlag(TransferFlags.PostPending) || t.Flags.HasFlag(TransferFlags.VoidPending)
            ? ResolvePending(t, timestamp, out applied)
            : Move(t, timestamp, out applied);
    }

    private static TransferResult Repeated(Transfer t, StoredTransfer first) =>
        !SameRequest(t, first.Transfer) ? TransferResult.ExistsWithDifferentFields
        : first.Result == TransferResult.Ok ? TransferResult.Exists : first.Result;

    private TransferResult Move(Transfer t, long timestamp, out Transfer applied)
    {
        applied = t;
        var pending = t.Flags.HasFlag(TransferFlags.Pending);
        if (t.PendingId != Guid.Empty)
        {
            return TransferResult.PendingIdMustBeZero;
        }
        if (t.TimeoutSeconds != 0 && !pending)
        {
            return TransferResult.TimeoutReservedForPending;
        }
        var closing = t.Flags & OpenPending.ClosingFlags;
        if (closing != 0 && !pending)
        {
            return TransferResult.ClosingTransferMustBePending;
        }
        if (t.AmountFen < 0 || (t.AmountFen == 0 && closing == 0))
        {
            return TransferResult.AmountMustBePositive;
        }
        if (t.DebitAccountId == t.CreditAccountId)
        {
            return TransferResult.AccountsMustBeDifferent;
        }
        if (!_accounts.TryGetValue(t.DebitAccountId, out var debit))
        {
            return TransferResult.DebitAccountNotFound;
        }
        if (!_accounts.TryGetValue(t.CreditAccountId, out var credit))
        {
            return TransferResult.CreditAccountNotFound;
        }
        var ledger = t.Ledger == 0 ? debit.Ledger : t.Ledger;
        if (debit.Ledger != ledger || credit.Ledger != ledger)
        {
            return TransferResult.LedgerMismatch;
        }
        if (debit.IsClosed)
        {
            return TransferResult.DebitAccountAlreadyClosed;
        }
        if (credit.IsClosed)
        {
            return TransferResult.CreditAccountAlreadyClosed;
        }
        var amount = t.AmountFen;
        if (WouldOverflow(debit.DebitsPending, debit.DebitsPosted, amount) || WouldOverflow(credit.CreditsPending, credit.CreditsPosted, amount))
        {
            return TransferResult.Overflow;
        }
        if (debit.Flags.HasFlag(AccountFlags.DebitsMustNotExceedCredits)
            && debit.DebitsPending + debit.DebitsPosted + amount > debit.CreditsPosted)
        {
            return TransferResult.ExceedsCredits;
        }
        if (credit.Flags.HasFlag(AccountFlags.CreditsMustNotExceedDebits)
            && credit.CreditsPending + credit.CreditsPosted + amount > credit.DebitsPosted)
        {
            return TransferResult.ExceedsDebits;
        }
        Touch(debit);
        Touch(credit);
        applied = t with { Ledger = ledger };
        if (pending)
        {
            debit.DebitsPending += amount;
            credit.CreditsPending += amount;
            var expiresAt = t.TimeoutSeconds == 0 ? 0 : timestamp + t.TimeoutSeconds * 1_000_000L;
            var hold = new OpenPending(t.Id, debit.Id, credit.Id, amount, ledger, t.Code, expiresAt, closing);
            _open.Add(t.Id, hold);
            _undo.Add(Undo.PendingAdded(t.Id));
            if (expiresAt != 0)
            {
                _expiries.Enqueue(t.Id, expiresAt);
            }
            Batch.OpenedPendings.Add((t.Id, expiresAt));
            if (closing.HasFlag(TransferFlags.ClosingDebit))
            {
                debit.Flags |= AccountFlags.Closed;
            }
            if (closing.HasFlag(TransferFlags.ClosingCredit))
            {
                credit.Flags |= AccountFlags.Closed;
            }
        }
        else
        {
            debit.DebitsPosted += amount;
            credit.CreditsPosted += amount;
        }
        return TransferResult.Ok;
    }

    private static bool WouldOverflow(long pendingSide, long postedSide, long amount) =>
        amount > long.MaxValue - pendingSide || amount > long.MaxValue - postedSide || pendingSide + amount > long.MaxValue - postedSide;

    /// <summary>Same request as the first one; empty accounts and zero amount on post/void mean "as held".</summary>
    private static bool SameRequest(Transfer repeat, Transfer first)
    {
        var resolving = repeat.Flags.HasFlag(TransferFlags.PostPending) || repeat.Flags.HasFlag(TransferFlags.VoidPending);
        bool Match(Guid a, Guid b) => a == b || (resolving && a == Guid.Empty);
        return repeat.Flags == first.Flags && repeat.Code == first.Code && repeat.BusinessId == first.BusinessId
            && repeat.PendingId == first.PendingId && repeat.TimeoutSeconds == first.TimeoutSeconds
            && (repeat.Ledger == first.Ledger || repeat.Ledger == 0)
            && Match(repeat.DebitAccountId, first.DebitAccountId) && Match(repeat.CreditAccountId, first.CreditAccountId)
            && (repeat.AmountFen == first.AmountFen || (resolving && repeat.AmountFen == 0));
    }
}
