namespace Zhifu.Server.Funds;

/// <summary>Wires top-up and withdrawal: services, the recovery worker, routes.</summary>
public static class FundsFeature
{
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Funds").Get<FundsOptions>() ?? new FundsOptions();
        var bankTimeoutMs = (configuration.GetSection(Banking.BankOptions.SectionName).Get<Banking.BankOptions>() ?? new Banking.BankOptions()).TimeoutMs;
        if (options.ClaimLapseSeconds * 1000L <= 2L * bankTimeoutMs)
        {
            // a resolver's claim must outlast its two bank calls (query, then resend or reversal), or a second one takes over mid-way
            throw new InvalidOperationException("Funds:ClaimLapseSeconds must be longer than two bank calls (2 × Bank:TimeoutMs)");
        }
        services.AddSingleton(options);
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
