namespace Zhifu.Server.MerchantApi;

/// <summary>Wires the WeChat Pay API v3–compatible merchant API: services and routes.</summary>
public static class MerchantApiFeature
{
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
    }

    public static void Map(WebApplication app)
    {
    }
}
