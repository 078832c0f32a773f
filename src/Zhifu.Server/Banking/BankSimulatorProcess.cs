using System.Collections.Concurrent;
using System.Diagnostics;

namespace Zhifu.Server.Banking;

/// <summary>How to start zhifu-bank as a child process.</summary>
/// <param name="DataDir">Its data folder (made absolute here).</param>
/// <param name="StartupTimeout">How long it may take to answer /healthz.</param>
/// <param name="ExtraArguments">More command-line settings, e.g. <c>--Faults:TimeoutRate=0.2</c>.</param>
/// <param name="SimulatorPath">zhifu-bank.dll; by default the one beside the running program.</param>
internal sealed record BankSimulatorStart(
    string DataDir, TimeSpan StartupTimeout, IReadOnlyList<string>? ExtraArguments = null, string? SimulatorPath = null);

/// <summary>
/// A running zhifu-bank child: <c>dotnet zhifu-bank.dll --urls http://127.0.0.1:&lt;free port&gt; --data-dir &lt;dir&gt;</c>.
/// It is given our process id, so it stops by itself if we die without stopping it.
/// </summary>
internal sealed partial class BankSimulatorProcess : IAsyncDisposable
{
    public const string SimulatorFileName = "zhifu-bank.dll";
    private const int OutputLinesKept = 60;
    private const int PortAttemptsMax = 3;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _recentOutput = new();

    private BankSimulatorProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the simulator printed, for the error message when it will not start or dies.</summary>
    public string RecentOutput => string.Join('\n', _recentOutput);

    public static async Task<BankSimulatorProcess> StartAsync(BankSimulatorStart start, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        var simulator = start.SimulatorPath ?? Path.Combine(AppContext.BaseDirectory, SimulatorFileName);
        if (!File.Exists(simulator))
        {
            throw new FileNotFoundException(
                $"{SimulatorFileName} is not beside the server ({AppContext.BaseDirectory}); build Zhifu.Bank or set Bank:Url", simulator);
        }
        for (var attempt = 1; ; attempt++)
        {
            // A free port can be taken by someone else before the child binds it; then the child exits and we pick again.
            var process = Launch(simulator, FreeLoopbackPort(), start, logger);
            try
            {
                await process.WaitHealthyAsync(start.StartupTimeout, cancellationToken);
                LogStarted(logger, process.ProcessId, process.BaseAddress);
                return process;
            }
            catch (Exception) when (attempt < PortAttemptsMax && process.HasExited && !cancellationToken.IsCancellationRequested)
            {
                LogRetrying(logger, process.RecentOutput);
                await process.DisposeAsync();
            }
            catch
            {
                await process.DisposeAsync();
                throw;
            }
        }
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>Asks the simulator to shut down (it finishes its requests and closes its database), and kills it if it will not.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
                using var response = await http.PostAsync(new Uri(BaseAddress, "admin/shutdown"), null);
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }
        _process.Dispose();
    }
}
