using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Zhifu.Server.Risk;

/// <summary>The rule types operators compose (RISK-2); each reads only the parameters named in its doc.</summary>
public static class RiskRuleTypes
{
    /// <summary><c>minFen</c>: one movement at or above the amount.</summary>
    public const string Amount = "amount";
    /// <summary><c>subject</c> (user, device, card, merchant, payee), <c>windowMinutes</c>, <c>maxCount</c> and/or
    /// <c>maxSumFen</c>: this movement would take the subject's count or sum in the sliding window past the maximum.</summary>
    public const string Velocity = "velocity";
    /// <summary>A device the user has not used before (the profile knows at least one).</summary>
    public const string NewDevice = "new-device";
    /// <summary>A region the user has not been in before (the profile knows at least one).</summary>
    public const string LocationChange = "location-change";
    /// <summary><c>fromHour</c> … <c>toHour</c> (China time, the end excluded; may wrap midnight).</summary>
    public const string TimeOfDay = "time-of-day";
    /// <summary><c>levels</c>: the merchant's risk level is one of them.</summary>
    public const string MerchantRisk = "merchant-risk";
    /// <summary><c>lists</c> (account, device, card, merchant, payee): a subject of the movement is on that risk list.</summary>
    public const string ListHit = "list-hit";
    /// <summary><c>minScore</c>: the behavioural profile scores the movement at least this far from habit.</summary>
    public const string Profile = "profile";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
        { Amount, Velocity, NewDevice, LocationChange, TimeOfDay, MerchantRisk, ListHit, Profile };

    public static readonly IReadOnlySet<string> Subjects = new HashSet<string>(StringComparer.Ordinal)
        { "user", "device", "card", "merchant", "payee" };

    public static readonly IReadOnlySet<string> Lists = new HashSet<string>(StringComparer.Ordinal)
        { "account", "device", "card", "merchant", "payee" };

    public static readonly IReadOnlySet<string> Modes = new HashSet<string>(StringComparer.Ordinal) { "active", "dry-run", "off" };
}

/// <summary>A rule's parameters as stored (JSON); unknown members are refused so a typo never silently disables a rule.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RiskRuleParameters
{
    public long? MinFen { get; init; }
    public string? Subject { get; init; }
    public int? WindowMinutes { get; init; }
    public int? MaxCount { get; init; }
    public long? MaxSumFen { get; init; }
    public int? FromHour { get; init; }
    public int? ToHour { get; init; }
    public string[]? Levels { get; init; }
    public string[]? Lists { get; init; }
    public int? MinScore { get; init; }
}

/// <summary>What a rule sees besides the event: the velocity windows, the profile's score and the lists.</summary>
public sealed record RiskContext(VelocityWindows Windows, int ProfileScore, IReadOnlyList<string> ProfileFactors, bool NewDevice,
    bool NewRegion, RiskListSnapshot Lists);

