namespace Zhifu.Server.Lifecycle;

/// <summary>Wires the Lifecycle feature: its services and its routes.</summary>
public static class LifecycleFeature
{
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
    }

    public static void Map(WebApplication app) => ArgumentNullException.ThrowIfNull(app);
}
