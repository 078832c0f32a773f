namespace Zhifu.Core.Ledger;

/// <summary>
/// The ledger's rules over in-memory balances (TigerBeetle's account/transfer model). The single writer
/// feeds it requests, hands the resulting <see cref="Batch"/> to the store, then either
/// <see cref="CompleteBatch"/> or <see cref="AbortBatch"/>. Not thread-safe by design: one thread owns it.
/// </summary>
public sealed partial class LedgerEngine
{
    private readonly Dictionary<Guid, AccountState> _accounts = [];
    private readonly Dictionary<Guid, OpenPending> _open = [];
    private readonly PriorityQueue<Guid, long> _expiries = new();
    private readonly RecentTransfers _recent;
    private readonly Dictionary<Guid, StoredTransfer> _inBatch = [];
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
    public LedgerBatch Batch { get; } = new();

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
            return existing.Ledger == a.Ledger && existing.Code == a.Code && existing.Flags == a.Flags
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
            _open.Remove(id);
            _undo.Add(Undo.PendingRemoved(p));
            Batch.ResolvedPendings.Add((id, PendingStatus.Expired, NextTimestamp()));
            expired++;
        }
        return expired;
    }

    /// <summary>Marks the batch committed: ids become known, undo history is dropped.</summary>
    public void CompleteBatch()
    {
        foreach (var stored in Batch.Transfers)
        {
            _recent.Add(stored);
        }
        _inBatch.Clear();
        _undo.Clear();
        Batch.Clear();
        _batchTimestampMark = _lastTimestamp;
        _batchNumber++;
    }

    /// <summary>Rolls every change of the batch back (the database did not commit it).</summary>
    public void AbortBatch()
    {
        RollBackTo(0);
        _inBatch.Clear();
        Batch.Clear();
        _lastTimestamp = _batchTimestampMark;
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
