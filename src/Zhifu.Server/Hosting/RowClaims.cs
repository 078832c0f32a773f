using Microsoft.EntityFrameworkCore;
using Zhifu.Core;

namespace Zhifu.Server.Hosting;

/// <summary>
/// A claim on one row, held in a nullable timestamp column by one conditional UPDATE: one holder at a time across every
/// server of the platform (an in-process lock holds only within one). A holder that died loses its claim after the lapse.
/// Used where a decision reads totals and then acts on them: passwordless charges of one agreement (PWL-3), transfers of one
/// payer (TRF-3).
/// </summary>
public static class RowClaims
{
    /// <summary>How often a waiting claimant looks again.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    /// <remarks>The claiming statement itself is not cancelled: a claim taken by a request dropped meanwhile would stay until the
    /// lapse, its holder never reaching the release. Only the wait between tries is.</remarks>
    /// <returns>The claim's time once this caller holds the row; null when another holder kept it past <paramref name="waitMax"/>.</returns>
    public static async Task<DateTimeOffset?> ClaimAsync<TRow>(IQueryable<TRow> row, string column, IClock clock, TimeSpan waitMax,
        TimeSpan lapse, CancellationToken ct) where TRow : class
    {
        ArgumentNullException.ThrowIfNull(clock);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var now = clock.UtcNow;
            var lapsed = now - lapse;
            if (await row.Where(r => EF.Property<DateTimeOffset?>(r, column) == null || EF.Property<DateTimeOffset?>(r, column) < lapsed)
                    .ExecuteUpdateAsync(set => set.SetProperty(r => EF.Property<DateTimeOffset?>(r, column), now), CancellationToken.None) == 1)
            {
                return now;
            }
            if (waited.Elapsed >= waitMax)
            {
                return null;
            }
            await Task.Delay(Poll, ct);
        }
    }

    /// <summary>Gives the claim taken at <paramref name="at"/> back (a claim that lapsed and was taken by another stays theirs).</summary>
    public static Task<int> ReleaseAsync<TRow>(IQueryable<TRow> row, string column, DateTimeOffset at) where TRow : class =>
        row.Where(r => EF.Property<DateTimeOffset?>(r, column) == at)
            .ExecuteUpdateAsync(set => set.SetProperty(r => EF.Property<DateTimeOffset?>(r, column), (DateTimeOffset?)null), CancellationToken.None);
}
