namespace Zhifu.Server.Risk;

/// <summary>The rules in force, immutable and swapped whole when an operator changes one; the engine reads it lock-free.</summary>
public sealed class RiskRuleSet
{
    public static readonly RiskRuleSet Empty = new([]);

    public RiskRuleSet(IReadOnlyList<RiskRule> rules)
    {
        Rules = rules;
        Active = [.. rules.Where(r => r.Mode == "active")];
        DryRun = [.. rules.Where(r => r.Mode == "dry-run")];
        // Velocity keeps events as long as the longest window any rule (active or dry run) looks at; a day at least.
        Keep = rules.Where(r => r.Type == RiskRuleTypes.Velocity).Select(r => r.Window).DefaultIfEmpty(TimeSpan.Zero).Max();
        Keep = Keep < TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : Keep;
    }

    public IReadOnlyList<RiskRule> Rules { get; }
    public RiskRule[] Active { get; }
    public RiskRule[] DryRun { get; }
    public TimeSpan Keep { get; }
}
