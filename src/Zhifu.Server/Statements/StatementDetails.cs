using Zhifu.Server.Accounts;

namespace Zhifu.Server.Statements;

/// <summary>
/// One line and what explains it: the business record's entry and the ledger transfers it names on this wallet. Another
/// user's record answers exactly like one that does not exist.
/// </summary>
public sealed class StatementDetails(WalletStatements statements, RecordTransfers transfers, WalletAccounts accounts)
{
    private const int AlsoExplainedByMax = 16;

    public async Task<(StatementViews.DetailDto? Detail, WalletError? Error)> FindAsync(Guid userId, string? recordId,
        CancellationToken cancellationToken)
    {
        if (recordId is not { Length: <= 64 } || !Guid.TryParse(recordId, out var id))
        {
            return (null, StatementErrors.BadRecordId);
        }
        var user = await accounts.FindAsync(userId, cancellationToken);
        var entry = user is null ? null : await statements.FindAsync(userId, id, cancellationToken);
        if (entry is null)
        {
            return (null, StatementErrors.EntryNotFound);
        }
        Guid[] records = [id, .. entry.AlsoExplainedBy.Where(other => other != id).Distinct().Take(AlsoExplainedByMax)];
        var legs = await transfers.OfAsync(records, user!.WalletAccountId, user.ConsumptionAccountId, cancellationToken);
        return (StatementViews.Dto(entry, legs), null);
    }
}
