using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Zhifu.Core.Banking;
using Zhifu.Server.Banking;

namespace Zhifu.Tests.Bank;

/// <summary>AddBankChannel as the server uses it: the simulator starts, recovers and stops with the host (SEC-3).</summary>
public sealed class BankChannelHostingTests(BankSimulatorFixture bank) : IClassFixture<BankSimulatorFixture>
{
    private static readonly DemoPerson ZhangSan = DemoCards.ZhangSan;
    private static readonly IdentityVerificationRequest ZhangSanAtIcbc = new("ICBC", ZhangSan.Name, ZhangSan.IdNumber, ZhangSan.Phone);

    [Fact]
    public async Task SEC3_without_a_bank_url_the_server_starts_the_simulator_restarts_it_when_it_dies_and_stops_it_with_the_host()
    {
        var ct = TestContext.Current.CancellationToken;
        var dataDir = Path.Combine(Path.GetTempPath(), "zhifu-bank-tests", Guid.NewGuid().ToString("N"));
        using var host = Host(new() { ["Bank:Url"] = "", ["Bank:DataDir"] = dataDir });
        await host.StartAsync(ct);
        try
        {
            await KillAndRecoverAsync(host, dataDir, ct);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static async Task KillAndRecoverAsync(IHost host, string dataDir, CancellationToken ct)
    {
        var channel = host.Services.GetRequiredService<IBankChannel>();
        var simulators = host.Services.GetRequiredService<BankSimulatorHost>();

        Assert.True((await channel.VerifyIdentityAsync(ZhangSanAtIcbc, ct)).Matched);
        var first = simulators.Simulator!.ProcessId;
        Assert.True(File.Exists(Path.Combine(dataDir, "bank.db")));

        using (var crashed = Process.GetProcessById(first))
        {
            crashed.Kill();
            await crashed.WaitForExitAsync(ct);
        }
        var outcomes = new List<BankOutcome>();
        do
        {
            Assert.True(outcomes.Count < 400, "the simulator did not come back");
            outcomes.Add((await channel.VerifyIdentityAsync(ZhangSanAtIcbc, ct)).Outcome);
            await Task.Delay(50, ct);
        }
        while (outcomes[^1] != BankOutcome.Succeeded);
        var second = simulators.Simulator!.ProcessId;
        await host.StopAsync(ct);

        // While it was down the channel said unknown, never failed (CARD-4).
        Assert.DoesNotContain(BankOutcome.Failed, outcomes);
        Assert.Equal(BankOutcome.Unknown, outcomes[0]);
        Assert.NotEqual(first, second);
        Assert.False(IsRunning(second));
    }

    [Fact]
    public async Task With_a_bank_url_the_server_uses_that_bank_and_starts_none()
    {
        var ct = TestContext.Current.CancellationToken;
        using var host = Host(new() { ["Bank:Url"] = bank.BaseAddress.AbsoluteUri, ["Bank:TimeoutMs"] = "2000" });
        await host.StartAsync(ct);

        var result = await host.Services.GetRequiredService<IBankChannel>().VerifyIdentityAsync(ZhangSanAtIcbc, ct);
        await host.StopAsync(ct);

        Assert.True(result.Matched);
        Assert.Null(host.Services.GetRequiredService<BankSimulatorHost>().Simulator);
    }

    [Fact]
    public async Task Invalid_bank_settings_stop_the_host_from_starting_with_the_reason()
    {
        using var host = Host(new() { ["Bank:Url"] = "http://127.0.0.1:1", ["Bank:TimeoutMs"] = "0" });

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Bank:TimeoutMs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CARD4_an_unreachable_bank_makes_every_call_unknown_never_failed()
    {
        var ct = TestContext.Current.CancellationToken;
        using var host = Host(new() { ["Bank:Url"] = $"http://127.0.0.1:{ClosedPort()}", ["Bank:QueryAttemptsMax"] = "2" });
        await host.StartAsync(ct);
        var channel = host.Services.GetRequiredService<IBankChannel>();
        var card = ZhangSan.Cards[0];
        var order = new BankMovementRequest("unreachable-1", card.Bank, card.CardNumber, 100);

        var debit = await channel.DebitAsync(order, ct);
        var credit = await channel.CreditAsync(order, ct);
        var query = await channel.QueryAsync(order.RequestId, ct);
        var reversal = await channel.ReverseAsync(new BankReversalRequest(order.RequestId, "unreachable-1-r"), ct);
        var identity = await channel.VerifyIdentityAsync(ZhangSanAtIcbc, ct);
        var statement = await channel.GetStatementAsync("ICBC", new DateOnly(2026, 1, 1), ct);
        await host.StopAsync(ct);

        Assert.Equal(
            [BankOutcome.Unknown, BankOutcome.Unknown, BankOutcome.Unknown, BankOutcome.Unknown, BankOutcome.Unknown],
            new[] { debit.Outcome, credit.Outcome, reversal.Outcome, identity.Outcome, statement.Outcome });
        Assert.Equal((BankTransactionStatus.Unknown, BankErrorCodes.TransportError), (query.Status, query.Code));
        Assert.Equal(BankErrorCodes.TransportError, debit.Code);
    }

    private static IHost Host(Dictionary<string, string?> settings)
    {
        // An empty builder: the test output folder holds the server's appsettings.json, which must not leak in.
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddBankChannel(builder.Configuration);
        return builder.Build();
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>A loopback port nobody listens on (bound and released at once).</summary>
    private static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
