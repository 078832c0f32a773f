using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Zhifu.Core.Ledger;
using Zhifu.Data;

namespace Zhifu.Server.Ledger;

/// <summary>Healthy when the database answers and the ledger writer commits (an empty request round-trips the writer).</summary>
public sealed class LedgerHealthCheck(DatabaseOptions database, ILedger ledger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = database.CreateContext();
            await db.Database.ExecuteSqlRawAsync("SELECT 1", cancellationToken);
            await ledger.SubmitAsync([new Transfer { Id = Guid.Empty, Code = TransferCode.Adjustment, BusinessId = Guid.Empty }],
                cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is LedgerUnavailableException or InvalidOperationException or System.Data.Common.DbException)
        {
            return HealthCheckResult.Unhealthy(e.GetType().Name);
        }
    }
}
