namespace Zhifu.Server.Risk;

/// <summary>The risk engine's settings (<c>Risk</c> section); the rules themselves are data (<see cref="RiskRules"/>).</summary>
public sealed record RiskOptions
{
    /// <summary>Write the starter rule set when the rule table is empty (a fresh install); tests switch it off to start bare.</summary>
    public bool SeedDefaultRules { get; init; } = true;
    /// <summary>The summed score of the hits at which a movement is held for review, whatever the hits ask.</summary>
    public int ReviewScore { get; init; } = 100;
    /// <summary>The summed score at which a movement is refused.</summary>
    public int BlockScore { get; init; } = 150;
    /// <summary>Decisions waiting to be written; callers wait when it is full.</summary>
    public int DecisionQueueMax { get; init; } = 10_000;
    public int DecisionBatchMax { get; init; } = 500;
    /// <summary>How long the writer lets decisions gather after the first one arrives, so one commit carries several (a payment
    /// a few milliseconds apart each wrote its own before); a full batch is written at once.</summary>
    public int DecisionGatherMilliseconds { get; init; } = 50;
    /// <summary>Profiles kept in memory; the least recently used beyond it are dropped after being written.</summary>
    public int ProfilesCachedMax { get; init; } = 200_000;
    public int ProfileFlushSeconds { get; init; } = 5;
    /// <summary>How far back the velocity windows are rebuilt from recorded decisions at start.</summary>
    public int VelocityRebuildRowsMax { get; init; } = 1_000_000;
    /// <summary>Recent decisions a dry run replays a proposed rule over.</summary>
    public int DryRunDecisionsMax { get; init; } = 50_000;
    /// <summary>Hours a risk case may stay undecided before it shows as overdue.</summary>
    public int CaseDeadlineHours { get; init; } = 24;
    public ProfileScoring Profile { get; init; } = new();
}
