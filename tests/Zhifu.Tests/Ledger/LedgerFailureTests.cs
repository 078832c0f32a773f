using Microsoft.Data.Sqlite;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Ledger;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.Tests.Ledger;

/// <summary>SEC-3: when the database cannot commit, callers learn that nothing was applied, and the ledger recovers.</summary>
public sealed class LedgerFailureTests
{
    [Fact]
    public async Task A_batch_the_database_refuses_is_rolled_back_and_the_ledger_recovers()
    {
        Assert.SkipWhen(TestDatabase.PostgresServer is not null, "holds a SQLite write lock from another connection");
        await using var database = await TestDatabase.CreateAsync();
        var businessId = Guid.CreateVersion7();
        using var writer = new LedgerWriter(
            Databases.OpenLedgerStore(database.Options, new SqliteTuning { Synchronous = "NORMAL", BusyTimeoutMs = 50 }),
            SystemClock.Instance, new LedgerWriterOptions { CommitAttemptsMax = 2 });
        var ct = TestContext.Current.CancellationToken;
        var (wallet, fund) = await FundedWalletAsync(writer);
        Transfer Fund(long amount) => fund(amount) with { BusinessId = businessId };
        Assert.Equal([TransferResult.Ok], await writer.SubmitAsync([Fund(100)], ct));

        var refused = Fund(50);
        await using (var blocker = new SqliteConnection(database.Options.ConnectionString))
        {
            await blocker.OpenAsync(ct);
            await using var begin = blocker.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync(ct);
            await Assert.ThrowsAsync<LedgerUnavailableException>(() => writer.SubmitAsync([refused], ct));
            Assert.Equal(100, writer.GetAccount(wallet)!.Value.CreditsPosted);
            begin.CommandText = "ROLLBACK";
            await begin.ExecuteNonQueryAsync(ct);
        }

        // Nothing of the refused batch stuck: the same id applies now, once.
        Assert.Equal([TransferResult.Ok], await writer.SubmitAsync([refused], ct));
        Assert.Equal([TransferResult.Exists], await writer.SubmitAsync([refused], ct));
        Assert.Equal(150, writer.GetAccount(wallet)!.Value.CreditsPosted);
    }

    [Fact]
    public async Task PostgreSQL_dropping_the_ledgers_connection_costs_one_batch_not_the_ledger()
    {
        Assert.SkipWhen(TestDatabase.PostgresServer is null, "terminates a PostgreSQL backend");
        await using var database = await TestDatabase.CreateAsync();
        var ct = TestContext.Current.CancellationToken;
        using var writer = new LedgerWriter(Databases.OpenLedgerStore(database.Options, new SqliteTuning()), SystemClock.Instance,
            new LedgerWriterOptions { CommitAttemptsMax = 2 });
        var (wallet, fund) = await FundedWalletAsync(writer);
        Assert.Equal([TransferResult.Ok], await writer.SubmitAsync([fund(100)], ct));

        // the server drops every other connection to the database (a restart, a failover, an idle kill)
        await using (var admin = new Npgsql.NpgsqlConnection(database.Options.ConnectionString))
        {
            await admin.OpenAsync(ct);
            await using var kill = new Npgsql.NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", admin);
            Assert.True((long)(await kill.ExecuteScalarAsync(ct))! >= 1);
        }

        Assert.Equal([TransferResult.Ok], await writer.SubmitAsync([fund(50)], ct)); // the retry opens the connection again
        Assert.Equal(150, writer.GetAccount(wallet)!.Value.CreditsPosted);
        Assert.Equal([TransferResult.Ok], await writer.SubmitAsync([fund(1)], ct));
    }

    /// <summary>A custody account and a wallet that cannot go negative, and the transfer that funds the wallet from custody.</summary>
    private static async Task<(Guid Wallet, Func<long, Transfer> Fund)> FundedWalletAsync(LedgerWriter writer)
    {
        var (custody, wallet) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await writer.CreateAccountsAsync([
            new NewAccount { Id = custody, Ledger = Ledgers.Cny, Code = AccountCode.CustodyReserve },
            new NewAccount { Id = wallet, Ledger = Ledgers.Cny, Code = AccountCode.UserWallet, Flags = AccountFlags.DebitsMustNotExceedCredits },
        ], TestContext.Current.CancellationToken);
        return (wallet, amount => new Transfer
        {
            Id = Guid.CreateVersion7(), DebitAccountId = custody, CreditAccountId = wallet, AmountFen = amount,
            Ledger = Ledgers.Cny, Code = TransferCode.Adjustment, BusinessId = Guid.CreateVersion7(),
        });
    }
}
