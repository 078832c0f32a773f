namespace Zhifu.Server.Hosting;

/// <summary>
/// The loop every periodic worker runs: after <c>before</c> (e.g. waiting for the server to start), a round now — or first
/// after one period — then one each period; a failed round (even one cancelled by its own timeout) is logged (at
/// <c>level</c>) and the next one retries; only the host stopping ends the loop, quietly.
/// </summary>
public static class PeriodicWork
{
    public static async Task RunAsync(TimeSpan period, Func<CancellationToken, Task> round, ILogger logger, string failure,
        CancellationToken stoppingToken, Func<CancellationToken, Task>? before = null, bool firstRoundNow = true,
        LogLevel level = LogLevel.Error)
    {
        ArgumentNullException.ThrowIfNull(round);
        using var timer = new PeriodicTimer(period);
        try
        {
            if (before is not null)
            {
                await before(stoppingToken);
            }
            if (!firstRoundNow && !await timer.WaitForNextTickAsync(stoppingToken))
            {
                return;
            }
            do
            {
                try
                {
                    await round(stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
#pragma warning disable CA2254 // the message is each worker's constant
                    logger.Log(level, e, failure);
#pragma warning restore CA2254
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // the host is stopping: a normal end, not a failure
        }
    }
}
