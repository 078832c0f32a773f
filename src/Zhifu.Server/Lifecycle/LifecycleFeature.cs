namespace Zhifu.Server.Lifecycle;

/// <summary>
/// Wires the account lifecycle (ACC-4 … ACC-6): the account guard every money feature calls, freezes, closure, the
/// carrier's number events, dormancy and the involved-account list, with their routes.
/// </summary>
public static class LifecycleFeature
{
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(configuration.GetSection("Regulation").Get<LifecycleRegulation>() ?? new LifecycleRegulation());
        services.AddSingleton(configuration.GetSection("Lifecycle").Get<LifecycleOptions>() ?? new LifecycleOptions());
        services.AddSingleton<InvolvedAccountList>();
        services.AddSingleton<IOpeningScreen>(sp => sp.GetRequiredService<InvolvedAccountList>());
        services.AddSingleton<AccountRestrictions>();
        services.AddSingleton<IAccountGuard, AccountGuard>();
        services.AddSingleton<HolderConfirmation>();
        services.AddSingleton<AccountFreezes>();
        services.AddSingleton<WalletLedgerClosing>();
        services.AddSingleton<AccountClosure>();
        services.AddSingleton<NumberDetachment>();
        services.AddSingleton<Reactivation>();
        services.AddSingleton<DormancyScan>();
        services.AddHostedService<DormancyWorker>();
        services.AddHostedService<ClosureRecoveryWorker>();
    }

    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        WalletLifecycleEndpoints.Map(app);
        OperatorLifecycleEndpoints.Map(app);
        InvolvedAccountEndpoints.Map(app);
        OperatorUserSearch.Map(app);
        CarrierEvents.Map(app);
    }
}
