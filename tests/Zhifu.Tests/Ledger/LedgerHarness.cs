using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Data.Ledger;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.Tests.Ledger;

/// <summary>A real ledger writer on a real database, with one adjustment record that explains the test's transfers.</summary>
public sealed class LedgerHarness : IAsyncDisposable
{
    private LedgerHarness(TestDatabase database, ManualClock clock, LedgerWriterOptions options, Guid businessId)
    {
        Database = database;
        Clock = clock;
        Options = options;
        BusinessId = businessId;
        Writer = Open();
    }

    public TestDatabase Database { get; }

    public ManualClock Clock { get; }

    public LedgerWriterOptions Options { get; }

    public LedgerWriter Writer { get; private set; }

    /// <summary>The adjustment record every test transfer names.</summary>
    public Guid BusinessId { get; }

    public static async Task<LedgerHarness> CreateAsync(LedgerWriterOptions? options = null)
    {
        var database = await TestDatabase.CreateAsync();
        var businessId = Guid.CreateVersion7();
        await using (var db = database.Options.CreateContext())
        {
            db.Adjustments.Add(new AdjustmentRow
            {
                Id = businessId,
                Kind = "test",
                Reason = "ledger test",
                CreatedBy = "tests",
                CreatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        return new LedgerHarness(database, clock, options ?? new LedgerWriterOptions(), businessId);
    }

    /// <summary>Stops the writer and starts a new one on the same database: balances must be rebuilt exactly.</summary>
    public void Restart()
    {
        Writer.Dispose();
        Writer = Open();
    }

    public async Task<Guid> AccountAsync(AccountCode code, AccountFlags flags = AccountFlags.None)
    {
        var id = Guid.CreateVersion7();
        var result = await Writer.CreateAccountsAsync([new NewAccount { Id = id, Ledger = Ledgers.Cny, Code = code, Flags = flags }],
            TestContext.Current.CancellationToken);
        Assert.Equal(CreateAccountResult.Ok, result[0]);
        return id;
    }

    public Transfer Move(Guid debit, Guid credit, long amount, TransferFlags flags = TransferFlags.None, Guid? id = null) => new()
    {
        Id = id ?? Guid.CreateVersion7(),
        DebitAccountId = debit,
        CreditAccountId = credit,
        AmountFen = amount,
        Ledger = Ledgers.Cny,
        Code = TransferCode.Adjustment,
        Flags = flags,
        BusinessId = BusinessId,
    };

    public async Task<TransferResult> SubmitAsync(Transfer transfer) => (await SubmitManyAsync([transfer]))[0];

    public Task<TransferResult[]> SubmitManyAsync(IReadOnlyList<Transfer> transfers) =>
        Writer.SubmitAsync(transfers, TestContext.Current.CancellationToken);

    public async Task<VerificationReport> VerifyAsync()
    {
        await using var db = Database.Options.CreateContext();
        return await new LedgerVerifier(db).VerifyAsync(TestContext.Current.CancellationToken);
    }

    public async Task AssertInvariantsAsync()
    {
        var report = await VerifyAsync();
        Assert.True(report.AllHold, string.Join("\n", report.Checks.Where(c => !c.Holds).Select(c => $"{c.Name}: {c.Detail}")));
    }

    public async ValueTask DisposeAsync()
    {
        Writer.Dispose();
        await Database.DisposeAsync();
    }

    private LedgerWriter Open() =>
        new(Databases.OpenLedgerStore(Database.Options, new SqliteTuning { Synchronous = "NORMAL" }), Clock, Options);
}
