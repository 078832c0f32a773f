using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Zhifu.Data;

/// <summary>
/// Lets SQLite itself wait for a lock on every EF connection, and wake the writers waiting for one when it commits
/// (<see cref="SqliteBusyWait"/>, set on the native connection as it opens: no statement). Without it Microsoft.Data.Sqlite answers SQLITE_BUSY by sleeping 150 ms before each retry, so a
/// write that meets the ledger's commit stalls for 150 ms instead of the fraction of a millisecond the commit takes.
/// </summary>
internal sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    public static SqliteBusyTimeout Instance { get; } = new();

    /// <summary>The longest SQLite waits for a lock before answering busy, in milliseconds.</summary>
    private const int BusyTimeoutMs = 5_000;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle })
        {
            SqliteBusyWait.Install(handle, BusyTimeoutMs);
            SqliteBusyWait.SignalCommits(handle, SqliteBusyWait.DefaultCheckpointPages);
        }
    }
}
