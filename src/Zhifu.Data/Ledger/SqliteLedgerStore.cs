using SQLitePCL;
using Zhifu.Core.Ledger;
using static SQLitePCL.raw;

namespace Zhifu.Data.Ledger;

/// <summary>
/// The ledger on SQLite through the raw SQLite API: prepared statements bound without per-row allocations,
/// one <c>BEGIN IMMEDIATE … COMMIT</c> per batch. Transfers and balances go in sorted by id (B-tree order) and
/// <see cref="RowsPerStatement"/> rows per statement, which measured about a quarter faster than one row per step.
/// </summary>
public sealed partial class SqliteLedgerStore : ILedgerStore
{
    /// <summary>Rows bound into one multi-row statement (12 columns × 32 = 384 parameters, well under SQLite's limit).</summary>
    internal const int RowsPerStatement = 32;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _insertTransfers;
    private readonly sqlite3_stmt _writeBalances;
    private readonly sqlite3_stmt _writeBalance;
    private (Guid Id, int Index)[] _transferOrder = [];
    private AccountBalance[] _sortedAccounts = [];
    private readonly sqlite3_stmt _insertAccount;
    private readonly sqlite3_stmt _insertTransfer;
    private readonly sqlite3_stmt _insertPending;
    private readonly sqlite3_stmt _resolvePending;
    private readonly sqlite3_stmt _findTransfer;
    private readonly sqlite3_stmt _findPending;

