using Npgsql;
using Zhifu.Core.Ledger;

namespace Zhifu.Data.Ledger;

public sealed partial class PostgresLedgerStore
{
    /// <inheritdoc />
    public LedgerSnapshot Load()
    {
        EnsureOpen();
        var accounts = new List<AccountBalance>();
        using (var cmd = new NpgsqlCommand("SELECT id, ledger, code, flags, debits_pending, debits_posted, credits_pending,"
            + " credits_posted, timestamp FROM ledger_accounts", _connection))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                accounts.Add(new AccountBalance(r.GetGuid(0), r.GetInt32(1), (AccountCode)r.GetInt32(2), (AccountFlags)r.GetInt32(3),
                    r.GetInt64(4), r.GetInt64(5), r.GetInt64(6), r.GetInt64(7), r.GetInt64(8)));
            }
        }
        var open = new List<OpenPending>();
        using (var cmd = new NpgsqlCommand("SELECT p.id, t.debit_account_id, t.credit_account_id, t.amount, t.ledger, t.code,"
            + " p.expires_at, t.flags FROM ledger_pending p JOIN ledger_transfers t ON t.id = p.id WHERE p.status = 0", _connection))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                open.Add(new OpenPending(r.GetGuid(0), r.GetGuid(1), r.GetGuid(2), r.GetInt64(3), r.GetInt32(4), (ushort)r.GetInt32(5),
                    r.GetInt64(6), (TransferFlags)r.GetInt32(7) & OpenPending.ClosingFlags));
            }
        }
        using var last = new NpgsqlCommand("SELECT GREATEST((SELECT MAX(timestamp) FROM ledger_transfers),"
            + " (SELECT MAX(timestamp) FROM ledger_accounts), (SELECT MAX(resolved_at) FROM ledger_pending))", _connection);
        var value = last.ExecuteScalar();
        return new LedgerSnapshot(accounts, open, value is long l ? l : 0);
    }

    /// <inheritdoc />
    public IReadOnlyList<StoredTransfer> FindTransfers(IReadOnlyCollection<Guid> ids)
    {
        EnsureOpen();
        using var cmd = new NpgsqlCommand("SELECT id, debit_account_id, credit_account_id, amount, pending_id, timeout, ledger, code,"
            + " flags, business_id, result, timestamp FROM ledger_transfers WHERE id = ANY($1)", _connection);
        cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids.ToArray() });
        using var r = cmd.ExecuteReader();
        var found = new List<StoredTransfer>();
        while (r.Read())
        {
            var transfer = new Transfer
            {
                Id = r.GetGuid(0),
                DebitAccountId = r.GetGuid(1),
                CreditAccountId = r.GetGuid(2),
                AmountFen = r.GetInt64(3),
                PendingId = r.IsDBNull(4) ? Guid.Empty : r.GetGuid(4),
                TimeoutSeconds = (uint)r.GetInt64(5),
                Ledger = r.GetInt32(6),
                Code = (ushort)r.GetInt32(7),
                Flags = (TransferFlags)r.GetInt32(8),
                BusinessId = r.GetGuid(9),
            };
            found.Add(new StoredTransfer(transfer, r.GetInt64(11), (TransferResult)r.GetInt32(10)));
        }
        return found;
    }

    /// <inheritdoc />
    public PendingStatus? FindPendingStatus(Guid pendingId)
    {
        EnsureOpen();
        using var cmd = new NpgsqlCommand("SELECT status FROM ledger_pending WHERE id = $1", _connection);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = pendingId });
        return cmd.ExecuteScalar() is int status ? (PendingStatus)status : null;
    }

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();
}
