namespace Zhifu.Server.Cards;

/// <summary>Wires the Cards feature (CARD-1): the card vault, binding, and the Wallet API's card routes.</summary>
public static class CardsFeature
{
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection("Cards").Get<CardsOptions>() ?? new CardsOptions();
        if (options.BoundCardsMax is < 1 or > 100)
        {
            throw new InvalidOperationException("Cards:BoundCardsMax must be 1..100");
        }
        services.AddSingleton(options);
        services.AddSingleton<CardVault>();
        services.AddSingleton<BankCards>();
    }

    public static void Map(WebApplication app) => CardEndpoints.Map(app);
}
