using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Zhifu.Data;
using Zhifu.Data.Ledger;
using Zhifu.Server.Hosting;

namespace Zhifu.Tests.Infrastructure;

/// <summary>
/// The real Zhifu server in this process on a free loopback port, over a <see cref="TestDatabase"/>, with its real bank
/// simulator child process. Tests talk to it over real HTTP.
/// </summary>
public sealed class ZhifuTestServer : IAsyncDisposable
{
    private readonly bool _ownsDatabase;
    private readonly string[] _extraArgs;
    private WebApplication _app;

    private ZhifuTestServer(TestDatabase database, bool ownsDatabase, string[] extraArgs, WebApplication app)
    {
        Database = database;
        _ownsDatabase = ownsDatabase;
        _extraArgs = extraArgs;
        _app = app;
    }

    public TestDatabase Database { get; }

    public Uri BaseAddress => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a server on a new database (or a given one), seeded with the demo world.</summary>
    public static async Task<ZhifuTestServer> StartAsync(TestDatabase? database = null, params string[] extraArgs)
    {
        var db = database ?? await TestDatabase.CreateAsync();
        var app = await LaunchAsync(db, extraArgs);
        return new ZhifuTestServer(db, database is null, extraArgs, app);
    }

    /// <summary>A client with its own cookie jar; Chinese unless told otherwise.</summary>
    public HttpClient Client(string language = "zh-CN")
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        return client;
    }

    /// <summary>Stops the server and starts it again on the same data: everything must come back as it was.</summary>
    public async Task RestartAsync()
    {
        await _app.DisposeAsync();
        _app = await LaunchAsync(Database, _extraArgs);
    }

    public static string[] Arguments(TestDatabase db, params string[] extra)
    {
        var args = new List<string>
        {
            "--urls=http://127.0.0.1:0",
            $"--Zhifu:DataDir={db.Directory}",
            "--Demo:PrintBanner=false",
            "--Serilog:MinimumLevel:Default=Warning",
            "--Security:Argon2:MemoryKiB=1024",
            "--Security:Argon2:Iterations=1",
            "--Ledger:Sqlite:Synchronous=NORMAL",
            "--Risk:SeedDefaultRules=false", // tests start with no risk rules; risk tests write the ones they need
            "--Demo:FaceTerminal=false", // no face-pay whitelist or terminal unless a test makes them (or asks for the demo's)
            "--MerchantConsole:CaptchaFixed=E2E42", // the merchant sign-in captcha tests answer (MerchantStaffSignIn.Captcha)
            // every test signs in from 127.0.0.1, many times a minute; the limit's own test lowers these again
            "--Security:SignInRateLimit:StaffPermitsPerMinute=100000",
            "--Security:SignInRateLimit:WalletPermitsPerMinute=100000",
        };
        if (db.Options.Provider == DatabaseProvider.Postgres)
        {
            args.Add($"--ZHIFU_DB={db.Options.ConnectionString}");
        }
        args.AddRange(extra);
        return [.. args];
    }

    private static async Task<WebApplication> LaunchAsync(TestDatabase db, string[] extraArgs)
    {
        await Databases.MigrateAsync(db.Options);
        var app = ServerApp.Build(Arguments(db, extraArgs));
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }

    public async Task<VerificationReport> VerifyAsync()
    {
        await using var context = Database.Options.CreateContext();
        return await new LedgerVerifier(context).VerifyAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        if (_ownsDatabase)
        {
            await Database.DisposeAsync();
        }
    }
}
