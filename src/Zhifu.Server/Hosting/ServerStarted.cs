namespace Zhifu.Server.Hosting;

/// <summary>What background workers wait for before their first round.</summary>
public static class ServerStarted
{
    /// <summary>
    /// Completes once every start task ran: the ledger store opens its database exclusively while it sets itself up, so a
    /// worker that reads the database must not start before.
    /// </summary>
    public static async Task WaitAsync(IHostApplicationLifetime lifetime, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(lifetime);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }
    }
}
