namespace Zhifu.Server.Statements;

/// <summary>
/// The statement's one order — newest first: <see cref="StatementEntry.At"/> descending, then
/// <see cref="StatementEntry.RecordId"/> descending in RFC 9562 byte order, which is how SQLite (big-endian blobs) and
/// PostgreSQL (uuid) sort ids. Every source sorts its rows this way in SQL, so a merged page and its cursor agree with them.
/// </summary>
public static class StatementOrder
{
    /// <summary>Newest first.</summary>
    public static IComparer<StatementEntry> NewestFirst { get; } = Comparer<StatementEntry>.Create((x, y) =>
    {
        var byTime = y.At.UtcTicks.CompareTo(x.At.UtcTicks);
        return byTime != 0 ? byTime : CompareIds(y.RecordId, x.RecordId);
    });

    /// <summary>Compares ids as the databases do: their 16 bytes in RFC 9562 (big-endian) order.</summary>
    public static int CompareIds(Guid a, Guid b)
    {
        Span<byte> x = stackalloc byte[16];
        Span<byte> y = stackalloc byte[16];
        a.TryWriteBytes(x, bigEndian: true, out _);
        b.TryWriteBytes(y, bigEndian: true, out _);
        return x.SequenceCompareTo(y);
    }

    /// <summary>True when the entry belongs on a page of the query: in range, of a wanted kind, strictly after the cursor.</summary>
    public static bool Admits(this StatementQuery query, StatementEntry entry)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(entry);
        if ((query.From is { } from && entry.At < from) || (query.To is { } to && entry.At >= to)
            || (query.Kinds is { } kinds && !kinds.Contains(entry.Kind)))
        {
            return false;
        }
        return query.Before is not { } before || entry.At < before
            || (entry.At == before && query.BeforeId is { } id && CompareIds(entry.RecordId, id) < 0);
    }

    /// <summary>True when a source producing <paramref name="kinds"/> has anything to give the query.</summary>
    public static bool Wants(this StatementQuery query, IEnumerable<string> kinds)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query.Kinds is not { } wanted || kinds.Any(wanted.Contains);
    }
}
