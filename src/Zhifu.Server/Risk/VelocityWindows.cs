using System.Collections.Concurrent;

namespace Zhifu.Server.Risk;

/// <summary>
/// Sliding-window counters (RISK-2 velocity): for each subject (a user, device, card, merchant or payee) the recent money
/// movements' times and amounts, so a rule can ask "how many and how much in the last N minutes" without touching the
/// database. Bounded: at most <see cref="EventsPerSubjectMax"/> events per subject and nothing older than the longest window
/// a rule uses; idle subjects are swept.
/// </summary>
public sealed class VelocityWindows
{
    public const int EventsPerSubjectMax = 4096;

    private readonly ConcurrentDictionary<(string Subject, string Value), Window> _windows = new();

    public int Subjects => _windows.Count;

    public void Add(string subject, string value, DateTimeOffset at, long amountFen, TimeSpan keep)
    {
        var window = _windows.GetOrAdd((subject, value), static _ => new Window());
        lock (window)
        {
            window.Add(at.UtcTicks, amountFen, (at - keep).UtcTicks);
        }
    }

    /// <summary>Count and sum of the subject's events strictly after <paramref name="since"/>.</summary>
    public (int Count, long SumFen) Since(string subject, string value, DateTimeOffset since)
    {
        if (!_windows.TryGetValue((subject, value), out var window))
        {
            return (0, 0);
        }
        lock (window)
        {
            return window.Since(since.UtcTicks);
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

    /// <summary>A ring of (time, amount) in arrival order; arrival order is time order within a clock's resolution.</summary>
    private sealed class Window
    {
        private long[] _ticks = new long[8];
        private long[] _amounts = new long[8];
        private int _start;
        private int _count;

        public long LastTicks => _count == 0 ? long.MinValue : _ticks[(_start + _count - 1) % _ticks.Length];

        public void Add(long ticks, long amount, long dropBefore)
        {
            while (_count > 0 && (_ticks[_start] < dropBefore || _count >= EventsPerSubjectMax))
            {
                _start = (_start + 1) % _ticks.Length;
                _count--;
            }
            if (_count == _ticks.Length)
            {
                Grow();
            }
            var at = (_start + _count) % _ticks.Length;
            (_ticks[at], _amounts[at]) = (ticks, amount);
            _count++;
        }

        public (int, long) Since(long ticks)
        {
            var (count, sum) = (0, 0L);
            for (var i = _count - 1; i >= 0; i--)
            {
                var at = (_start + i) % _ticks.Length;
                if (_ticks[at] <= ticks)
                {
                    break;
                }
                count++;
                sum += _amounts[at];
            }
            return (count, sum);
        }

        private void Grow()
        {
            var size = Math.Min(_ticks.Length * 2, EventsPerSubjectMax);
            var (ticks, amounts) = (new long[size], new long[size]);
            for (var i = 0; i < _count; i++)
            {
                var at = (_start + i) % _ticks.Length;
                (ticks[i], amounts[i]) = (_ticks[at], _amounts[at]);
            }
            (_ticks, _amounts, _start) = (ticks, amounts, 0);
        }
    }
}
