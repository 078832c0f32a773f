using System.Text.Json;
using System.Text.Json.Serialization;
using Zhifu.Bank.Callbacks;
using Zhifu.Bank.Cards;
using Zhifu.Bank.Faults;
using Zhifu.Bank.Movements;
using Zhifu.Bank.Statements;
using Zhifu.Bank.Storage;

namespace Zhifu.Bank.Hosting;

/// <summary>Builds the simulator: its own configuration, one SQLite file, the /v1 channel API and the /admin API.</summary>
internal static class BankApp
{
    /// <summary>No request the channel accepts comes near this; anything larger is refused before it is read.</summary>
    public const int MaxRequestBodyBytes = 16 * 1024;

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        BankConfiguration.UseOwnSources(builder.Configuration, args);

        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        // Request logs would print card numbers from /admin/cards/{card_no} paths in clear (ACC-8).
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);

        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        builder.Services.ConfigureHttpJsonOptions(o => Configure(o.SerializerOptions));
        // Binding failures must throw so ApiErrorMiddleware can answer them with a stable JSON code.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

        var dataDir = BankConfiguration.DataDir(builder.Configuration);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new BankDatabase(dataDir));
        builder.Services.AddSingleton<CardBook>();
        builder.Services.AddSingleton<MovementBook>();
        builder.Services.AddSingleton<ReversalBook>();
        builder.Services.AddSingleton(new FaultInjector(FaultPlan.From(builder.Configuration.GetSection("Faults"))));
        builder.Services.AddSingleton<FaultGate>();
        builder.Services.AddSingleton<CallbackQueue>();
        builder.Services.AddHostedService<CallbackSender>();
        builder.Services.AddHostedService<ParentProcessWatch>();
        builder.Services.AddHttpClient(CallbackSender.ClientName, c => c.Timeout = TimeSpan.FromSeconds(5));

        var app = builder.Build();
        app.Services.GetRequiredService<BankDatabase>().Initialize(app.Services.GetRequiredService<TimeProvider>());
        app.UseMiddleware<ApiErrorMiddleware>();
        app.MapGet("/healthz", () => TypedResults.Text("ok"));
        app.MapVerification();
        app.MapMovements();
        app.MapStatements();
        app.MapCardAdmin();
        app.MapFaultAdmin();
        app.MapPost("/admin/shutdown", (IHostApplicationLifetime life) =>
        {
            life.StopApplication();
            return TypedResults.Accepted((string?)null);
        });
        return app;
    }

    public static void Configure(JsonSerializerOptions json)
    {
        json.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        json.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
        // A body naming amount_fen twice is ambiguous: refuse it rather than pick one.
        json.AllowDuplicateProperties = false;
        // The web defaults read "12" as 12; an amount must be a JSON number, or a typo in a caller moves money.
        json.NumberHandling = JsonNumberHandling.Strict;
        json.MaxDepth = 8;
    }
}
