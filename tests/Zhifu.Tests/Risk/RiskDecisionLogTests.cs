using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Zhifu.Data.Entities;
using Zhifu.Server.Risk;
using Zhifu.Tests.Infrastructure;

namespace Zhifu.Tests.Risk;

/// <summary>RISK-1's decision log: decisions are written in gathered batches; a drain waits for what was queued before it.</summary>
public sealed class RiskDecisionLogTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RISK1_a_decision_whose_request_was_dropped_while_the_queue_was_full_is_not_waited_for_and_the_rest_are_written()
    {
        await using var server = await ZhifuTestServer.StartAsync();
        // its own log on the server's database, with a queue of one and its writer not yet started
        var log = new RiskDecisionLog(server.Database.Options, new RiskOptions { DecisionQueueMax = 1, DecisionGatherMilliseconds = 0 },
            NullLogger<RiskDecisionLog>.Instance);
        var first = Decision();
        await log.AppendAsync(first, Ct);
        using var dropped = new CancellationTokenSource();
        var waiting = log.AppendAsync(Decision(), dropped.Token).AsTask(); // waits for room in the full queue
        await dropped.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        var second = Decision();
        await log.StartAsync(Ct);
        await log.AppendAsync(second, Ct);
        await log.DrainAsync(Ct);
        Assert.Equal(0, log.Pending); // the dropped one is not counted as still to be written
        await log.StopAsync(Ct);
        await using var db = server.Database.Options.CreateContext();
        var written = await db.Set<RiskDecisionRow>().AsNoTracking().Where(d => d.Id == first.Id || d.Id == second.Id).CountAsync(Ct);
        Assert.Equal(2, written);
    }

    private static RiskDecision Decision() =>
        new(Guid.CreateVersion7(), new RiskEvent(RiskKinds.Payment, Guid.CreateVersion7(), Guid.CreateVersion7(), 100, DateTimeOffset.UtcNow),
            RiskAction.Allow, 0, [], []);
}
