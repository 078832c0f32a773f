using Zhifu.Data;
using Zhifu.Data.Ledger;
using Zhifu.Server.Ledger;

namespace Zhifu.Server.Hosting;

/// <summary>
/// The server binary's verbs: <c>serve</c> (default), <c>migrate</c>, <c>verify</c>, <c>seed-demo</c>, <c>operator</c> (the
/// operator accounts, <see cref="OperatorVerb"/>) and <c>demo-pay</c> (pays an order as a demo user through the running server).
/// </summary>
public static class Verbs
{
    public static async Task<int> RunAsync(string verb, string[] args)
    {
        switch (verb)
        {
            case "serve":
                await MigrateAsync(args);
                await ServerApp.Build(args).RunAsync();
                return 0;
            case "migrate":
                var settings = await MigrateAsync(args);
                Console.WriteLine($"Migrated {settings.Database.Describe()}");
                return 0;
            case "verify":
                return await VerifyAsync(args);
            case "seed-demo":
                await MigrateAsync(args);
                await using (var app = ServerApp.Build(args))
                {
                    await app.Services.GetRequiredService<InstitutionChart>().EnsureAsync();
                    await app.Services.GetRequiredService<DemoWorld>().SeedAsync();
                }
                Console.WriteLine("Demo world seeded.");
                return 0;
            case "operator":
                await MigrateAsync(args);
                await using (var app = ServerApp.Build(args))
                {
                    return await OperatorVerb.RunAsync(args, app.Services);
                }
            case "demo-pay":
                return await DemoPayVerb.RunAsync(args);
            default:
                await Console.Error.WriteLineAsync($"unknown verb '{verb}': use serve, migrate, verify, seed-demo, operator or demo-pay");
                return 2;
        }
    }

    private static IConfiguration Configuration(string[] args) => new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
        .AddEnvironmentVariables()
        .AddCommandLine(args)
        .Build();

    private static async Task<ServerSettings> MigrateAsync(string[] args)
    {
        var settings = ServerSettings.From(Configuration(args));
        await Databases.MigrateAsync(settings.Database);
        return settings;
    }

    /// <summary>Checks every ledger invariant, prints the totals, exits 1 on any violation.</summary>
    private static async Task<int> VerifyAsync(string[] args)
    {
        var settings = ServerSettings.From(Configuration(args));
        await using var db = settings.Database.CreateContext();
        var report = await new LedgerVerifier(db).VerifyAsync();
        Console.WriteLine($"zhifu verify — {settings.Database.Describe()}");
        foreach (var (name, fen) in report.Totals)
        {
            Console.WriteLine(name == "accounts" ? $"  {name,-38} {fen}" : $"  {name,-38} {new Zhifu.Core.Money(fen)}");
        }
        foreach (var check in report.Checks)
        {
            Console.WriteLine($"  [{(check.Holds ? "ok" : "VIOLATED")}] {check.Name}: {check.Detail}");
        }
        Console.WriteLine(report.AllHold ? "All ledger invariants hold." : "LEDGER INVARIANTS VIOLATED.");
        return report.AllHold ? 0 : 1;
    }
}
