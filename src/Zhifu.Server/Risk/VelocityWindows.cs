using System.Collections.Concurrent;

namespace Zhifu.Server.Risk;

/// <summary>
/// Sliding-window counters (RISK-2 velocity): for each subject (a user, device, card, merchant or payee) the recent money
/// movements' times and amounts, so a rule can ask "how many and how much in the last N minutes" without touching the
/// database. Each event keeps its kind, so a rule counts only the kinds it names (R003's "转出" is not fed by top-ups). Events
/// are kept in time order whatever order they arrive in (a released review case brings its decision's time, long after newer
/// movements). Bounded: at most <see cref="EventsPerSubjectMax"/> events per subject and nothing older than the longest window
/// a rule uses; idle subjects are swept.
/// </summary>
public sealed class VelocityWindows
{
    public const int EventsPerSubjectMax = 4096;

    private readonly ConcurrentDictionary<(string Subject, string Value), Window> _windows = new();

    public int Subjects => _windows.Count;

    /// <param name="now">The present: what is older than <paramref name="keep"/> before it is dropped (not the event's own time,
    /// which may be long past).</param>
    public void Add(string subject, string value, string kind, DateTimeOffset at, long amountFen, DateTimeOffset now, TimeSpan keep)
    {
        var dropBefore = (now - keep).UtcTicks;
        if (at.UtcTicks < dropBefore)
        {
            return; // outside every window already
        }
        var window = _windows.GetOrAdd((subject, value), static _ => new Window());
        lock (window)
        {
            window.Add(at.UtcTicks, amountFen, RiskKinds.Bit(kind), dropBefore);
        }
    }

    /// <summary>Takes back one event <see cref="Add"/>ed with these values (a movement counted at its decision that did not go
    /// ahead); nothing when there is none (dropped as old, or pushed out of a full window).</summary>
    public void Remove(string subject, string value, string kind, DateTimeOffset at, long amountFen)
    {
        if (_windows.TryGetValue((subject, value), out var window))
        {
            lock (window)
            {
                window.Remove(at.UtcTicks, amountFen, RiskKinds.Bit(kind));
            }
        }
    }

    /// <summary>Count and sum of the subject's events of the kinds in <paramref name="kinds"/> (<see cref="RiskKinds.Bit"/>s)
    /// strictly after <paramref name="since"/>.</summary>
    public (int Count, long SumFen) Since(string subject, string value, DateTimeOffset since, int kinds = RiskKinds.AllBits)
    {
        if (!_windows.TryGetValue((subject, value), out var window))
        {
            return (0, 0);
        }
        lock (window)
        {
            return window.Since(since.UtcTicks, kinds);
        }
    }

    /// <summary>Drops subjects with nothing newer than <paramref name="before"/> (the profile worker calls this).</summary>
    public int Sweep(DateTimeOffset before)
    {
        var dropped = 0;
        foreach (var (key, window) in _windows)
        {
            bool idle;
            lock (window)
            {
                idle = window.LastTicks < before.UtcTicks;
            }
            if (idle && _windows.TryRemove(key, out _))
            {
                dropped++;
            }
        }
        return dropped;
    }

    /// <summary>A ring of (time, amount, kind) in time order: an event arriving late is moved back to its place (usually no
    /// step at all, a few when concurrent movements finish out of order).</summary>
    private sealed class Window
    {
        private long[] _ticks = new long[8];
        private long[] _amounts = new long[8];
        private byte[] _kinds = new byte[8];
        private int _start;
        private int _count;

        public long LastTicks => _count == 0 ? long.MinValue : _ticks[(_start + _count - 1) % _ticks.Length];

        public void Add(long ticks, long amount, int kind, long dropBefore)
        {
            if (_count >= EventsPerSubjectMax && ticks < _ticks[_start])
            {
                return; // full, and older than everything kept: the newest are what the windows need
            }
            while (_count > 0 && (_ticks[_start] < dropBefore || _count >= EventsPerSubjectMax))
            {
                _start = (_start + 1) % _ticks.Length;
                _count--;
            }
            if (_count == _ticks.Length)
            {
                Grow();
            }
            if (_count > 0 && ticks < _ticks[_start])
            {
                // older than everything kept (the rebuild reads newest first): in front, without moving the rest
                _start = (_start - 1 + _ticks.Length) % _ticks.Length;
                (_ticks[_start], _amounts[_start], _kinds[_start]) = (ticks, amount, (byte)kind);
                _count++;
                return;
            }
            var i = _count++;
            for (; i > 0; i--)
            {
                var before = (_start + i - 1) % _ticks.Length;
                if (_ticks[before] <= ticks)
                {
                    break;
                }
                var to = (_start + i) % _ticks.Length;
                (_ticks[to], _amounts[to], _kinds[to]) = (_ticks[before], _amounts[before], _kinds[before]);
            }
            var at = (_start + i) % _ticks.Length;
            (_ticks[at], _amounts[at], _kinds[at]) = (ticks, amount, (byte)kind);
        }

        public void Remove(long ticks, long amount, int kind)
        {
            for (var i = _count - 1; i >= 0; i--)
            {
                var at = (_start + i) % _ticks.Length;
                if (_ticks[at] < ticks)
                {
                    return; // in time order: it would have been met by now
                }
                if (_ticks[at] != ticks || _amounts[at] != amount || _kinds[at] != (byte)kind)
                {
                    continue;
                }
                for (var j = i; j < _count - 1; j++)
                {
                    var (to, from) = ((_start + j) % _ticks.Length, (_start + j + 1) % _ticks.Length);
                    (_ticks[to], _amounts[to], _kinds[to]) = (_ticks[from], _amounts[from], _kinds[from]);
                }
                _count--;
                return;
            }
        }

        public (int, long) Since(long ticks, int kinds)
        {
            var (count, sum) = (0, 0L);
            for (var i = _count - 1; i >= 0; i--)
            {
                var at = (_start + i) % _ticks.Length;
                if (_ticks[at] <= ticks)
                {
                    break;
                }
                if ((_kinds[at] & kinds) != 0)
                {
                    count++;
                    sum += _amounts[at];
                }
            }
            return (count, sum);
        }

        private void Grow()
        {
            var size = Math.Min(_ticks.Length * 2, EventsPerSubjectMax);
            var (ticks, amounts, kinds) = (new long[size], new long[size], new byte[size]);
            for (var i = 0; i < _count; i++)
            {
                var at = (_start + i) % _ticks.Length;
                (ticks[i], amounts[i], kinds[i]) = (_ticks[at], _amounts[at], _kinds[at]);
            }
            (_ticks, _amounts, _kinds, _start) = (ticks, amounts, kinds, 0);
        }
    }
}
