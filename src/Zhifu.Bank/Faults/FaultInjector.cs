namespace Zhifu.Bank.Faults;

/// <summary>What the dice decided for one money request.</summary>
internal enum FaultKind
{
    None,
    Timeout,
    Unknown,
}

/// <summary>One request's fate: the fault, whether the bank still carries the request out, and the callback count.</summary>
internal sealed record FaultDraw(FaultKind Kind, bool Processed, int Callbacks, int HoldMs);

/// <summary>Rolls the fault dice from a seedable generator; the plan can be replaced at run time.</summary>
internal sealed class FaultInjector(FaultPlan plan)
{
    private readonly Lock _gate = new();
    private FaultPlan _plan = plan;
    private Random _dice = Dice(plan);

    public FaultPlan Plan
    {
        get { lock (_gate) { return _plan; } }
    }

    public void Replace(FaultPlan plan)
    {
        lock (_gate)
        {
            _plan = plan;
            _dice = Dice(plan);
        }
    }

    /// <summary>Always three rolls, so a given seed yields the same sequence of fates for the same sequence of requests.</summary>
    public FaultDraw Draw()
    {
        lock (_gate)
        {
            double fault = _dice.NextDouble(), processed = _dice.NextDouble(), duplicate = _dice.NextDouble();
            var kind = fault < _plan.TimeoutRate ? FaultKind.Timeout
                : fault < _plan.TimeoutRate + _plan.UnknownRate ? FaultKind.Unknown
                : FaultKind.None;
            // Both halves matter for CARD-4: "carried out, answer lost" and "never carried out" need different recoveries.
            return new FaultDraw(kind, kind == FaultKind.None || processed < 0.5, duplicate < _plan.DuplicateCallbackRate ? 2 : 1,
                _plan.TimeoutHoldMs);
        }
    }

    public Task DelayAsync() => Plan.LatencyMs > 0 ? Task.Delay(Plan.LatencyMs) : Task.CompletedTask;

    // Seeded dice are for repeatable tests, not for anything secret.
#pragma warning disable CA5394
    private static Random Dice(FaultPlan plan) => plan.Seed is { } seed ? new Random(seed) : new Random();
#pragma warning restore CA5394
}
