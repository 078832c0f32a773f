namespace Zhifu.Server.Funds;

/// <summary>Wires top-up and withdrawal: services, the recovery worker, routes.</summary>
public static class FundsFeature
{
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection("Funds").Get<FundsOptions>() ?? new FundsOptions());
        services.AddSingleton<FundMovements>();
        services.AddSingleton<OwnCardWithdrawals>();
        services.AddSingleton<WalletFunds>();
        services.AddSingleton<IFundsGuard, AccountStateFundsGuard>();
        services.AddSingleton<IBoundCards, VaultBoundCards>();
        services.AddSingleton<Statements.IStatementSource, FundsStatementSource>();
        services.AddSingleton<Statements.ITransactionSource, FundsTransactionSource>();
        services.AddSingleton<FundsRecoveryWorker>();
        foreach (var kind in new[] { Risk.RiskKinds.TopUp, Risk.RiskKinds.Withdrawal })
        {
            services.AddSingleton<Risk.IRiskHold>(sp => new FundsRiskHold(kind, sp.GetRequiredService<FundMovements>(),
                sp.GetRequiredService<IBoundCards>()));
        }
        services.AddHostedService(sp => sp.GetRequiredService<FundsRecoveryWorker>());
    }

    public static void Map(WebApplication app) => FundsEndpoints.Map(app);
}
