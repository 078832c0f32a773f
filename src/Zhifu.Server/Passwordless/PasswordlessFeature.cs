namespace Zhifu.Server.Passwordless;

/// <summary>Wires passwordless payment (免密支付, PWL-1 … PWL-7): services, the reminder worker and the three APIs' routes.</summary>
public static class PasswordlessFeature
{
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection("Passwordless").Get<PasswordlessOptions>() ?? new PasswordlessOptions());
        services.AddSingleton<PasswordlessAgreements>();
        services.AddSingleton<PasswordlessCharges>();
        services.AddSingleton<Payments.IPaymentSucceeded, PasswordlessAlerts>();
        services.AddSingleton<PasswordlessOversight>();
        services.AddSingleton<PasswordlessQueries>();
        services.AddHostedService<PasswordlessWorker>();
    }
}