/// <summary>One rule version in force, compiled from its row; evaluation allocates only the reason of a hit.</summary>
public sealed record RiskRule(string RuleId, int Version, string Type, IReadOnlySet<string>? Kinds, RiskRuleParameters Parameters,
    RiskAction Action, int Score, string Mode, string Description)
{
    public const int WindowMinutesMax = 30 * 24 * 60;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public bool AppliesTo(string kind) => Kinds is null || Kinds.Contains(kind);

    /// <summary>The kinds a velocity rule counts: those it applies to (RISK-2).</summary>
    private int KindBits { get; } = RiskKinds.Bits(Kinds);

    public TimeSpan Window => TimeSpan.FromMinutes(Parameters.WindowMinutes ?? 0);

    /// <summary>Why the rule fires on <paramref name="e"/>, or null when it stays quiet.</summary>
    public string? Evaluate(RiskEvent e, RiskContext context)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(context);
        var p = Parameters;
        switch (Type)
        {
            case RiskRuleTypes.Amount:
                return e.AmountFen >= p.MinFen ? $"amount {new Core.Money(e.AmountFen)} ≥ {new Core.Money(p.MinFen!.Value)}" : null;
            case RiskRuleTypes.Velocity:
                if (SubjectValue(e, p.Subject!) is not { } value)
                {
                    return null;
                }
                var (count, sum) = context.Windows.Since(p.Subject!, value, e.At - Window, KindBits);
                if (p.MaxCount is { } maxCount && count + 1 > maxCount)
                {
                    return $"{p.Subject} made {count + 1} movements in {p.WindowMinutes} min (max {maxCount})";
                }
                return p.MaxSumFen is { } maxSum && sum + e.AmountFen > maxSum
                    ? $"{p.Subject} moved {new Core.Money(sum + e.AmountFen)} in {p.WindowMinutes} min (max {new Core.Money(maxSum)})"
                    : null;
            case RiskRuleTypes.NewDevice:
                return context.NewDevice ? "device not used before" : null;
            case RiskRuleTypes.LocationChange:
                return context.NewRegion ? $"region {e.Region} not seen before" : null;
            case RiskRuleTypes.TimeOfDay:
                var hour = BehaviourProfile.ChinaHour(e.At);
                var (from, to) = (p.FromHour!.Value, p.ToHour!.Value);
                var inside = from <= to ? hour >= from && hour < to : hour >= from || hour < to;
                return inside ? $"at {hour:D2}:00 China time (window {from:D2}–{to:D2})" : null;
            case RiskRuleTypes.MerchantRisk:
                return e.MerchantRiskLevel is { } level && p.Levels!.Contains(level) ? $"merchant risk level {level}" : null;
            case RiskRuleTypes.ListHit:
                foreach (var list in p.Lists!)
                {
                    var (stored, subject) = list switch
                    {
                        "account" => (RiskLists.Account, SubjectValue(e, "user")),
                        "payee" => (RiskLists.Account, SubjectValue(e, "payee")),
                        _ => (list, SubjectValue(e, list)),
                    };
                    if (subject is not null && context.Lists.Find(stored, subject, e.At) is { } entry)
                    {
                        return $"{list} on the risk list: {entry}";
                    }
                }
                return null;
            case RiskRuleTypes.Profile:
                return context.ProfileScore >= p.MinScore
                    ? $"profile score {context.ProfileScore} ≥ {p.MinScore}: {string.Join(", ", context.ProfileFactors)}"
                    : null;
            default:
                return null;
        }
    }

    public static string? SubjectValue(RiskEvent e, string subject) => subject switch
    {
        "user" => e.UserKey,
        "device" => e.DeviceKey,
        "card" => e.CardToken,
        "merchant" => e.MchId,
        "payee" => e.PayeeKey,
        _ => null,
    };

    /// <summary>Compiles a stored or proposed rule; the error says what is wrong (in English, shown with the stable code).</summary>
    public static (RiskRule? Rule, string? Error) Compile(string ruleId, int version, string type, string kinds, string parametersJson,
        string action, int score, string mode, string description)
    {
        if (!RiskRuleTypes.All.Contains(type))
        {
            return (null, $"unknown type '{type}'; one of {string.Join(", ", RiskRuleTypes.All)}");
        }
        IReadOnlySet<string>? kindSet = null;
        if (kinds != "*")
        {
            var parts = kinds.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0 || parts.Any(k => !RiskKinds.All.Contains(k)))
            {
                return (null, $"kinds must be * or a comma-separated list of {string.Join(", ", RiskKinds.All)}");
            }
            kindSet = parts.ToHashSet(StringComparer.Ordinal);
        }
        if (RiskActions.Parse(action) is not { } parsed || parsed == RiskAction.Allow)
        {
            return (null, "action must be step-up, review or block");
        }
        if (score is < 0 or > 1000 || !RiskRuleTypes.Modes.Contains(mode))
        {
            return (null, "score must be 0–1000 and mode active, dry-run or off");
        }
        RiskRuleParameters? p;
        try
        {
            p = JsonSerializer.Deserialize<RiskRuleParameters>(parametersJson, Json);
        }
        catch (JsonException ex)
        {
            return (null, "parameters: " + ex.Message.Split('.')[0]);
        }
        if (p is null)
        {
            return (null, "parameters: an object is required");
        }
        if (Check(type, p) is { } problem)
        {
            return (null, "parameters: " + problem);
        }
        return (new RiskRule(ruleId, version, type, kindSet, p, parsed, score, mode, description), null);
    }

    private static string? Check(string type, RiskRuleParameters p) => type switch
    {
        RiskRuleTypes.Amount => p.MinFen is > 0 ? null : "minFen (fen, > 0) is required",
        RiskRuleTypes.Velocity => p.Subject is null || !RiskRuleTypes.Subjects.Contains(p.Subject)
            ? $"subject is one of {string.Join(", ", RiskRuleTypes.Subjects)}"
            : p.WindowMinutes is not (> 0 and <= WindowMinutesMax) ? $"windowMinutes is 1–{WindowMinutesMax.ToString(CultureInfo.InvariantCulture)}"
            : p.MaxCount is null && p.MaxSumFen is null ? "maxCount or maxSumFen is required"
            : p.MaxCount is < 0 || p.MaxSumFen is < 0 ? "maxCount and maxSumFen are ≥ 0" : null,
        RiskRuleTypes.TimeOfDay => p.FromHour is not (>= 0 and <= 23) || p.ToHour is not (>= 0 and <= 23) || p.FromHour == p.ToHour
            ? "fromHour and toHour are 0–23 and differ" : null,
        RiskRuleTypes.MerchantRisk => p.Levels is { Length: > 0 } levels && levels.All(l => l is "low" or "medium" or "high")
            ? null : "levels is a non-empty list of low, medium, high",
        RiskRuleTypes.ListHit => p.Lists is { Length: > 0 } lists && lists.All(RiskRuleTypes.Lists.Contains)
            ? null : $"lists is a non-empty list of {string.Join(", ", RiskRuleTypes.Lists)}",
        RiskRuleTypes.Profile => p.MinScore is > 0 ? null : "minScore (> 0) is required",
        _ => null,
    };
}
