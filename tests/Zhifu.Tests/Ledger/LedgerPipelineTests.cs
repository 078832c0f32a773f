using Microsoft.Data.Sqlite;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Ledger;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.Tests.Ledger;

/// <summary>
/// The writer applies the next batch while the store commits the previous one. When that commit fails, the batch applied on
/// top of it was computed on balances that never became durable: both must be rolled back and replayed, and every caller must
/// get the outcome of what was finally stored (SEC-3, architecture.md "One writer, batched").
/// </summary>
public sealed class LedgerPipelineTests
{
    [Fact]
    public async Task A_failed_commit_rolls_back_the_batch_applied_on_top_of_it_and_both_are_replayed_once()
    {
        Assert.SkipWhen(TestDatabase.PostgresServer is not null, "holds a SQLite write lock from another connection");
        await using var database = await TestDatabase.CreateAsync();
        var ct = TestContext.Current.CancellationToken;
        using var writer = new LedgerWriter(
            Databases.OpenLedgerStore(database.Options, new SqliteTuning { Synchronous = "NORMAL", BusyTimeoutMs = 300 }),
            SystemClock.Instance, new LedgerWriterOptions { CommitAttemptsMax = 3 });
        var custody = Guid.CreateVersion7();
        var wallet = Guid.CreateVersion7();
        var shop = Guid.CreateVersion7();
        await writer.CreateAccountsAsync([
            new NewAccount { Id = custody, Ledger = Ledgers.Cny, Code = AccountCode.CustodyReserve },
            new NewAccount { Id = wallet, Ledger = Ledgers.Cny, Code = AccountCode.UserWallet, Flags = AccountFlags.DebitsMustNotExceedCredits },
            new NewAccount { Id = shop, Ledger = Ledgers.Cny, Code = AccountCode.UserWallet, Flags = AccountFlags.DebitsMustNotExceedCredits },
        ], ct);
        var businessId = Guid.CreateVersion7();
        Transfer Move(Guid from, Guid to, long amount) => new()
        {
            Id = Guid.CreateVersion7(), DebitAccountId = from, CreditAccountId = to, AmountFen = amount,
            Ledger = Ledgers.Cny, Code = TransferCode.Adjustment, BusinessId = businessId,
        };
        var funding = Move(custody, wallet, 100);
        // Spends what the funding brings: valid only on top of the first batch, so it must be replayed after it, not before.
        var spend = Move(wallet, shop, 80);
        var overspend = Move(wallet, shop, 30);

        await using (var blocker = new SqliteConnection(database.Options.ConnectionString))
        {
            await blocker.OpenAsync(ct);
            await using var lockDb = blocker.CreateCommand();
            lockDb.CommandText = "BEGIN IMMEDIATE";
            await lockDb.ExecuteNonQueryAsync(ct);
            var first = writer.SubmitAsync([funding], ct);
            await Task.Delay(100, ct); // the first batch is now waiting on the lock inside the store
            var second = writer.SubmitAsync([spend, overspend], ct);
            await Task.Delay(400, ct); // the first commit has failed; its replay waits on the lock
            lockDb.CommandText = "ROLLBACK";
            await lockDb.ExecuteNonQueryAsync(ct);

            Assert.Equal([TransferResult.Ok], await first);
            Assert.Equal([TransferResult.Ok, TransferResult.ExceedsCredits], await second);
        }

        Assert.Equal([TransferResult.Exists], await writer.SubmitAsync([funding], ct));
        var balance = writer.GetAccount(wallet)!.Value;
        Assert.Equal(100, balance.CreditsPosted);
        Assert.Equal(80, balance.DebitsPosted);
        Assert.Equal(80, writer.GetAccount(shop)!.Value.CreditsPosted);
        await using var db = database.Options.CreateContext();
        var stored = db.LedgerTransfers.Where(t => t.BusinessId == businessId).ToList();
        Assert.Equal(3, stored.Count);
        Assert.Equal(2, stored.Count(t => t.Result == (int)TransferResult.Ok));
    }
}
