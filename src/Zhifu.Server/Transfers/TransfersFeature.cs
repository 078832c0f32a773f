using Zhifu.Server.Statements;

namespace Zhifu.Server.Transfers;

/// <summary>
/// Wires the Transfers feature (TRF-1 … TRF-3, PAY-7): wallet and card transfers through the ledger, agreed limits as limit
/// ledgers, delayed arrival with revocation and its release worker, verification strength, statements, operator limits.
/// </summary>
public static class TransfersFeature
{
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var regulation = configuration.GetSection("Regulation").Get<TransferRegulation>() ?? new TransferRegulation();
        var options = configuration.GetSection("Transfers").Get<TransferOptions>() ?? new TransferOptions();
        if ((regulation.Problem() ?? options.Problem()) is { } problem)
        {
            throw new InvalidOperationException(problem); // refuse to start on limits that would let money pass unchecked
        }
        services.AddSingleton(regulation);
        services.AddSingleton(options);
        services.AddSingleton<TransferLimitLedger>();
        services.AddSingleton<TransferLimits>();
        services.AddSingleton<TransferVerification>();
        services.AddSingleton<TransferNotices>();
        services.AddSingleton<WalletTransfers>();
        services.AddSingleton<TransferTargets>();
        services.AddSingleton<Risk.IRiskHold>(sp => sp.GetRequiredService<WalletTransfers>());
        services.AddSingleton<DelayedTransferRelease>();
        services.AddHostedService(sp => sp.GetRequiredService<DelayedTransferRelease>());
        services.AddSingleton<IStatementSource, TransferStatementSource>();
        services.AddSingleton<ITransactionSource, TransferTransactionSource>();
    }

    public static void Map(WebApplication app)
    {
        TransferEndpoints.Map(app);
        TransferOperatorEndpoints.Map(app);
    }
}
