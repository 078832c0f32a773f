namespace Zhifu.Server.Risk;

/// <summary>What the engine answers (RISK-1), ordered by severity: the strictest hit wins.</summary>
public enum RiskAction
{
    /// <summary>放行.</summary>
    Allow = 0,
    /// <summary>加强验证: a second verification (SMS one-time code) before the money moves.</summary>
    StepUp = 1,
    /// <summary>人工审核: the money is held (a pending transfer) until a risk operator decides the case.</summary>
    Review = 2,
    /// <summary>拦截: refused.</summary>
    Block = 3,
}

/// <summary>The money movement kinds the engine sees.</summary>
public static class RiskKinds
{
    public const string Payment = "payment";
    public const string Transfer = "transfer";
    public const string TopUp = "topup";
    public const string Withdrawal = "withdrawal";
    /// <summary>免密支付 (PWL-4): the passwordless charges of issue 9 will be decided under this kind.</summary>
    public const string Passwordless = "passwordless";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
        { Payment, Transfer, TopUp, Withdrawal, Passwordless };

    /// <summary>Every kind's <see cref="Bit"/>.</summary>
    public const int AllBits = (1 << 5) - 1;

    /// <summary>The kind as one bit of a set, as velocity windows keep it.</summary>
    public static int Bit(string kind) => kind switch
    {
        Payment => 1,
        Transfer => 2,
        TopUp => 4,
        Withdrawal => 8,
        Passwordless => 16,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a movement kind"),
    };

    /// <summary>The set of kinds a rule names (null: all of them).</summary>
    public static int Bits(IReadOnlySet<string>? kinds) => kinds is null ? AllBits : kinds.Aggregate(0, (bits, kind) => bits | Bit(kind));
}

/// <summary>
/// One money movement as the engine sees it. The device is its keyed blind index (never the raw id) and the region the
/// coarse area code the wallet reports (行政区划代码), so neither is personal data in the engine's memory or its records.
/// </summary>
public sealed record RiskEvent(
    string Kind,
    Guid BusinessId,
    Guid UserId,
    long AmountFen,
    DateTimeOffset At,
    string? MchId = null,
    string? MerchantRiskLevel = null,
    Guid? PayeeUserId = null,
    string? CardToken = null,
    string? DeviceKey = null,
    string? Region = null)
{
    private string? _userKey;
    private string? _payeeKey;

    /// <summary>The user id as velocity windows and lists key it (formatted once per event, not once per rule).</summary>
    public string UserKey => _userKey ??= UserId.ToString("N");

    public string? PayeeKey => PayeeUserId is { } payee ? _payeeKey ??= payee.ToString("N") : null;
}

/// <summary>One rule that fired: which rule and version, what it asks for, its score and why (shown to operators).</summary>
public sealed record RiskHit(string RuleId, int Version, string Action, int Score, string Reason);

/// <summary>The engine's answer (RISK-1): the action, the summed score and the reasons; dry-run rules' hits kept apart.</summary>
public sealed record RiskDecision(Guid Id, RiskEvent Event, RiskAction Action, int Score, IReadOnlyList<RiskHit> Hits,
    IReadOnlyList<RiskHit> DryRunHits)
{
    public string Reasons => string.Join("; ", Hits.Select(h => $"{h.RuleId} v{h.Version}: {h.Reason}"));
}

/// <summary>Action names as stored and shown.</summary>
public static class RiskActions
{
    public static string Name(RiskAction action) => action switch
    {
        RiskAction.StepUp => "step-up",
        RiskAction.Review => "review",
        RiskAction.Block => "block",
        _ => "allow",
    };

    public static RiskAction? Parse(string? name) => name switch
    {
        "allow" => RiskAction.Allow,
        "step-up" => RiskAction.StepUp,
        "review" => RiskAction.Review,
        "block" => RiskAction.Block,
        _ => null,
    };
}
