using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Zhifu.Server.Banking;

/// <summary>Starting the child: the command line, the dotnet host to run it with, its output and its health.</summary>
internal sealed partial class BankSimulatorProcess
{
    private static BankSimulatorProcess Launch(string simulator, int port, BankSimulatorStart start, ILogger logger)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var info = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(simulator)!,
        };
        string[] arguments = [simulator, "--urls", baseAddress.AbsoluteUri.TrimEnd('/'), "--data-dir", Path.GetFullPath(start.DataDir),
            "--parent-pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture)];
        foreach (var argument in arguments.Concat(start.ExtraArguments ?? []))
        {
            info.ArgumentList.Add(argument);
        }
        var process = new Process { StartInfo = info };
        var simulatorProcess = new BankSimulatorProcess(process, baseAddress);
        process.OutputDataReceived += (_, e) => simulatorProcess.Remember(e.Data, logger);
        process.ErrorDataReceived += (_, e) => simulatorProcess.Remember(e.Data, logger);
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            throw;
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return simulatorProcess;
    }

    private async Task WaitHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var started = Stopwatch.GetTimestamp();
        while (!HasExited && Stopwatch.GetElapsedTime(started) < timeout)
        {
            if (await IsHealthyAsync(http, cancellationToken))
            {
                return;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
        throw new InvalidOperationException(
            $"zhifu-bank did not become healthy at {BaseAddress} within {timeout} (exited: {HasExited}). Its last output:\n{RecentOutput}");
    }

    private async Task<bool> IsHealthyAsync(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(BaseAddress, "healthz"), cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private void Remember(string? line, ILogger logger)
    {
        if (line is null)
        {
            return;
        }
        _recentOutput.Enqueue(line);
        while (_recentOutput.Count > OutputLinesKept && _recentOutput.TryDequeue(out _))
        {
        }
        LogOutput(logger, line);
    }

    /// <summary>
    /// The dotnet muxer: ours when we run under it, else the SDK's, else the shared install beside the runtime, else PATH.
    /// </summary>
    private static string DotnetHost()
    {
        var executable = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } self && Path.GetFileName(self) == executable)
        {
            return self;
        }
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } sdkHost && File.Exists(sdkHost))
        {
            return sdkHost;
        }
        // <root>/shared/Microsoft.NETCore.App/<version>/ holds the runtime; the muxer sits in <root>.
        var root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        var beside = Path.Combine(root, executable);
        return File.Exists(beside) ? beside : executable;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "zhifu-bank started (pid {ProcessId}) at {BaseAddress}")]
    private static partial void LogStarted(ILogger logger, int processId, Uri baseAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "zhifu-bank exited while starting; trying another port. Its output:\n{Output}")]
    private static partial void LogRetrying(ILogger logger, string output);

    [LoggerMessage(Level = LogLevel.Debug, Message = "zhifu-bank: {Line}")]
    private static partial void LogOutput(ILogger logger, string line);
}
