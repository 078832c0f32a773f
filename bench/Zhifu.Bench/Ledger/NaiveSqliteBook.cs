using Microsoft.Data.Sqlite;
using Zhifu.Core.Ledger;

namespace Zhifu.Bench.Ledger;

/// <summary>
/// The naive baseline on SQLite through Microsoft.Data.Sqlite: the same durability as the writer (WAL, synchronous=FULL,
/// same checkpoint and cache settings), one <c>BEGIN IMMEDIATE … COMMIT</c> per transfer. One caller: SQLite admits one
/// writer at a time, so more connections would only queue on the lock (and sleep in its busy handler).
/// </summary>
internal sealed class NaiveSqliteBook : INaiveBook
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _readAccount;
    private readonly SqliteCommand _debit;
    private readonly SqliteCommand _credit;
    private readonly SqliteCommand _insertTransfer;

    private NaiveSqliteBook(SqliteConnection connection)
    {
        _connection = connection;
        _readAccount = Command("SELECT flags, debits_pending, debits_posted, credits_posted FROM ledger_accounts WHERE id = $id", "$id");
        _debit = Command("UPDATE ledger_accounts SET debits_posted = debits_posted + $amount WHERE id = $id", "$id", "$amount");
        _credit = Command("UPDATE ledger_accounts SET credits_posted = credits_posted + $amount WHERE id = $id", "$id", "$amount");
        _insertTransfer = Command("INSERT INTO ledger_transfers (id, debit_account_id, credit_account_id, amount, timeout, ledger, code,"
            + " flags, business_id, result, timestamp) VALUES ($id, $debit, $credit, $amount, 0, $ledger, $code, 0, $business, $result,"
            + " $timestamp)", "$id", "$debit", "$credit", "$amount", "$ledger", "$code", "$business", "$result", "$timestamp");
    }

    public static async Task<INaiveBook> OpenAsync(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using (var pragmas = connection.CreateCommand())
        {
            pragmas.CommandText = "PRAGMA synchronous=FULL; PRAGMA wal_autocheckpoint=10000; PRAGMA cache_size=-65536;";
            await pragmas.ExecuteNonQueryAsync();
        }
        return new NaiveSqliteBook(connection);
    }

    public ValueTask<TransferResult> PayAsync(Transfer payment)
    {
        // IMMEDIATE: take the write lock before reading the balances the overdraft rule is checked against.
        using var tx = _connection.BeginTransaction(deferred: false);
        var payer = ReadAccount(tx, payment.DebitAccountId);
        var payee = ReadAccount(tx, payment.CreditAccountId);
        var result = payer is not { } p ? TransferResult.DebitAccountNotFound
            : payee is null ? TransferResult.CreditAccountNotFound
            : (p.Flags & AccountFlags.DebitsMustNotExceedCredits) != 0 && p.Debits + payment.AmountFen > p.CreditsPosted
                ? TransferResult.ExceedsCredits
                : TransferResult.Ok;
        if (result == TransferResult.Ok)
        {
            Move(_debit, tx, payment.DebitAccountId, payment.AmountFen);
            Move(_credit, tx, payment.CreditAccountId, payment.AmountFen);
        }
        // A refused transfer is stored too, as the ledger stores a first failure (its id answers the same outcome later).
        var insert = _insertTransfer;
        insert.Transaction = tx;
        insert.Parameters[0].Value = payment.Id.ToByteArray(bigEndian: true);
        insert.Parameters[1].Value = payment.DebitAccountId.ToByteArray(bigEndian: true);
        insert.Parameters[2].Value = payment.CreditAccountId.ToByteArray(bigEndian: true);
        insert.Parameters[3].Value = payment.AmountFen;
        insert.Parameters[4].Value = payment.Ledger;
        insert.Parameters[5].Value = (int)payment.Code;
        insert.Parameters[6].Value = payment.BusinessId.ToByteArray(bigEndian: true);
        insert.Parameters[7].Value = (int)result;
        insert.Parameters[8].Value = NaiveTimestamps.Next();
        insert.ExecuteNonQuery();
        tx.Commit();
        return ValueTask.FromResult(result);
    }

    public ValueTask DisposeAsync()
    {
        foreach (var command in new[] { _readAccount, _debit, _credit, _insertTransfer })
        {
            command.Dispose();
        }
        _connection.Dispose();
        return ValueTask.CompletedTask;
    }

    private (AccountFlags Flags, long Debits, long CreditsPosted)? ReadAccount(SqliteTransaction tx, Guid id)
    {
        _readAccount.Transaction = tx;
        _readAccount.Parameters[0].Value = id.ToByteArray(bigEndian: true);
        using var reader = _readAccount.ExecuteReader();
        return reader.Read() ? ((AccountFlags)reader.GetInt32(0), reader.GetInt64(1) + reader.GetInt64(2), reader.GetInt64(3)) : null;
    }

    private static void Move(SqliteCommand command, SqliteTransaction tx, Guid account, long amountFen)
    {
        command.Transaction = tx;
        command.Parameters[0].Value = account.ToByteArray(bigEndian: true);
        command.Parameters[1].Value = amountFen;
        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        return command;
    }
}
