using Npgsql;
using NpgsqlTypes;
using Zhifu.Core.Ledger;

namespace Zhifu.Data.Ledger;

/// <summary>
/// The ledger on PostgreSQL: binary COPY for new rows and one <c>UPDATE … FROM unnest(…)</c> per batch for balances,
/// planned as a nested loop on the primary key (<c>plan_cache_mode=force_generic_plan</c>).
/// </summary>
public sealed partial class PostgresLedgerStore : ILedgerStore
{
    private const string UpdateAccountsSql = """
        UPDATE ledger_accounts AS a SET debits_pending = u.dp, debits_posted = u.dpo, credits_pending = u.cp, credits_posted = u.cpo,
            flags = u.flags
        FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::integer[]) AS u(id, dp, dpo, cp, cpo, flags)
        WHERE a.id = u.id
        """;

    private const string ResolvePendingSql = """
        UPDATE ledger_pending AS p SET status = u.status, resolved_at = u.at
        FROM unnest($1::uuid[], $2::int[], $3::bigint[]) AS u(id, status, at)
        WHERE p.id = u.id AND p.status = 0
        """;

    private readonly string _connectionString;
    private NpgsqlConnection _connection;

    /// <summary>Opens the ledger's own connection on an already migrated database.</summary>
    public PostgresLedgerStore(string connectionString)
    {
        _connectionString = connectionString;
        _connection = Open(connectionString);
    }

    /// <summary>
    /// The ledger's connection asks for generic plans as a startup option, not by <c>SET</c>: the setting is its connection's
    /// from the start, and the connection string differs from the contexts' — its own pool — so a ledger connection given back
    /// never hands the setting to a context's connection (they are not reset on return: DatabaseOptions.WithPostgresDefaults).
    /// </summary>
    private static NpgsqlConnection Open(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.Options = ((builder.Options ?? "") + " -c plan_cache_mode=force_generic_plan").Trim();
        var connection = new NpgsqlConnection(builder.ConnectionString);
        connection.Open();
        return connection;
    }

    /// <summary>
    /// Opens the connection again when the server dropped it (a restart, a failover, an idle kill): a broken connection stays
    /// broken, and every batch after it would fail — the writer's retries too — until the process restarted.
    /// </summary>
    private void EnsureOpen()
    {
        if (_connection.State == System.Data.ConnectionState.Open)
        {
            return;
        }
        _connection.Dispose();
        _connection = Open(_connectionString);
    }

    /// <inheritdoc />
    public void Commit(LedgerBatch batch)
    {
        EnsureOpen();
        using var tx = _connection.BeginTransaction();
        try
        {
            CopyAccounts(batch.NewAccounts);
            UpdateAccounts(batch.Balances, tx);
            CopyTransfers(batch.Transfers);
            CopyPendings(batch.OpenedPendings);
            ResolvePendings(batch.ResolvedPendings, tx);
            tx.Commit();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "pk_ledger_transfers")
        {
            tx.Rollback();
            throw new DuplicateTransferIdException("a transfer id is already stored", e);
        }
    }

    private void CopyAccounts(List<AccountBalance> accounts)
    {
        if (accounts.Count == 0)
        {
            return;
        }
        using var copy = _connection.BeginBinaryImport("COPY ledger_accounts (id, ledger, code, flags, debits_pending, debits_posted,"
            + " credits_pending, credits_posted, timestamp) FROM STDIN (FORMAT BINARY)");
        foreach (var a in accounts)
        {
            copy.StartRow();
            copy.Write(a.Id, NpgsqlDbType.Uuid);
            copy.Write(a.Ledger, NpgsqlDbType.Integer);
            copy.Write((int)a.Code, NpgsqlDbType.Integer);
            copy.Write((int)a.Flags, NpgsqlDbType.Integer);
            for (var i = 0; i < 4; i++)
            {
                copy.Write(0L, NpgsqlDbType.Bigint);
            }
            copy.Write(a.Timestamp, NpgsqlDbType.Bigint);
        }
        copy.Complete();
    }

    private void UpdateAccounts(List<AccountBalance> touched, NpgsqlTransaction tx)
    {
        if (touched.Count == 0)
        {
            return;
        }
        // A fixed lock order (sorted ids) so two writers of a future sharded ledger can never deadlock.
        var sorted = touched.ToArray();
        Array.Sort(sorted, (x, y) => x.Id.CompareTo(y.Id));
        using var cmd = new NpgsqlCommand(UpdateAccountsSql, _connection, tx);
        cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = sorted.Select(a => a.Id).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = sorted.Select(a => a.DebitsPending).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = sorted.Select(a => a.DebitsPosted).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = sorted.Select(a => a.CreditsPending).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = sorted.Select(a => a.CreditsPosted).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = sorted.Select(a => (int)a.Flags).ToArray() });
        cmd.ExecuteNonQuery();
    }

    private void CopyTransfers(List<StoredTransfer> transfers)
    {
        if (transfers.Count == 0)
        {
            return;
        }
        using var copy = _connection.BeginBinaryImport("COPY ledger_transfers (id, debit_account_id, credit_account_id, amount,"
            + " pending_id, timeout, ledger, code, flags, business_id, result, timestamp) FROM STDIN (FORMAT BINARY)");
        foreach (var s in transfers)
        {
            var t = s.Transfer;
            copy.StartRow();
            copy.Write(t.Id, NpgsqlDbType.Uuid);
            copy.Write(t.DebitAccountId, NpgsqlDbType.Uuid);
            copy.Write(t.CreditAccountId, NpgsqlDbType.Uuid);
            copy.Write(t.AmountFen, NpgsqlDbType.Bigint);
            if (t.PendingId == Guid.Empty)
            {
                copy.WriteNull();
            }
            else
            {
                copy.Write(t.PendingId, NpgsqlDbType.Uuid);
            }
            copy.Write((long)t.TimeoutSeconds, NpgsqlDbType.Bigint);
            copy.Write(t.Ledger, NpgsqlDbType.Integer);
            copy.Write((int)t.Code, NpgsqlDbType.Integer);
            copy.Write((int)t.Flags, NpgsqlDbType.Integer);
            copy.Write(t.BusinessId, NpgsqlDbType.Uuid);
            copy.Write((int)s.Result, NpgsqlDbType.Integer);
            copy.Write(s.Timestamp, NpgsqlDbType.Bigint);
        }
        copy.Complete();
    }

    private void CopyPendings(List<(Guid Id, long ExpiresAt)> opened)
    {
        if (opened.Count == 0)
        {
            return;
        }
        using var copy = _connection.BeginBinaryImport("COPY ledger_pending (id, status, expires_at) FROM STDIN (FORMAT BINARY)");
        foreach (var (id, expiresAt) in opened)
        {
            copy.StartRow();
            copy.Write(id, NpgsqlDbType.Uuid);
            copy.Write(0, NpgsqlDbType.Integer);
            copy.Write(expiresAt, NpgsqlDbType.Bigint);
        }
        copy.Complete();
    }

    private void ResolvePendings(List<(Guid Id, PendingStatus Status, long At)> resolved, NpgsqlTransaction tx)
    {
        if (resolved.Count == 0)
        {
            return;
        }
        using var cmd = new NpgsqlCommand(ResolvePendingSql, _connection, tx);
        cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = resolved.Select(r => r.Id).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = resolved.Select(r => (int)r.Status).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = resolved.Select(r => r.At).ToArray() });
        cmd.ExecuteNonQuery();
    }
}
