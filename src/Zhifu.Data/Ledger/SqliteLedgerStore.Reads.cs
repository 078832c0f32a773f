using SQLitePCL;
using Zhifu.Core.Ledger;
using static SQLitePCL.raw;

namespace Zhifu.Data.Ledger;

public sealed partial class SqliteLedgerStore
{
    /// <inheritdoc />
    public LedgerSnapshot Load()
    {
        var accounts = new List<AccountBalance>();
        using (var stmt = Prepare("SELECT id, ledger, code, flags, debits_pending, debits_posted, credits_pending, credits_posted,"
            + " timestamp FROM ledger_accounts"))
        {
            while (sqlite3_step(stmt) == SQLITE_ROW)
            {
                accounts.Add(new AccountBalance(ReadGuid(stmt, 0), sqlite3_column_int(stmt, 1), (AccountCode)sqlite3_column_int(stmt, 2),
                    (AccountFlags)sqlite3_column_int(stmt, 3), sqlite3_column_int64(stmt, 4), sqlite3_column_int64(stmt, 5),
                    sqlite3_column_int64(stmt, 6), sqlite3_column_int64(stmt, 7), sqlite3_column_int64(stmt, 8)));
            }
        }
        var open = new List<OpenPending>();
        using (var stmt = Prepare("SELECT p.id, t.debit_account_id, t.credit_account_id, t.amount, t.ledger, t.code, p.expires_at,"
            + " t.flags FROM ledger_pending p JOIN ledger_transfers t ON t.id = p.id WHERE p.status = 0"))
        {
            while (sqlite3_step(stmt) == SQLITE_ROW)
            {
                open.Add(new OpenPending(ReadGuid(stmt, 0), ReadGuid(stmt, 1), ReadGuid(stmt, 2), sqlite3_column_int64(stmt, 3),
                    sqlite3_column_int(stmt, 4), (ushort)sqlite3_column_int(stmt, 5), sqlite3_column_int64(stmt, 6),
                    (TransferFlags)sqlite3_column_int(stmt, 7) & OpenPending.ClosingFlags));
            }
        }
        long last = 0;
        using (var stmt = Prepare("SELECT MAX(m) FROM (SELECT MAX(timestamp) AS m FROM ledger_transfers"
            + " UNION ALL SELECT MAX(timestamp) FROM ledger_accounts UNION ALL SELECT MAX(resolved_at) FROM ledger_pending)"))
        {
            if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL)
            {
                last = sqlite3_column_int64(stmt, 0);
            }
        }
        return new LedgerSnapshot(accounts, open, last);
    }

    /// <inheritdoc />
    public IReadOnlyList<StoredTransfer> FindTransfers(IReadOnlyCollection<Guid> ids)
    {
        var found = new List<StoredTransfer>();
        foreach (var id in ids)
        {
            BindGuid(_findTransfer, 1, id);
            if (sqlite3_step(_findTransfer) == SQLITE_ROW)
            {
                var s = _findTransfer;
                var pending = sqlite3_column_type(s, 4) == SQLITE_NULL ? Guid.Empty : ReadGuid(s, 4);
                var transfer = new Transfer
                {
                    Id = ReadGuid(s, 0),
                    DebitAccountId = ReadGuid(s, 1),
                    CreditAccountId = ReadGuid(s, 2),
                    AmountFen = sqlite3_column_int64(s, 3),
                    PendingId = pending,
                    TimeoutSeconds = (uint)sqlite3_column_int64(s, 5),
                    Ledger = sqlite3_column_int(s, 6),
                    Code = (ushort)sqlite3_column_int(s, 7),
                    Flags = (TransferFlags)sqlite3_column_int(s, 8),
                    BusinessId = ReadGuid(s, 9),
                };
                found.Add(new StoredTransfer(transfer, sqlite3_column_int64(s, 11), (TransferResult)sqlite3_column_int(s, 10)));
            }
            sqlite3_reset(_findTransfer);
        }
        return found;
    }

    /// <inheritdoc />
    public PendingStatus? FindPendingStatus(Guid pendingId)
    {
        BindGuid(_findPending, 1, pendingId);
        try
        {
            return sqlite3_step(_findPending) == SQLITE_ROW ? (PendingStatus)sqlite3_column_int(_findPending, 0) : null;
        }
        finally
        {
            sqlite3_reset(_findPending);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var stmt in new[] { _insertAccount, _insertTransfers, _writeBalances, _writeBalance, _insertTransfer, _insertPending, _resolvePending, _findTransfer, _findPending })
        {
            stmt.Dispose();
        }
        _db.Dispose();
    }

    private static void BindGuid(sqlite3_stmt stmt, int index, Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        sqlite3_bind_blob(stmt, index, bytes);
    }

    private static Guid ReadGuid(sqlite3_stmt stmt, int column) => new(sqlite3_column_blob(stmt, column), bigEndian: true);

    private sqlite3_stmt Prepare(string sql)
    {
        Check(sqlite3_prepare_v2(_db, sql, out var stmt), "prepare");
        return stmt;
    }

    private void Exec(string sql) => Check(sqlite3_exec(_db, sql), sql);

    private void Step(sqlite3_stmt stmt, string what)
    {
        var rc = sqlite3_step(stmt);
        sqlite3_reset(stmt);
        if (rc != SQLITE_DONE)
        {
            throw Error(rc, what);
        }
    }

    private void Check(int rc, string what)
    {
        if (rc != SQLITE_OK)
        {
            throw Error(rc, what);
        }
    }

    private InvalidOperationException Error(int rc, string what) =>
        new($"SQLite ledger: {what} failed ({rc}: {sqlite3_errmsg(_db).utf8_to_string()})");
}
