using System.Diagnostics;

namespace Zhifu.Bank.Hosting;

/// <summary>
/// With <c>--parent-pid</c>, stops the simulator when the server that started it is gone, so a crashed or killed
/// server does not leave an orphan bank holding the port and the database file.
/// </summary>
internal sealed class ParentProcessWatch(IConfiguration configuration, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!int.TryParse(configuration["Bank:ParentPid"], out var parentPid))
        {
            return;
        }
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!IsRunning(parentPid))
            {
                lifetime.StopApplication();
                return;
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