    /// <summary>Opens the ledger connection on an already migrated database file.</summary>
    public SqliteLedgerStore(string path, SqliteTuning tuning)
    {
        Batteries_V2.Init();
        Check(sqlite3_open_v2(path, out _db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, null), "open");
        // The busy timeout first: switching to WAL needs a moment's lock, and EF's connections may hold the file at start.
        SqliteBusyWait.Install(_db, tuning.BusyTimeoutMs);
        Exec($"PRAGMA journal_mode=WAL; PRAGMA synchronous={tuning.Synchronous};"
            + $" PRAGMA cache_size=-65536;");
        SqliteBusyWait.SignalCommits(_db, tuning.WalAutoCheckpointPages); // the WAL hook checkpoints, at the ledger's own size
        _insertTransfers = Prepare("INSERT INTO ledger_transfers (id, debit_account_id, credit_account_id, amount, pending_id,"
            + " timeout, ledger, code, flags, business_id, result, timestamp) VALUES " + Rows(RowsPerStatement, 12));
        // Balances are written as an upsert because it is the one multi-row form of an update SQLite has; the writer only
        // ever names accounts it loaded or created, so the insert arm never runs (the account's own columns are bound anyway).
        _writeBalances = Prepare(BalanceUpsert(RowsPerStatement));
        _writeBalance = Prepare(BalanceUpsert(1));
        _insertAccount = Prepare("INSERT INTO ledger_accounts (id, ledger, code, flags, debits_pending, debits_posted,"
            + " credits_pending, credits_posted, timestamp) VALUES (?1, ?2, ?3, ?4, 0, 0, 0, 0, ?5)");
        _insertTransfer = Prepare("INSERT INTO ledger_transfers (id, debit_account_id, credit_account_id, amount, pending_id,"
            + " timeout, ledger, code, flags, business_id, result, timestamp) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
        _insertPending = Prepare("INSERT INTO ledger_pending (id, status, expires_at, resolved_at) VALUES (?1, 0, ?2, NULL)");
        _resolvePending = Prepare("UPDATE ledger_pending SET status = ?2, resolved_at = ?3 WHERE id = ?1 AND status = 0");
        _findTransfer = Prepare("SELECT id, debit_account_id, credit_account_id, amount, pending_id, timeout, ledger, code, flags,"
            + " business_id, result, timestamp FROM ledger_transfers WHERE id = ?1");
        _findPending = Prepare("SELECT status FROM ledger_pending WHERE id = ?1");
    }

    /// <inheritdoc />
    public void Commit(LedgerBatch batch)
    {
        Exec("BEGIN IMMEDIATE");
        try
        {
            foreach (var a in batch.NewAccounts)
            {
                BindGuid(_insertAccount, 1, a.Id);
                sqlite3_bind_int(_insertAccount, 2, a.Ledger);
                sqlite3_bind_int(_insertAccount, 3, (int)a.Code);
                sqlite3_bind_int(_insertAccount, 4, (int)a.Flags);
                sqlite3_bind_int64(_insertAccount, 5, a.Timestamp);
                Step(_insertAccount, "insert account");
            }
            WriteBalances(batch.Balances);
            InsertTransfers(batch.Transfers);
            foreach (var (id, expiresAt) in batch.OpenedPendings)
            {
                BindGuid(_insertPending, 1, id);
                sqlite3_bind_int64(_insertPending, 2, expiresAt);
                Step(_insertPending, "insert pending");
            }
            foreach (var (id, status, at) in batch.ResolvedPendings)
            {
                BindGuid(_resolvePending, 1, id);
                sqlite3_bind_int(_resolvePending, 2, (int)status);
                sqlite3_bind_int64(_resolvePending, 3, at);
                Step(_resolvePending, "resolve pending");
            }
            Exec("COMMIT");
        }
        catch
        {
            sqlite3_exec(_db, "ROLLBACK");
            throw;
        }
    }

    private void WriteBalances(List<AccountBalance> touched)
    {
        var sorted = Sorted(touched, ref _sortedAccounts, static (a, b) => a.Id.CompareTo(b.Id));
        var i = 0;
        for (; i + RowsPerStatement <= sorted.Length; i += RowsPerStatement)
        {
            for (var row = 0; row < RowsPerStatement; row++)
            {
                BindBalance(_writeBalances, row * 9, sorted[i + row]);
            }
            Step(_writeBalances, "write balances");
        }
        for (; i < sorted.Length; i++)
        {
            BindBalance(_writeBalance, 0, sorted[i]);
            Step(_writeBalance, "write balance");
        }
    }

    private static void BindBalance(sqlite3_stmt stmt, int at, AccountBalance a)
    {
        BindGuid(stmt, at + 1, a.Id);
        sqlite3_bind_int(stmt, at + 2, a.Ledger);
        sqlite3_bind_int(stmt, at + 3, (int)a.Code);
        sqlite3_bind_int(stmt, at + 4, (int)a.Flags);
        sqlite3_bind_int64(stmt, at + 5, a.DebitsPending);
        sqlite3_bind_int64(stmt, at + 6, a.DebitsPosted);
        sqlite3_bind_int64(stmt, at + 7, a.CreditsPending);
        sqlite3_bind_int64(stmt, at + 8, a.CreditsPosted);
        sqlite3_bind_int64(stmt, at + 9, a.Timestamp);
    }

    private void InsertTransfers(List<StoredTransfer> transfers)
    {
        // Sorted by (id, position) pairs rather than the transfers themselves: a StoredTransfer is a large struct to move.
        if (_transferOrder.Length < transfers.Count)
        {
            _transferOrder = new (Guid, int)[Math.Max(transfers.Count, _transferOrder.Length * 2)];
        }
        var order = _transferOrder.AsSpan(0, transfers.Count);
        for (var k = 0; k < order.Length; k++)
        {
            order[k] = (transfers[k].Transfer.Id, k);
        }
        order.Sort(static (a, b) => a.Id.CompareTo(b.Id));
        var i = 0;
        for (; i + RowsPerStatement <= order.Length; i += RowsPerStatement)
        {
            for (var row = 0; row < RowsPerStatement; row++)
            {
                BindTransfer(_insertTransfers, row * 12, transfers[order[i + row].Index]);
            }
            StepInsert(_insertTransfers);
        }
        for (; i < order.Length; i++)
        {
            BindTransfer(_insertTransfer, 0, transfers[order[i].Index]);
            StepInsert(_insertTransfer);
        }
    }

    private static void BindTransfer(sqlite3_stmt stmt, int at, in StoredTransfer s)
    {
        var t = s.Transfer;
        BindGuid(stmt, at + 1, t.Id);
        BindGuid(stmt, at + 2, t.DebitAccountId);
        BindGuid(stmt, at + 3, t.CreditAccountId);
        sqlite3_bind_int64(stmt, at + 4, t.AmountFen);
        if (t.PendingId == Guid.Empty)
        {
            sqlite3_bind_null(stmt, at + 5);
        }
        else
        {
            BindGuid(stmt, at + 5, t.PendingId);
        }
        sqlite3_bind_int64(stmt, at + 6, t.TimeoutSeconds);
        sqlite3_bind_int(stmt, at + 7, t.Ledger);
        sqlite3_bind_int(stmt, at + 8, t.Code);
        sqlite3_bind_int(stmt, at + 9, (int)t.Flags);
        BindGuid(stmt, at + 10, t.BusinessId);
        sqlite3_bind_int(stmt, at + 11, (int)s.Result);
        sqlite3_bind_int64(stmt, at + 12, s.Timestamp);
    }

    private void StepInsert(sqlite3_stmt stmt)
    {
        var rc = sqlite3_step(stmt);
        sqlite3_reset(stmt);
        if (rc == SQLITE_CONSTRAINT && sqlite3_extended_errcode(_db) == SQLITE_CONSTRAINT_PRIMARYKEY)
        {
            // The writer then learns the stored outcomes of the whole batch's ids and replays it.
            throw new DuplicateTransferIdException("a transfer id of the batch is already stored");
        }
        if (rc != SQLITE_DONE)
        {
            throw Error(rc, "insert transfers");
        }
    }

    /// <summary>The items in B-tree key order, in a buffer reused from batch to batch (the writer thread is the only caller).</summary>
    private static ReadOnlySpan<T> Sorted<T>(List<T> items, ref T[] buffer, Comparison<T> order)
    {
        if (buffer.Length < items.Count)
        {
            buffer = new T[Math.Max(items.Count, buffer.Length * 2)];
        }
        items.CopyTo(buffer);
        var span = buffer.AsSpan(0, items.Count);
        span.Sort(order);
        return span;
    }

    private static string Rows(int rows, int columns) => string.Join(",", Enumerable.Range(0, rows).Select(r =>
        "(" + string.Join(",", Enumerable.Range(1, columns).Select(c => "?" + (r * columns + c))) + ")"));

    private static string BalanceUpsert(int rows) => "INSERT INTO ledger_accounts (id, ledger, code, flags, debits_pending,"
        + " debits_posted, credits_pending, credits_posted, timestamp) VALUES " + Rows(rows, 9)
        + " ON CONFLICT (id) DO UPDATE SET flags = excluded.flags, debits_pending = excluded.debits_pending, debits_posted = excluded.debits_posted,"
        + " credits_pending = excluded.credits_pending, credits_posted = excluded.credits_posted";
}
