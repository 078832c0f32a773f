namespace Zhifu.Server.RealName;

/// <summary>Wires the RealName feature: its services and its routes.</summary>
public static class RealNameFeature
{
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
    }

    public static void Map(WebApplication app) => ArgumentNullException.ThrowIfNull(app);
}
