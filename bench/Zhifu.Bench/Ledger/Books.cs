using Zhifu.Bench.Results;
using Zhifu.Data;
using Zhifu.Data.Ledger;

namespace Zhifu.Bench.Ledger;

/// <summary>Runs the product's invariant checks on a database after a measurement: a fast ledger that loses money is no result.</summary>
internal static class Books
{
    public static async Task<BooksCheck> CheckAsync(DatabaseOptions options)
    {
        await using var db = options.CreateContext();
        var report = await new LedgerVerifier(db).VerifyAsync();
        // The benchmark writes no business records (payments, adjustments), so that one check fails by design here.
        var checks = report.Checks.Where(c => !c.Name.Contains("business record", StringComparison.Ordinal)).ToList();
        var failed = checks.Where(c => !c.Holds).Select(c => $"{c.Name}: {c.Detail}").ToList();
        return new BooksCheck(failed.Count == 0, failed.Count == 0 ? $"{checks.Count} checks hold" : string.Join("; ", failed));
    }
}
