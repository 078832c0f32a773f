namespace Zhifu.Server.Statements;

/// <summary>Wires the Statements feature: services and routes.</summary>
public static class StatementsFeature
{
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
    }

    public static void Map(WebApplication app)
    {
    }
}
