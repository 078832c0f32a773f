using System.Globalization;
using Zhifu.Bank.Hosting;
using Zhifu.Core.Banking;

namespace Zhifu.Bank.Faults;

/// <summary>
/// What can go wrong on the channel, from the <c>Faults</c> section (e.g. <c>Faults:TimeoutRate</c>) or
/// <c>PUT /admin/faults</c> (snake_case). Timeouts and unknowns hit debits, credits and reversals; latency hits every /v1 call.
/// </summary>
internal sealed record FaultPlan
{
    /// <summary>Added before every /v1 answer.</summary>
    public int LatencyMs { get; init; }

    /// <summary>Share of money requests whose answer is held past the client's timeout; half of them were carried out.</summary>
    public double TimeoutRate { get; init; }

    /// <summary>Share of money requests answered <c>unknown</c>; half of them were carried out.</summary>
    public double UnknownRate { get; init; }

    /// <summary>Share of result callbacks (to <c>notify_url</c>) sent twice.</summary>
    public double DuplicateCallbackRate { get; init; }

    /// <summary>How long a timed-out answer is held; must exceed the client's timeout (the platform's default is 3000).</summary>
    public int TimeoutHoldMs { get; init; } = 5000;

    /// <summary>Seed for the fault dice, for repeatable runs; null draws a fresh seed.</summary>
    public int? Seed { get; init; }

    public static FaultPlan From(IConfiguration section)
    {
        var defaults = new FaultPlan();
        var plan = new FaultPlan
        {
            LatencyMs = section.GetValue(nameof(LatencyMs), defaults.LatencyMs),
            TimeoutRate = section.GetValue(nameof(TimeoutRate), defaults.TimeoutRate),
            UnknownRate = section.GetValue(nameof(UnknownRate), defaults.UnknownRate),
            DuplicateCallbackRate = section.GetValue(nameof(DuplicateCallbackRate), defaults.DuplicateCallbackRate),
            TimeoutHoldMs = section.GetValue(nameof(TimeoutHoldMs), defaults.TimeoutHoldMs),
            Seed = section.GetValue<int?>(nameof(Seed)),
        };
        // A mistyped fault setting must stop the simulator at start, not silently test something else.
        return plan.Check() is { } error ? throw new InvalidOperationException($"Faults: {error.Message}") : plan;
    }

    public ApiError? Check()
    {
        static bool IsRate(double rate) => rate is >= 0 and <= 1;
        var fine = LatencyMs is >= 0 and <= 60_000 && TimeoutHoldMs is >= 0 and <= 120_000 && IsRate(TimeoutRate) && IsRate(UnknownRate)
            && IsRate(DuplicateCallbackRate) && TimeoutRate + UnknownRate <= 1;
        return fine ? null : new ApiError(BankErrorCodes.InvalidFaults, string.Create(CultureInfo.InvariantCulture,
            $"rates 0..1 with timeout_rate + unknown_rate <= 1, latency_ms 0..60000, timeout_hold_ms 0..120000 (got {this})"));
    }
}
