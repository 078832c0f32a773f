namespace Zhifu.Server.Cards;

/// <summary>Wires the Cards feature: its services and its routes.</summary>
public static class CardsFeature
{
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
    }

    public static void Map(WebApplication app) => ArgumentNullException.ThrowIfNull(app);
}
