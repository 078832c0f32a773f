using System.Text.Json;
using System.Threading.Channels;
using Zhifu.Data;
using Zhifu.Data.Entities;

namespace Zhifu.Server.Risk;

/// <summary>
/// Keeps every decision with its reasons (RISK-1) without putting a database write in front of the money: decisions queue
/// (bounded; a full queue makes the caller wait) and the writer inserts them in batches, letting the decisions of a moment
/// (<see cref="RiskOptions.DecisionGatherMilliseconds"/>) gather into one commit. A decision that holds or refuses
/// money is also the subject of a case written on the request's own path (<see cref="RiskCases"/>).
/// </summary>
public sealed class RiskDecisionLog(DatabaseOptions database, RiskOptions options, ILogger<RiskDecisionLog> logger) : BackgroundService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Channel<RiskDecisionRow> _queue = Channel.CreateBounded<RiskDecisionRow>(
        new BoundedChannelOptions(options.DecisionQueueMax) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private long _appended;
    private long _written;

    /// <summary>Decisions queued but not yet written.</summary>
    public long Pending => Interlocked.Read(ref _appended) - Interlocked.Read(ref _written);

    public async ValueTask AppendAsync(RiskDecision d, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(d);
        var e = d.Event;
        Interlocked.Increment(ref _appended);
        try
        {
            await _queue.Writer.WriteAsync(new RiskDecisionRow
            {
                Id = d.Id, BusinessId = e.BusinessId, Kind = e.Kind, UserId = e.UserId, AmountFen = e.AmountFen, MchId = e.MchId,
                MerchantRiskLevel = e.MerchantRiskLevel, PayeeUserId = e.PayeeUserId, CardToken = e.CardToken, DeviceKey = e.DeviceKey,
                Region = e.Region, Action = RiskActions.Name(d.Action), Score = d.Score, HitsJson = Serialize(d.Hits),
                DryRunJson = Serialize(d.DryRunHits), At = e.At,
            }, cancellationToken);
        }
        catch
        {
            Interlocked.Increment(ref _written); // never queued (the request was dropped while the queue was full): nothing to wait for
            throw;
        }
    }

    public static string Serialize(IReadOnlyList<RiskHit> hits) => JsonSerializer.Serialize(hits, Json);

    public static IReadOnlyList<RiskHit> Hits(string json) => JsonSerializer.Deserialize<List<RiskHit>>(json, Json) ?? [];

    /// <summary>Waits (at most 5 s) until everything queued so far is written — not for decisions queued after the call, which
    /// under steady traffic never all are (the dry run reading recent traffic, the decisions list, a case's page).</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var queued = Interlocked.Read(ref _appended);
        for (var i = 0; i < 500 && Interlocked.Read(ref _written) < queued; i++)
        {
            await Task.Delay(10, cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<RiskDecisionRow>(options.DecisionBatchMax);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                if (_queue.Reader.Count < options.DecisionBatchMax)
                {
                    // one commit for the decisions of a moment
                    await Task.Delay(Math.Clamp(options.DecisionGatherMilliseconds, 0, 1_000), stoppingToken);
                }
                while (batch.Count < options.DecisionBatchMax && _queue.Reader.TryRead(out var row))
                {
                    batch.Add(row);
                }
                await WriteAsync(batch);
                Interlocked.Add(ref _written, batch.Count);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            while (_queue.Reader.TryRead(out var row))
            {
                batch.Add(row); // shutting down: what is queued is still written
            }
            await WriteAsync(batch);
        }
    }

    private async Task WriteAsync(List<RiskDecisionRow> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var db = database.CreateContext();
                db.AddRange(batch);
                await db.SaveChangesAsync(CancellationToken.None);
                return;
            }
            catch (Exception ex)
            {
                // never given up: a writer that ended would stop the host (or, left stopped, fill the queue and hold every payment
                // at its risk step); while the database is away the decisions wait here, and payments cannot commit either
                logger.LogWarning(ex, "Writing {Count} risk decisions failed (attempt {Attempt}); retrying", batch.Count, attempt);
                await Task.Delay(Math.Min(200 * attempt, 5_000));
            }
        }
    }
}

/// <summary>Reads recorded decisions back.</summary>
public static class RiskDecisionRows
{
    /// <summary>The movement a recorded decision was about.</summary>
    public static RiskEvent Event(this RiskDecisionRow d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return new(d.Kind, d.BusinessId, d.UserId, d.AmountFen, d.At, d.MchId, d.MerchantRiskLevel, d.PayeeUserId, d.CardToken, d.DeviceKey,
            d.Region);
    }
}
