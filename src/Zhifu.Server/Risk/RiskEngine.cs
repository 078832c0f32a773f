using Zhifu.Core;

namespace Zhifu.Server.Risk;

/// <summary>
/// 实时风控 (RISK-1): every money movement asks before it moves and reports when it completed. Money features depend on
/// this interface only; passwordless (PWL-4) and face payment call it the same way.
/// </summary>
public interface IRiskEngine
{
    /// <summary>Allow, step up, review or block, with the reasons; recorded, and a block opens an alert case.</summary>
    Task<RiskDecision> DecideAsync(RiskEvent e, CancellationToken cancellationToken);

    /// <summary>The movement completed: velocity windows and the user's profile learn it.</summary>
    Task CompletedAsync(RiskEvent e, CancellationToken cancellationToken);

    /// <summary>The velocity windows count the movement now; the profile learns nothing. A payment is counted at its decision,
    /// in the payer's turn, so the next decision sees it (<see cref="Uncounted"/> if it then does not go ahead, <see
    /// cref="LearnedAsync"/> when it completes); a movement that went ahead but whose end is not known yet (the ledger could
    /// not take it at once; a worker completes it without the event) is counted then, erring towards counting.</summary>
    void Counted(RiskEvent e);

    /// <summary>A movement <see cref="Counted"/> at its decision did not go ahead (refused after the risk check, nothing
    /// moved): the velocity windows forget it.</summary>
    void Uncounted(RiskEvent e);

    /// <summary>A movement <see cref="Counted"/> at its decision completed: the user's profile learns it.</summary>
    Task LearnedAsync(RiskEvent e, CancellationToken cancellationToken);
}

/// <summary>
/// The in-process engine: rules, lists, windows and profiles all in memory, so a decision costs microseconds; the only
/// wait is loading a profile the first time a user moves money after a start.
/// </summary>
public sealed class RiskEngine(RiskRules rules, RiskLists lists, RiskProfiles profiles, VelocityWindows windows, RiskDecisionLog log,
    RiskCases cases, RiskOptions options, IClock clock) : IRiskEngine
{
    private static readonly string[] Subjects = ["user", "device", "card", "merchant", "payee"];

    public async Task<RiskDecision> DecideAsync(RiskEvent e, CancellationToken cancellationToken)
    {
        var profile = await profiles.GetAsync(e.UserId, cancellationToken);
        var decision = Evaluate(e, profile, rules.Current, lists.Snapshot, windows, options);
        await log.AppendAsync(decision, cancellationToken);
        if (decision.Action == RiskAction.Block)
        {
            await cases.OpenAsync(decision, RiskCases.KindAlert, CancellationToken.None);
        }
        return decision;
    }

    public async Task CompletedAsync(RiskEvent e, CancellationToken cancellationToken)
    {
        Counted(e);
        await LearnedAsync(e, cancellationToken);
    }

    public void Counted(RiskEvent e) => Remember(e, windows, rules.Current.Keep, clock.UtcNow);

    public void Uncounted(RiskEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        foreach (var (subject, value) in WindowsOf(e))
        {
            windows.Remove(subject, value, e.Kind, e.At, e.AmountFen);
        }
    }

    public async Task LearnedAsync(RiskEvent e, CancellationToken cancellationToken) => await profiles.ObserveAsync(e, cancellationToken);

    /// <summary>Adds a completed movement to every velocity window it belongs to, at its decision's time; <paramref name="now"/>
    /// is the present the windows keep <paramref name="keep"/> back from.</summary>
    public static void Remember(RiskEvent e, VelocityWindows windows, TimeSpan keep, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(windows);
        foreach (var (subject, value) in WindowsOf(e))
        {
            windows.Add(subject, value, e.Kind, e.At, e.AmountFen, now, keep);
        }
    }

    /// <summary>The velocity windows a movement belongs to: each subject it names, with its value.</summary>
    private static IEnumerable<(string Subject, string Value)> WindowsOf(RiskEvent e)
    {
        foreach (var subject in Subjects)
        {
            if (RiskRule.SubjectValue(e, subject) is { } value)
            {
                yield return (subject, value);
            }
        }
    }

    /// <summary>
    /// The decision itself, pure over in-memory state: active rules decide (the strictest hit, escalated by the summed score),
    /// dry-run rules are evaluated and recorded only.
    /// </summary>
    public static RiskDecision Evaluate(RiskEvent e, BehaviourProfile profile, RiskRuleSet set, RiskListSnapshot lists,
        VelocityWindows windows, RiskOptions options)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(options);
        RiskContext context;
        lock (profile)
        {
            var (score, factors) = profile.Score(e, options.Profile);
            context = new RiskContext(windows, score, factors, profile.IsNewDevice(e), profile.IsNewRegion(e), lists);
        }
        var hits = Hits(set.Active, e, context);
        var dryRun = set.DryRun.Length == 0 ? [] : Hits(set.DryRun, e, context);
        var action = RiskAction.Allow;
        var total = 0;
        foreach (var hit in hits)
        {
            action = (RiskAction)Math.Max((int)action, (int)RiskActions.Parse(hit.Action)!.Value);
            total += hit.Score;
        }
        if (total >= options.BlockScore)
        {
            action = RiskAction.Block;
        }
        else if (total >= options.ReviewScore && action < RiskAction.Review)
        {
            action = RiskAction.Review;
        }
        return new RiskDecision(Guid.CreateVersion7(), e, action, total, hits, dryRun);
    }

    private static List<RiskHit> Hits(RiskRule[] rules, RiskEvent e, RiskContext context)
    {
        List<RiskHit>? hits = null;
        foreach (var rule in rules)
        {
            if (rule.AppliesTo(e.Kind) && rule.Evaluate(e, context) is { } reason)
            {
                (hits ??= []).Add(new RiskHit(rule.RuleId, rule.Version, RiskActions.Name(rule.Action), rule.Score, reason));
            }
        }
        return hits ?? [];
    }
}
