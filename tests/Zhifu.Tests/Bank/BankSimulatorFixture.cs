using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Zhifu.Core.Banking;
using Zhifu.Server.Banking;

namespace Zhifu.Tests.Bank;

/// <summary>
/// A real zhifu-bank process on a free loopback port over a fresh temporary data folder, started the way the server starts it.
/// Use as a class fixture; tests that change faults or totals should have their own (subclass and pass arguments).
/// </summary>
public class BankSimulatorFixture : IAsyncLifetime
{
    private readonly string[] _arguments;
    private BankSimulatorProcess? _simulator;

    public BankSimulatorFixture()
        : this([])
    {
    }

    /// <param name="arguments">Extra simulator settings, e.g. <c>--Faults:TimeoutRate=0.2</c>.</param>
    protected BankSimulatorFixture(params string[] arguments) => _arguments = arguments;

    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "zhifu-bank-tests", Guid.NewGuid().ToString("N"));

    public Uri BaseAddress => _simulator?.BaseAddress ?? throw new InvalidOperationException("the simulator has not started");

    /// <summary>Plain HTTP to the simulator, for the admin API and for raw requests.</summary>
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public BankAdminClient Admin => new(Http, BaseAddress);

    /// <summary>The platform's client as the server builds it, with its own timeout.</summary>
    public IBankChannel NewChannel(int timeoutMs = 3000, int queryAttemptsMax = 3) =>
        new HttpBankChannel(new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, new BankChannelAddress(BaseAddress),
            Options.Create(new BankOptions { TimeoutMs = timeoutMs, QueryAttemptsMax = queryAttemptsMax }),
            NullLogger<HttpBankChannel>.Instance);

    public async ValueTask InitializeAsync()
    {
        var start = new BankSimulatorStart(DataDir, TimeSpan.FromSeconds(60), _arguments);
        _simulator = await BankSimulatorProcess.StartAsync(start, NullLogger.Instance, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_simulator is not null)
        {
            await _simulator.DisposeAsync();
        }
        Http.Dispose();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; never fail a run over it.
        }
        GC.SuppressFinalize(this);
    }
}

/// <summary>A simulator with 20 % timeouts and 20 % unknown answers, held 1.5 s, on fixed dice (CARD-4 drills).</summary>
public sealed class FaultyBankSimulatorFixture() : BankSimulatorFixture(
    "--Faults:TimeoutRate=0.2", "--Faults:UnknownRate=0.2", "--Faults:TimeoutHoldMs=1500", "--Faults:Seed=20240601");
