using Zhifu.Server.Ledger;

namespace Zhifu.Server.Statements;

/// <summary>
/// Wires the Statements feature: the balance, the statement merged from every feature's <see cref="IStatementSource"/>,
/// its details with their ledger transfers, and the operators' view. Features register their own sources; the ledger's
/// adjustments have no feature of their own, so their source is registered here.
/// </summary>
public static class StatementsFeature
{
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IStatementSource, AdjustmentStatementSource>();
        services.AddSingleton<WalletStatements>();
        services.AddSingleton<RecordTransfers>();
        services.AddSingleton<StatementDetails>();
        services.AddSingleton<OperatorTransactions>();
    }

    public static void Map(WebApplication app)
    {
        StatementEndpoints.Map(app);
        OperatorStatementEndpoints.Map(app);
        OperatorTransactionEndpoints.Map(app);
    }
}
