using Microsoft.Extensions.Options;

namespace Zhifu.Server.Banking;

/// <summary>
/// Makes the bank channel's address known. With <c>Bank:Url</c> set it just uses it; when empty it starts zhifu-bank as a
/// child before the server takes requests, restarts it if it dies (SEC-3: recover automatically where possible), and stops
/// it with the server.
/// </summary>
internal sealed partial class BankSimulatorHost(
    IOptions<BankOptions> options, BankChannelAddress address, ILogger<BankSimulatorHost> logger) : IHostedService, IAsyncDisposable
{
    private BankSimulatorProcess? _simulator;
    private CancellationTokenSource? _stopping;
    private Task _supervision = Task.CompletedTask;

    /// <summary>The running child, when this host started one.</summary>
    public BankSimulatorProcess? Simulator => _simulator;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Url is { Length: > 0 } url)
        {
            address.Set(new Uri(url));
            LogUsingUrl(logger, address.BaseAddress!);
            return;
        }
        _simulator = await BankSimulatorProcess.StartAsync(Start(), logger, cancellationToken);
        address.Set(_simulator.BaseAddress);
        _stopping = new CancellationTokenSource();
        _supervision = SuperviseAsync(_stopping.Token);
    }

    /// <summary>Idempotent: the container may dispose this host twice (as itself and as a hosted service).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopping, null) is { } stopping)
        {
            await stopping.CancelAsync();
            await _supervision;
            stopping.Dispose();
        }
        if (Interlocked.Exchange(ref _simulator, null) is { } simulator)
        {
            await simulator.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    private async Task SuperviseAsync(CancellationToken stopping)
    {
        while (_simulator is { } running)
        {
            try
            {
                await running.WaitForExitAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            LogDied(logger, running.RecentOutput);
            _simulator = null;
            await running.DisposeAsync();
            // Until the new child answers, calls come back unknown (transport error), which CARD-4 handles.
            for (var attempt = 1; _simulator is null; attempt++)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(30_000, 125 << Math.Min(attempt, 8))), stopping);
                    _simulator = await BankSimulatorProcess.StartAsync(Start(), logger, stopping);
                    address.Set(_simulator.BaseAddress);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
                {
                    LogRestartFailed(logger, e, attempt);
                }
            }
        }
    }

    private BankSimulatorStart Start() =>
        new(options.Value.DataDir, TimeSpan.FromMilliseconds(options.Value.StartupTimeoutMs));

    [LoggerMessage(Level = LogLevel.Information, Message = "bank channel at {BaseAddress} (Bank:Url)")]
    private static partial void LogUsingUrl(ILogger logger, Uri baseAddress);

    [LoggerMessage(Level = LogLevel.Error, Message = "zhifu-bank exited unexpectedly; restarting it. Its last output:\n{Output}")]
    private static partial void LogDied(ILogger logger, string output);

    [LoggerMessage(Level = LogLevel.Error, Message = "zhifu-bank restart attempt {Attempt} failed")]
    private static partial void LogRestartFailed(ILogger logger, Exception exception, int attempt);
}
