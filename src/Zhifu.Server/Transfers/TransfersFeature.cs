namespace Zhifu.Server.Transfers;

/// <summary>Wires the Transfers feature: services and routes.</summary>
public static class TransfersFeature
{
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
    }

    public static void Map(WebApplication app)
    {
    }
}
