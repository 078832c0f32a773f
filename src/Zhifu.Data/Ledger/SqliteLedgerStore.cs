using SQLitePCL;
using Zhifu.Core.Ledger;
using static SQLitePCL.raw;

namespace Zhifu.Data.Ledger;

/// <summary>
/// The ledger on SQLite through the raw SQLite API: prepared statements bound without per-row allocations,
/// one <c>BEGIN IMMEDIATE … COMMIT</c> per batch.
/// </summary>
public sealed partial class SqliteLedgerStore : ILedgerStore
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _insertAccount;
    private readonly sqlite3_stmt _updateAccount;
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
        Exec($"PRAGMA journal_mode=WAL; PRAGMA synchronous={tuning.Synchronous};"
            + $" PRAGMA wal_autocheckpoint={tuning.WalAutoCheckpointPages}; PRAGMA cache_size=-65536;");
        sqlite3_busy_timeout(_db, tuning.BusyTimeoutMs);
        _insertAccount = Prepare("INSERT INTO ledger_accounts (id, ledger, code, flags, debits_pending, debits_posted,"
            + " credits_pending, credits_posted, timestamp) VALUES (?1, ?2, ?3, ?4, 0, 0, 0, 0, ?5)");
        _updateAccount = Prepare("UPDATE ledger_accounts SET debits_pending = ?2, debits_posted = ?3, credits_pending = ?4,"
            + " credits_posted = ?5 WHERE id = ?1");
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
            foreach (var a in batch.TouchedAccounts)
            {
                BindGuid(_updateAccount, 1, a.Id);
                sqlite3_bind_int64(_updateAccount, 2, a.DebitsPending);
                sqlite3_bind_int64(_updateAccount, 3, a.DebitsPosted);
                sqlite3_bind_int64(_updateAccount, 4, a.CreditsPending);
                sqlite3_bind_int64(_updateAccount, 5, a.CreditsPosted);
                Step(_updateAccount, "update account");
            }
            foreach (var s in batch.Transfers)
            {
                InsertTransfer(s);
            }
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

    private void InsertTransfer(StoredTransfer s)
    {
        var t = s.Transfer;
        var stmt = _insertTransfer;
        BindGuid(stmt, 1, t.Id);
        BindGuid(stmt, 2, t.DebitAccountId);
        BindGuid(stmt, 3, t.CreditAccountId);
        sqlite3_bind_int64(stmt, 4, t.AmountFen);
        if (t.PendingId == Guid.Empty)
        {
            sqlite3_bind_null(stmt, 5);
        }
        else
        {
            BindGuid(stmt, 5, t.PendingId);
        }
        sqlite3_bind_int64(stmt, 6, t.TimeoutSeconds);
        sqlite3_bind_int(stmt, 7, t.Ledger);
        sqlite3_bind_int(stmt, 8, t.Code);
        sqlite3_bind_int(stmt, 9, (int)t.Flags);
        BindGuid(stmt, 10, t.BusinessId);
        sqlite3_bind_int(stmt, 11, (int)s.Result);
        sqlite3_bind_int64(stmt, 12, s.Timestamp);
        var rc = sqlite3_step(stmt);
        sqlite3_reset(stmt);
        if (rc == SQLITE_CONSTRAINT && sqlite3_extended_errcode(_db) == SQLITE_CONSTRAINT_PRIMARYKEY)
        {
            throw new DuplicateTransferIdException($"transfer id {t.Id} already stored");
        }
        if (rc != SQLITE_DONE)
        {
            throw Error(rc, "insert transfer");
        }
    }
}
