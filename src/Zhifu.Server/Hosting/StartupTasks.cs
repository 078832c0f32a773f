using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Zhifu.Server.Ledger;

namespace Zhifu.Server.Hosting;

/// <summary>
/// Runs before the server takes requests: the institution's chart of accounts, the demo world (once, unless
/// <c>Demo:Seed=false</c>) and its face-pay terminal (unless <c>Demo:FaceTerminal=false</c>); then prints where the platform listens and how to sign in.
/// </summary>
public sealed class StartupTasks(
    InstitutionChart chart, DemoWorld demo, IConfiguration configuration, IServer server, IHostApplicationLifetime lifetime,
    ServerSettings settings, IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await chart.EnsureAsync(cancellationToken);
        if (configuration.GetValue("Demo:Seed", true))
        {
            await demo.SeedAsync(cancellationToken);
            if (configuration.GetValue("Demo:FaceTerminal", true))
            {
                await services.GetRequiredService<Face.FaceDemo>().SeedAsync(cancellationToken);
            }
        }
        lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            if (configuration.GetValue("Demo:PrintBanner", true))
            {
                var bank = services.GetService<Banking.BankChannelAddress>()?.BaseAddress;
                Banner.Print(addresses.FirstOrDefault() ?? ServerSettings.DefaultUrl, settings, bank);
            }
        });
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
