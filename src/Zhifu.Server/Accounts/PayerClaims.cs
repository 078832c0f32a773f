using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Entities;
using Zhifu.Server.Hosting;

namespace Zhifu.Server.Accounts;

/// <summary>
/// One money-out decision per payer at a time, on whichever server: a wallet transfer, a transfer to a card and a withdrawal of
/// one wallet are decided and started one after another, so the day totals (TRF-3) and the risk engine's velocity windows
/// (RISK-2: R003's "transfers and withdrawals in 24 hours") each see the ones before — parallel requests cannot all pass a
/// check that counts them. A claim on the payer's row (<see cref="RowClaims"/>), and inside it the payer's turn in this process
/// (<see cref="PayerTurns"/>), which payments take too: the velocity windows count a payer's payments, transfers and
/// withdrawals one after another.
/// </summary>
public sealed class PayerClaims(DatabaseOptions database, PayerTurns turns, IClock clock)
{
    /// <summary>How long a movement waits for another of the same payer to be decided before asking to try again.</summary>
    public static readonly TimeSpan WaitMax = TimeSpan.FromSeconds(10);

    /// <summary>A claim lapses after this (the server deciding it died).</summary>
    public static readonly TimeSpan Lapse = TimeSpan.FromMinutes(2);

    /// <summary>The claim, given back when disposed; null when another movement of the payer held it past <see cref="WaitMax"/>.</summary>
    public async Task<IAsyncDisposable?> ClaimAsync(Guid payerId, CancellationToken cancellationToken)
    {
        var db = database.CreateContext();
        var row = db.Set<UserRow>().Where(u => u.Id == payerId);
        var at = await RowClaims.ClaimAsync(row, nameof(UserRow.TransferringSince), clock, WaitMax, Lapse, cancellationToken);
        if (at is null)
        {
            await db.DisposeAsync();
            return null;
        }
        var claim = new Claim(db, row, at.Value);
        try
        {
            claim.Turn = await turns.TakeAsync(payerId, cancellationToken);
        }
        finally
        {
            if (claim.Turn is null)
            {
                await claim.DisposeAsync(); // a payment of the payer held the turn past the wait (or the request was cancelled)
            }
        }
        return claim.Turn is null ? null : claim;
    }

    private sealed class Claim(ZhifuDb db, IQueryable<UserRow> row, DateTimeOffset at) : IAsyncDisposable
    {
        public IDisposable? Turn { get; set; }

        public async ValueTask DisposeAsync()
        {
            Turn?.Dispose();
            await RowClaims.ReleaseAsync(row, nameof(UserRow.TransferringSince), at);
            await db.DisposeAsync();
        }
    }
}
