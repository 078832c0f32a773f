namespace Zhifu.Core;

/// <summary>
/// The one source of time. Limits, delays, dormancy and expiry are all time rules, so tests move a
/// fake clock instead of sleeping.
/// </summary>
public interface IClock
{
    /// <summary>The current instant in UTC.</summary>
    DateTimeOffset UtcNow { get; }
}

/// <summary>The machine's clock.</summary>
public sealed class SystemClock : IClock
{
    /// <summary>The shared instance.</summary>
    public static SystemClock Instance { get; } = new();

    /// <inheritdoc />
    public DateTimeOffset UtcNow => DateTimeOffset.UtcNow;
}

/// <summary>A clock that only moves when told to (tests, simulations).</summary>
public sealed class ManualClock(DateTimeOffset start) : IClock
{
    private long _ticks = start.UtcTicks;

    /// <inheritdoc />
    public DateTimeOffset UtcNow => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    /// <summary>Moves the clock forward.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _ticks, by.Ticks);
    }
}

/// <summary>Business time is China Standard Time: day and year boundaries of limits are in Asia/Shanghai.</summary>
public static class ChinaTime
{
    /// <summary>Asia/Shanghai (UTC+8, no daylight saving).</summary>
    public static TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>The instant as local time in Asia/Shanghai.</summary>
    public static DateTimeOffset ToChina(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);

    /// <summary>Midnight in China of the China day <paramref name="instant"/> falls on (China keeps no daylight saving), as UTC —
    /// the form PostgreSQL's timestamptz parameters take.</summary>
    public static DateTimeOffset StartOfChinaDay(DateTimeOffset instant)
    {
        var china = ToChina(instant);
        return new DateTimeOffset(china.Date, china.Offset).ToUniversalTime();
    }

    /// <summary>Formats an instant for people: <c>2026-11-23 18:05:09</c> in Asia/Shanghai.</summary>
    public static string Format(DateTimeOffset instant) =>
        ToChina(instant).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Lets one caller through at most once per period (e.g. a purge run from a request path): lock-free; of callers arriving at
/// the same time when it is due, exactly one is let through.
/// </summary>
public sealed class OncePer(TimeSpan period)
{
    private long _nextTicks;

    /// <summary>True for the one caller that may run now; the next may run a period later.</summary>
    public bool TryEnter(DateTimeOffset now)
    {
        var due = Interlocked.Read(ref _nextTicks);
        return now.UtcTicks >= due && Interlocked.CompareExchange(ref _nextTicks, now.Add(period).UtcTicks, due) == due;
    }
}
