namespace Zhifu.Server.Funds;

/// <summary>Wires top-up and withdrawal: services, the recovery worker, routes.</summary>
public static class FundsFeature
{
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Funds").Get<FundsOptions>() ?? new FundsOptions();
        var bank = configuration.GetSection(Banking.BankOptions.SectionName).Get<Banking.BankOptions>() ?? new Banking.BankOptions();
        // A resolver's claim must outlast its bank calls — the query (each of its attempts, and the pauses between them), then a
        // resend or reversal — or a second resolver takes over mid-way: one resends while the other reverses.
        var roundMs = (bank.QueryAttemptsMax + 1L) * bank.TimeoutMs + 100L * ((1L << Math.Max(0, bank.QueryAttemptsMax - 1)) - 1);
        if (options.ClaimLapseSeconds * 1000L <= roundMs)
        {
            throw new InvalidOperationException(
                $"Funds:ClaimLapseSeconds must be longer than a resolver's bank calls: (Bank:QueryAttemptsMax + 1) × Bank:TimeoutMs and the query's pauses, {roundMs} ms");
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
