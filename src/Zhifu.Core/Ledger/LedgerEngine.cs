namespace Zhifu.Core.Ledger;

/// <summary>
/// The ledger's rules over in-memory balances (TigerBeetle's account/transfer model). The single writer feeds it requests,
/// <see cref="Seal"/>s the resulting <see cref="Batch"/> and hands it to the store; while the store commits it, the next
/// batch may already be applied on top (pipelining). Once the store answers, the writer either <see cref="CompleteSealed"/>
/// or, on failure, <see cref="AbortAll"/> rolls back the sealed batch and the one applied after it. At most one batch is
/// sealed at a time. Not thread-safe by design: one thread owns it (the store reads the sealed batch, never the engine).
/// </summary>
public sealed partial class LedgerEngine
{
    private readonly Dictionary<Guid, AccountState> _accounts = [];
    private readonly Dictionary<Guid, OpenPending> _open = [];
    private readonly PriorityQueue<Guid, long> _expiries = new();
    private readonly RecentTransfers _recent;
    private Dictionary<Guid, StoredTransfer> _inBatch = [];
    private Dictionary<Guid, StoredTransfer> _inSealed = [];
    private LedgerBatch? _sealed;
    private LedgerBatch _spare = new();
    private int _sealedUndoCount;
    private long _sealedTimestampMark;
    private readonly List<Undo> _undo = [];
    private readonly ILedgerStore _store;
    private readonly IClock _clock;
    private long _lastTimestamp;
    private long _batchTimestampMark;
    private long _batchNumber;

    /// <summary>Rebuilds the state from the store's snapshot.</summary>
    public LedgerEngine(ILedgerStore store, IClock clock, int recentTransferCapacity)
    {
        _store = store;
        _clock = clock;
        _recent = new RecentTransfers(recentTransferCapacity);
        var snapshot = store.Load();
        foreach (var account in snapshot.Accounts)
        {
            _accounts.Add(account.Id, new AccountState(account));
        }
        foreach (var pending in snapshot.OpenPendings)
        {
            _open.Add(pending.Id, pending);
            if (pending.ExpiresAt != 0)
            {
                _expiries.Enqueue(pending.Id, pending.ExpiresAt);
            }
        }
        _lastTimestamp = snapshot.LastTimestamp;
        _batchTimestampMark = _lastTimestamp;
    }

    /// <summary>The changes of the batch under way.</summary>
    public LedgerBatch Batch { get; private set; } = new();

    /// <summary>The batch handed to the store and not yet completed or aborted, if any.</summary>
    public LedgerBatch? Sealed => _sealed;

    /// <summary>Number of accounts.</summary>
    public int AccountCount => _accounts.Count;

    /// <summary>Number of open holds.</summary>
    public int OpenPendingCount => _open.Count;

    /// <summary>The live balances of an account (writer thread only).</summary>
    public AccountBalance? Find(Guid accountId) => _accounts.TryGetValue(accountId, out var a) ? a.Snapshot() : null;

    /// <summary>Every account's live balances (writer thread only; for start-up publication).</summary>
    public IEnumerable<AccountBalance> AllAccounts() => _accounts.Values.Select(a => a.Snapshot());

    /// <summary>The earliest expiry among open holds, for the writer's wake-up timer.</summary>
    public long? NextExpiry => _expiries.TryPeek(out _, out var at) ? at : null;

    /// <summary>Learns transfers the database already holds (after a duplicate-id commit failure).</summary>
    public void Remember(IEnumerable<StoredTransfer> stored)
    {
        foreach (var s in stored)
        {
            _recent.Add(s);
        }
    }

    /// <summary>Creates accounts; existing ids answer Exists or ExistsWithDifferentFields.</summary>
    public void CreateAccounts(ReadOnlySpan<NewAccount> accounts, Span<CreateAccountResult> results)
    {
        for (var i = 0; i < accounts.Length; i++)
        {
            results[i] = CreateAccount(accounts[i]);
        }
    }

