namespace Zhifu.Server.Risk.Aml;

/// <summary>
/// Wires the anti-money-laundering reports (RISK-6): large-value and suspicious transaction reports by configurable
/// criteria (<c>Regulation:Aml</c>), made daily by a worker and downloaded by operators (docs/risk-aml.md).
/// </summary>
public static class AmlFeature
{
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var regulation = configuration.GetSection("Regulation:Aml").Get<AmlRegulation>() ?? new AmlRegulation();
        regulation.Validate();
        services.AddSingleton(regulation);
        services.AddSingleton(configuration.GetSection("Risk:Aml").Get<AmlOptions>() ?? new AmlOptions());
        services.AddSingleton<AmlSources>();
        services.AddSingleton<AmlReportBuilder>();
        services.AddSingleton<AmlReports>();
        services.AddSingleton<AmlReportWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<AmlReportWorker>());
    }

    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        AmlEndpoints.Map(app);
    }
}
