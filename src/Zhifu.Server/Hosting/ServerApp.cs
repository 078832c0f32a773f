using Microsoft.AspNetCore.DataProtection;
using Prometheus;
using Scalar.AspNetCore;
using Serilog;
using Zhifu.Core;
using Zhifu.Core.Ledger;
using Zhifu.Data;
using Zhifu.Data.Ledger;
using Zhifu.Server.Accounts;
using Zhifu.Server.Banking;
using Zhifu.Server.Ledger;
using Zhifu.Server.Notifications;
using Zhifu.Server.Security;

namespace Zhifu.Server.Hosting;

/// <summary>Builds the Zhifu server: one host for the APIs, the consoles and the background workers.</summary>
public static class ServerApp
{
    /// <summary>Creates the web application; the database must already be migrated (the writer rebuilds from it).</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The application is this assembly whoever hosts it (a test process too), so its console pages are found.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args, ContentRootPath = AppContext.BaseDirectory, ApplicationName = typeof(ServerApp).Assembly.GetName().Name,
        });
        builder.Configuration.AddEnvironmentVariables();
        configure?.Invoke(builder);
        var settings = ServerSettings.From(builder.Configuration);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(ServerSettings.DefaultUrl);
        }
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = builder.Configuration.GetValue("Limits:RequestBodyBytesMax", 64 * 1024);
            k.AddServerHeader = false;
        });
        ConfigureLogging(builder, settings);
        AddServices(builder, settings);
        var app = builder.Build();
        MapEndpoints(app);
        return app;
    }

    private static void ConfigureLogging(WebApplicationBuilder builder, ServerSettings settings)
    {
        // Structured logs: readable on the console, JSON lines in {data}/logs for machines. Personal data never goes in a
        // log message: it is masked before it is logged (ACC-8).
        builder.Services.AddSerilog((services, log) => log
            .ReadFrom.Configuration(builder.Configuration)
            .MinimumLevel.Override("Microsoft.AspNetCore", Serilog.Events.LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.EntityFrameworkCore", Serilog.Events.LogEventLevel.Warning)
            // Cookie keys sit in {data}/secrets beside the other owner-only secrets; the "unencrypted at rest" warning is expected.
            .MinimumLevel.Override("Microsoft.AspNetCore.DataProtection", Serilog.Events.LogEventLevel.Error)
            .Enrich.FromLogContext()
            .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            .WriteTo.File(new Serilog.Formatting.Compact.CompactJsonFormatter(), Path.Combine(settings.DataDirectory, "logs", "zhifu-.json"),
                rollingInterval: RollingInterval.Day, retainedFileCountLimit: 14, fileSizeLimitBytes: 100L * 1024 * 1024));
    }

    private static void AddServices(WebApplicationBuilder builder, ServerSettings settings)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddSingleton(settings);
        services.AddSingleton(settings.Database);
        services.AddSingleton<IClock>(SystemClock.Instance);
        services.AddSingleton(sp => new LedgerWriter(
            Databases.OpenLedgerStore(settings.Database, settings.SqliteTuning), sp.GetRequiredService<IClock>(), settings.Ledger));
        services.AddSingleton<ILedger>(sp => sp.GetRequiredService<LedgerWriter>());
        services.AddSingleton(configuration.GetSection("Institution").Get<InstitutionOptions>() ?? new InstitutionOptions());
        services.AddSingleton<InstitutionChart>();
        services.AddSingleton<LedgerVerifications>();
        services.AddSingleton<Adjustments>();
        services.AddSingleton(sp => SecretKeys.Load(configuration, settings.DataDirectory, sp.GetRequiredService<ILogger<SecretKeys>>()));
        services.AddSingleton<PersonalData>();
        services.AddSingleton(configuration.GetSection("Security:Argon2").Get<Argon2Options>() ?? new Argon2Options());
        services.AddSingleton<PasswordHasher>();
        services.AddSingleton<SecretAttempts>();
        services.AddSingleton<DemoWorld>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<SmsOutbox>();
        services.AddSingleton<ISmsGateway>(sp => sp.GetRequiredService<SmsOutbox>());
        AccountsFeature.AddServices(services, configuration);
        RealName.RealNameFeature.AddServices(services, configuration);
        Cards.CardsFeature.AddServices(services, configuration);
        Lifecycle.LifecycleFeature.AddServices(services, configuration);
        Funds.FundsFeature.AddServices(services, configuration);
        Statements.StatementsFeature.AddServices(services, configuration);
        Transfers.TransfersFeature.AddServices(services, configuration);
        MerchantApi.MerchantApiFeature.AddServices(services, configuration);
        Risk.RiskFeature.AddServices(services, configuration);
        Passwordless.PasswordlessFeature.AddServices(services, configuration);
        Face.FaceFeature.AddServices(services, configuration);
        Risk.Aml.AmlFeature.AddServices(services, configuration);
        services.AddHostedService<StartupTasks>();
        if (string.IsNullOrEmpty(configuration["Bank:DataDir"]))
        {
            configuration["Bank:DataDir"] = Path.Combine(settings.DataDirectory, "bank");
        }
        services.AddBankChannel(configuration);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = StandardProblems.Customize);
        // A ledger that could not take a request applied nothing of it: "try again" (503), wherever it surfaced, never a 500.
        services.Configure<ExceptionHandlerOptions>(o => o.StatusCodeSelector = StandardProblems.StatusOf);
        services.AddDataProtection().SetApplicationName("zhifu")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(settings.DataDirectory, "secrets", "data-protection")));
        services.AddOpenApi();
        services.AddHealthChecks().AddCheck<LedgerHealthCheck>("ledger");
        OperatorAuth.AddServices(services);
        TrustedProxies.AddServices(services, configuration);
        SignInRateLimit.AddServices(services, configuration);
        // The three consoles (/wallet, /merchant, /ops) are Razor Pages under Consoles/, server-rendered, anti-forgery on every form.
        services.AddRazorPages(o => o.RootDirectory = "/Consoles");
        // Chinese stays Chinese in the HTML (not &#x…; escapes): readable source, smaller pages; still HTML-encoded.
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
    }

    private static void MapEndpoints(WebApplication app)
    {
        if (app.Configuration.GetSection(TrustedProxies.Section).Get<string[]>() is { Length: > 0 })
        {
            app.UseForwardedHeaders(); // first: everything after sees the client's scheme, host and address
        }
        app.UseExceptionHandler();
        // The consoles' pages show balances, bills, codes and personal data: none is kept by a browser or a proxy (ACC-8), so
        // the Back button after signing out on a shared phone shows nothing.
        app.Use((context, next) =>
        {
            if (Consoles.ConsoleText.IsConsolePage(context.Request.Path))
            {
                context.Response.Headers.CacheControl = "no-store";
            }
            return next(context);
        });
        app.UseStatusCodePages();
        app.UseSerilogRequestLogging();
        app.UseHttpMetrics();
        app.UseRateLimiter(); // only the endpoints and pages that name a policy (SignInRateLimit)
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealthChecks("/healthz");
        app.MapMetrics("/metrics");
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/docs");
        app.MapGet("/", () => Results.Redirect("/docs")).ExcludeFromDescription();
        OperatorAuth.Map(app);
        OperatorLedgerApi.Map(app);
        AccountsFeature.Map(app);
        RealName.RealNameFeature.Map(app);
        Cards.CardsFeature.Map(app);
        Lifecycle.LifecycleFeature.Map(app);
        Funds.FundsFeature.Map(app);
        Statements.StatementsFeature.Map(app);
        Transfers.TransfersFeature.Map(app);
        MerchantApi.MerchantApiFeature.Map(app);
        Risk.RiskFeature.Map(app);
        Risk.Aml.AmlFeature.Map(app);
        Face.FaceFeature.Map(app);
        DevSmsInbox.Map(app);
        Consoles.ConsoleText.Map(app);
        app.MapRazorPages();
    }
}