    private CreateAccountResult CreateAccount(NewAccount a)
    {
        if (a.Id == Guid.Empty)
        {
            return CreateAccountResult.IdMustNotBeZero;
        }
        if (a.Flags.HasFlag(AccountFlags.DebitsMustNotExceedCredits) && a.Flags.HasFlag(AccountFlags.CreditsMustNotExceedDebits))
        {
            return CreateAccountResult.FlagsAreMutuallyExclusive;
        }
        if (a.Flags.HasFlag(AccountFlags.Closed))
        {
            return CreateAccountResult.ClosedFlagReserved;
        }
        if (!AccountCodes.IsKnown((ushort)a.Code))
        {
            return CreateAccountResult.UnknownCode;
        }
        if (a.Ledger == 0)
        {
            return CreateAccountResult.LedgerMustNotBeZero;
        }
        if (_accounts.TryGetValue(a.Id, out var existing))
        {
            return existing.Ledger == a.Ledger && existing.Code == a.Code && (existing.Flags & ~AccountFlags.Closed) == a.Flags
                ? CreateAccountResult.Exists
                : CreateAccountResult.ExistsWithDifferentFields;
        }
        var balance = new AccountBalance(a.Id, a.Ledger, a.Code, a.Flags, 0, 0, 0, 0, NextTimestamp());
        var state = new AccountState(balance);
        _accounts.Add(a.Id, state);
        _undo.Add(Undo.AccountAdded(state));
        Batch.NewAccounts.Add(balance);
        return CreateAccountResult.Ok;
    }

    /// <summary>Releases holds whose timeout has passed (as of the clock). Returns how many.</summary>
    public int ExpireDue()
    {
        var now = NowMicros();
        var expired = 0;
        while (_expiries.TryPeek(out var id, out var at) && at <= now)
        {
            _expiries.Dequeue();
            if (!_open.TryGetValue(id, out var p) || p.ExpiresAt != at)
            {
                continue; // stale entry: the hold was resolved, or the batch that opened it was rolled back
            }
            var debit = _accounts[p.DebitAccountId];
            var credit = _accounts[p.CreditAccountId];
            Touch(debit);
            Touch(credit);
            debit.DebitsPending -= p.AmountFen;
            credit.CreditsPending -= p.AmountFen;
            Reopen(p, debit, credit);
            _open.Remove(id);
            _undo.Add(Undo.PendingRemoved(p));
            Batch.ResolvedPendings.Add((id, PendingStatus.Expired, NextTimestamp()));
            expired++;
        }
        return expired;
    }

    /// <summary>
    /// Ends the batch under way: its touched accounts' balances are copied into <see cref="LedgerBatch.Balances"/> (what the
    /// store writes and the writer publishes once committed), and a new batch begins on top of it.
    /// </summary>
    public LedgerBatch Seal()
    {
        if (_sealed is not null)
        {
            throw new InvalidOperationException("a sealed batch is still being committed");
        }
        var batch = Batch;
        foreach (var account in batch.TouchedAccounts)
        {
            batch.Balances.Add(account.Snapshot());
        }
        _sealed = batch;
        (_inSealed, _inBatch) = (_inBatch, _inSealed);
        Batch = _spare;
        _sealedUndoCount = _undo.Count;
        _sealedTimestampMark = _batchTimestampMark;
        _batchTimestampMark = _lastTimestamp;
        _batchNumber++;
        return batch;
    }

    /// <summary>The sealed batch is committed: its ids become known and its undo history is dropped.</summary>
    public void CompleteSealed()
    {
        var batch = _sealed ?? throw new InvalidOperationException("no sealed batch");
        foreach (var stored in batch.Transfers)
        {
            _recent.Add(stored);
        }
        _undo.RemoveRange(0, _sealedUndoCount);
        _sealedUndoCount = 0;
        _inSealed.Clear();
        batch.Clear();
        _spare = batch;
        _sealed = null;
    }

    /// <summary>
    /// Rolls back every change not yet committed: the batch under way and the sealed one (the database committed neither).
    /// </summary>
    public void AbortAll()
    {
        RollBackTo(0);
        _inBatch.Clear();
        Batch.Clear();
        if (_sealed is { } batch)
        {
            _lastTimestamp = _sealedTimestampMark;
            _inSealed.Clear();
            batch.Clear();
            _spare = batch;
            _sealed = null;
            _sealedUndoCount = 0;
        }
        else
        {
            _lastTimestamp = _batchTimestampMark;
        }
        _batchTimestampMark = _lastTimestamp;
        _batchNumber++;
    }

    private long NowMicros() => (_clock.UtcNow.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    private long NextTimestamp()
    {
        var now = NowMicros();
        _lastTimestamp = now > _lastTimestamp ? now : _lastTimestamp + 1;
        return _lastTimestamp;
    }

    private void Touch(AccountState account)
    {
        _undo.Add(Undo.Balances(account));
        if (account.TouchedInBatch != _batchNumber)
        {
            account.TouchedInBatch = _batchNumber;
            Batch.TouchedAccounts.Add(account);
        }
    }
}
