using Npgsql;
using Zhifu.Core.Ledger;

namespace Zhifu.Bench.Ledger;

/// <summary>
/// The naive baseline on PostgreSQL through Npgsql: one transaction per transfer with prepared statements. Both account rows
/// are locked (<c>FOR UPDATE</c>) in a fixed order before the overdraft check, the usual way to keep concurrent callers
/// correct without deadlocks; concurrent callers then share WAL flushes, which is PostgreSQL's own group commit.
/// </summary>
internal sealed class NaivePostgresBook : INaiveBook
{
    private const int DeadlockRetriesMax = 5;

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlCommand _lockAccount;
    private readonly NpgsqlCommand _debit;
    private readonly NpgsqlCommand _credit;
    private readonly NpgsqlCommand _insertTransfer;

    private NaivePostgresBook(NpgsqlConnection connection)
    {
        _connection = connection;
        _lockAccount = new NpgsqlCommand("SELECT flags, debits_pending + debits_posted, credits_posted FROM ledger_accounts"
            + " WHERE id = $1 FOR UPDATE", connection) { Parameters = { new NpgsqlParameter<Guid>() } };
        _debit = new NpgsqlCommand("UPDATE ledger_accounts SET debits_posted = debits_posted + $2 WHERE id = $1", connection)
        {
            Parameters = { new NpgsqlParameter<Guid>(), new NpgsqlParameter<long>() },
        };
        _credit = new NpgsqlCommand("UPDATE ledger_accounts SET credits_posted = credits_posted + $2 WHERE id = $1", connection)
        {
            Parameters = { new NpgsqlParameter<Guid>(), new NpgsqlParameter<long>() },
        };
        _insertTransfer = new NpgsqlCommand("INSERT INTO ledger_transfers (id, debit_account_id, credit_account_id, amount, timeout,"
            + " ledger, code, flags, business_id, result, timestamp) VALUES ($1, $2, $3, $4, 0, $5, $6, 0, $7, $8, $9)", connection)
        {
            Parameters =
            {
                new NpgsqlParameter<Guid>(), new NpgsqlParameter<Guid>(), new NpgsqlParameter<Guid>(), new NpgsqlParameter<long>(),
                new NpgsqlParameter<int>(), new NpgsqlParameter<int>(), new NpgsqlParameter<Guid>(), new NpgsqlParameter<int>(),
                new NpgsqlParameter<long>(),
            },
        };
    }

    public static async Task<INaiveBook> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var book = new NaivePostgresBook(connection);
        foreach (var command in new[] { book._lockAccount, book._debit, book._credit, book._insertTransfer })
        {
            await command.PrepareAsync();
        }
        return book;
    }

    public async ValueTask<TransferResult> PayAsync(Transfer payment)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryPayAsync(payment);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure
                && attempt < DeadlockRetriesMax)
            {
                // Not expected with the fixed lock order; retried as a production caller would.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in new[] { _lockAccount, _debit, _credit, _insertTransfer })
        {
            await command.DisposeAsync();
        }
        await _connection.DisposeAsync();
    }

    private async Task<TransferResult> TryPayAsync(Transfer payment)
    {
        await using var tx = await _connection.BeginTransactionAsync();
        var payerFirst = payment.DebitAccountId.CompareTo(payment.CreditAccountId) < 0;
        var first = await LockAsync(payerFirst ? payment.DebitAccountId : payment.CreditAccountId);
        var second = await LockAsync(payerFirst ? payment.CreditAccountId : payment.DebitAccountId);
        var payer = payerFirst ? first : second;
        var payee = payerFirst ? second : first;
        var result = payer is not { } p ? TransferResult.DebitAccountNotFound
            : payee is null ? TransferResult.CreditAccountNotFound
            : (p.Flags & AccountFlags.DebitsMustNotExceedCredits) != 0 && p.Debits + payment.AmountFen > p.CreditsPosted
                ? TransferResult.ExceedsCredits
                : TransferResult.Ok;
        if (result == TransferResult.Ok)
        {
            await MoveAsync(_debit, payment.DebitAccountId, payment.AmountFen);
            await MoveAsync(_credit, payment.CreditAccountId, payment.AmountFen);
        }
        // A refused transfer is stored too, as the ledger stores a first failure (its id answers the same outcome later).
        var values = _insertTransfer.Parameters;
        ((NpgsqlParameter<Guid>)values[0]).TypedValue = payment.Id;
        ((NpgsqlParameter<Guid>)values[1]).TypedValue = payment.DebitAccountId;
        ((NpgsqlParameter<Guid>)values[2]).TypedValue = payment.CreditAccountId;
        ((NpgsqlParameter<long>)values[3]).TypedValue = payment.AmountFen;
        ((NpgsqlParameter<int>)values[4]).TypedValue = payment.Ledger;
        ((NpgsqlParameter<int>)values[5]).TypedValue = payment.Code;
        ((NpgsqlParameter<Guid>)values[6]).TypedValue = payment.BusinessId;
        ((NpgsqlParameter<int>)values[7]).TypedValue = (int)result;
        ((NpgsqlParameter<long>)values[8]).TypedValue = NaiveTimestamps.Next();
        await _insertTransfer.ExecuteNonQueryAsync();
        await tx.CommitAsync();
        return result;
    }

    private async Task<(AccountFlags Flags, long Debits, long CreditsPosted)?> LockAsync(Guid id)
    {
        ((NpgsqlParameter<Guid>)_lockAccount.Parameters[0]).TypedValue = id;
        await using var reader = await _lockAccount.ExecuteReaderAsync();
        return await reader.ReadAsync() ? ((AccountFlags)reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2)) : null;
    }

    private static async Task MoveAsync(NpgsqlCommand command, Guid account, long amountFen)
    {
        ((NpgsqlParameter<Guid>)command.Parameters[0]).TypedValue = account;
        ((NpgsqlParameter<long>)command.Parameters[1]).TypedValue = amountFen;
        await command.ExecuteNonQueryAsync();
    }
}
