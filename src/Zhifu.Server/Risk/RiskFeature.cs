namespace Zhifu.Server.Risk;

/// <summary>
/// Wires risk control (RISK-1 … RISK-5): the in-process engine every money feature asks, its rules, lists, profiles, cases
/// and alerts, the worker that keeps them, and the Operator API under <c>/api/ops/risk</c>.
/// </summary>
public static class RiskFeature
{
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(configuration.GetSection("Risk").Get<RiskOptions>() ?? new RiskOptions());
        services.AddSingleton<VelocityWindows>();
        services.AddSingleton<RiskRules>();
        services.AddSingleton<RiskLists>();
        services.AddSingleton<RiskProfiles>();
        services.AddSingleton<RiskAlerts>();
        services.AddSingleton<RiskCases>();
        services.AddSingleton<RiskDryRun>();
        services.AddSingleton<RiskCheck>();
        services.AddSingleton<RiskDecisionLog>();
        services.AddHostedService(sp => sp.GetRequiredService<RiskDecisionLog>());
        services.AddSingleton<IRiskEngine, RiskEngine>();
        services.AddHostedService<RiskWorker>();
        services.AddHostedService<HeldCaseWorker>();
    }

    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var risk = app.MapGroup("/api/ops/risk").WithTags("Operator: risk control");
        RiskRuleEndpoints.Map(risk);
        RiskListEndpoints.Map(risk);
        RiskCaseEndpoints.Map(risk);
    }
}
