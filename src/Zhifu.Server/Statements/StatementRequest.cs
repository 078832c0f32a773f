using System.Globalization;
using Zhifu.Server.Accounts;

namespace Zhifu.Server.Statements;

/// <summary>
/// Turns the statement route's query string into a <see cref="StatementQuery"/>, refusing anything doubtful with a stable
/// code — never clamping: a client asking for 500 lines and quietly getting 100 would think it had them all.
/// </summary>
public static class StatementRequest
{
    public const int LimitDefault = 20;
    public const int LimitMax = 100;
    private const int KindsMax = 16;
    private const int TextMax = 40;

    private static readonly string[] OffsetFormats =
        ["yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'"];

    private static readonly string[] LocalFormats = ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm"];

    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    public static (StatementQuery? Query, WalletError? Error) Parse(Guid userId, string? from, string? to, string[]? kind, string? cursor,
        string? limit, IReadOnlySet<string> knownKinds)
    {
        ArgumentNullException.ThrowIfNull(knownKinds);
        var (start, startOk) = Instant(from, endOfDay: false);
        var (end, endOk) = Instant(to, endOfDay: true);
        if (!startOk || !endOk)
        {
            return (null, StatementErrors.BadTime);
        }
        if (start is { } s && end is { } e && s >= e)
        {
            return (null, StatementErrors.BadRange);
        }
        HashSet<string>? kinds = null;
        if (kind is { Length: > 0 })
        {
            var words = kind.SelectMany(k => (k ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                .ToList();
            if (words.Count is 0 or > KindsMax || words.Any(w => !knownKinds.Contains(w)))
            {
                return (null, StatementErrors.BadKind);
            }
            kinds = [.. words];
        }
        (DateTimeOffset At, Guid Id)? position = null;
        if (cursor is not null && (position = StatementCursor.Decode(cursor)) is null)
        {
            return (null, StatementErrors.BadCursor);
        }
        var size = LimitDefault;
        if (limit is not null
            && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > LimitMax))
        {
            return (null, StatementErrors.BadLimit);
        }
        return (new StatementQuery(userId, start, end, kinds, position?.At, position?.Id, size), null);
    }

    /// <summary>
    /// A date is a day in China time (as <c>from</c> its start, as <c>to</c> its end); a time without an offset is China time.
    /// A '+' that the query string turned into a space is taken back. All instants come out in UTC (the databases compare
    /// stored UTC values).
    /// </summary>
    public static (DateTimeOffset? At, bool Ok) Instant(string? text, bool endOfDay)
    {
        if (text is null)
        {
            return (null, true);
        }
        if (text.Length is 0 or > TextMax)
        {
            return (null, false);
        }
        text = text.Replace(' ', '+');
        var invariant = CultureInfo.InvariantCulture;
        DateTimeOffset at;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", invariant, DateTimeStyles.None, out var day))
        {
            if (!Plausible(day.Year))
            {
                return (null, false);
            }
            at = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), China);
            at = endOfDay ? at.AddDays(1) : at;
        }
        else if (DateTime.TryParseExact(text, LocalFormats, invariant, DateTimeStyles.None, out var local))
        {
            if (!Plausible(local.Year))
            {
                return (null, false);
            }
            at = new DateTimeOffset(local, China);
        }
        else if (!DateTimeOffset.TryParseExact(text, OffsetFormats, invariant, DateTimeStyles.AssumeUniversal, out at))
        {
            return (null, false);
        }
        return Plausible(at.Year) ? (at.ToUniversalTime(), true) : (null, false);
    }

    /// <summary>Years the databases and the cursor hold comfortably, checked before any offset arithmetic could overflow.</summary>
    private static bool Plausible(int year) => year is >= 2000 and <= 9000;
}
