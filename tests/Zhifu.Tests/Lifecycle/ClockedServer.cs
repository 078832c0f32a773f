using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Core;
using Zhifu.Data;
using Zhifu.Data.Ledger;
using Zhifu.Server.Hosting;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.Tests.Lifecycle;

/// <summary>
/// The real server, as <see cref="ZhifuTestServer"/> starts it, but on a <see cref="ManualClock"/> the test moves: the
/// lifecycle's rules are time rules (dormancy months, penalty years), and tests move the clock instead of waiting.
/// </summary>
internal sealed class ClockedServer : IAsyncDisposable
{
    private readonly string[] _extraArgs;
    private WebApplication _app;

    private ClockedServer(TestDatabase database, ManualClock clock, WebApplication app, string[] extraArgs) =>
        (Database, Clock, _app, _extraArgs) = (database, clock, app, extraArgs);

    public TestDatabase Database { get; }

    public ManualClock Clock { get; }

    public IServiceProvider Services => _app.Services;

    public Uri BaseAddress => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public static async Task<ClockedServer> StartAsync(params string[] extraArgs)
    {
        var database = await TestDatabase.CreateAsync();
        await Databases.MigrateAsync(database.Options);
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        return new ClockedServer(database, clock, await LaunchAsync(database, clock, extraArgs), extraArgs);
    }

    /// <summary>Stops the server and starts it again on the same data and clock (it listens on a new port).</summary>
    public async Task RestartAsync()
    {
        await _app.DisposeAsync();
        _app = await LaunchAsync(Database, Clock, _extraArgs);
    }

    private static async Task<WebApplication> LaunchAsync(TestDatabase database, ManualClock clock, string[] extraArgs)
    {
        // The last registration of IClock wins, so the clock is added when the container is built, after the server's own.
        var app = ServerApp.Build(ZhifuTestServer.Arguments(database, extraArgs),
            b => b.Host.UseServiceProviderFactory(new ClockInjector(clock)));
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }

    /// <summary>A client with its own cookie jar; Chinese unless told otherwise.</summary>
    public HttpClient Client(string language = "zh-CN")
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new System.Net.CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        return client;
    }

    public async Task<VerificationReport> VerifyAsync()
    {
        await using var context = Database.Options.CreateContext();
        return await new LedgerVerifier(context).VerifyAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await Database.DisposeAsync();
    }

    private sealed class ClockInjector(ManualClock clock) : IServiceProviderFactory<IServiceCollection>
    {
        public IServiceCollection CreateBuilder(IServiceCollection services) => services.AddSingleton<IClock>(clock);

        public IServiceProvider CreateServiceProvider(IServiceCollection containerBuilder) => containerBuilder.BuildServiceProvider();
    }
}
