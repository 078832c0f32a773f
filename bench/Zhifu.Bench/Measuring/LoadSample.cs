using System.Diagnostics;
using System.Globalization;

namespace Zhifu.Bench.Measuring;

/// <summary>
/// CPU and memory counters at one instant, so that a window's differences tell where the 2 cores went: the machine
/// (PostgreSQL and anything else running), this process, the ledger writer's thread; the garbage collector; and the SQLite
/// commits of this process (synced to disk at synchronous=FULL on the thread that commits, unless made by UnsyncedCommit).
/// </summary>
internal readonly record struct LoadSample(
    long Timestamp, long MachineBusyTicks, long MachineTotalTicks, TimeSpan ProcessCpu, long WriterThreadTicks, long PostgresTicks,
    long AllocatedBytes, TimeSpan GcPause, int Gen2Collections, long SqliteCommits,
    long SqliteUnsyncedCommits)
{
    // USER_HZ: /proc reports CPU time in 1/100 s on Linux.
    private const double ClockTicksPerSecond = 100;

    /// <summary>The writer thread's name as Linux keeps it (15 characters of "zhifu-ledger-writer").</summary>
    private const string WriterThreadComm = "zhifu-ledger-wr";

    /// <param name="postgresPort">The port of the PostgreSQL server under test, whose processes are counted apart; null on SQLite.</param>
    public static LoadSample Take(int? postgresPort)
    {
        var (busy, total) = ReadMachine();
        var postgres = postgresPort is { } port ? ReadPostgres(port) : 0;
        return new LoadSample(Stopwatch.GetTimestamp(), busy, total, Process.GetCurrentProcess().TotalProcessorTime, ReadWriterThread(),
            postgres, GC.GetTotalAllocatedBytes(precise: false), GC.GetTotalPauseDuration(), GC.CollectionCount(2),
            Zhifu.Data.SqliteBusyWait.Commits, Zhifu.Data.UnsyncedCommit.SqliteCommits);
    }

    public static LoadDelta Between(LoadSample from, LoadSample to, long transfers)
    {
        var seconds = Stopwatch.GetElapsedTime(from.Timestamp, to.Timestamp).TotalSeconds;
        var machineTicks = to.MachineTotalTicks - from.MachineTotalTicks;
        var machineCores = machineTicks == 0
            ? 0
            : (double)(to.MachineBusyTicks - from.MachineBusyTicks) / machineTicks * Environment.ProcessorCount;
        var processCores = (to.ProcessCpu - from.ProcessCpu).TotalSeconds / seconds;
        var postgresCores = (to.PostgresTicks - from.PostgresTicks) / ClockTicksPerSecond / seconds;
        return new LoadDelta(
            MachineCores: machineCores,
            ProcessCores: processCores,
            PostgresCores: postgresCores,
            OtherCores: Math.Max(0, machineCores - processCores - postgresCores),
            WriterThreadShare: from.WriterThreadTicks < 0 || to.WriterThreadTicks < 0
                ? null
                : (to.WriterThreadTicks - from.WriterThreadTicks) / ClockTicksPerSecond / seconds,
            BytesAllocatedPerTransfer: transfers == 0 ? 0 : (double)(to.AllocatedBytes - from.AllocatedBytes) / transfers,
            GcPauseShare: (to.GcPause - from.GcPause).TotalSeconds / seconds,
            Gen2Collections: to.Gen2Collections - from.Gen2Collections,
            SqliteCommitsPerTransfer: transfers == 0 ? 0 : (double)(to.SqliteCommits - from.SqliteCommits) / transfers,
            SqliteSyncedCommitsPerTransfer: transfers == 0 ? 0
                : (double)(to.SqliteCommits - from.SqliteCommits - (to.SqliteUnsyncedCommits - from.SqliteUnsyncedCommits)) / transfers);
    }

    internal static (long Busy, long Total) ReadMachine()
    {
        // First line of /proc/stat: cpu user nice system idle iowait irq softirq steal ...
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Take(8).Sum();
        var idle = fields[3] + fields[4];
        return (total - idle, total);
    }

    /// <summary>
    /// CPU time of the PostgreSQL server under test: its postmaster (the postgres process started with <c>-p port</c>) and its
    /// children (backends, WAL writer, checkpointer …). Another cluster on the machine counts as "other".
    /// </summary>
    private static long ReadPostgres(int port)
    {
        var processes = new List<(int Pid, int ParentPid, long Ticks, string CommandLine)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (!int.TryParse(Path.GetFileName(dir), out var pid) || File.ReadAllText(Path.Combine(dir, "comm")).Trim() != "postgres")
                {
                    continue;
                }
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                var commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                processes.Add((pid, parent, UserPlusSystemTicks(stat), commandLine));
            }
            catch (IOException)
            {
                // The process ended between listing and reading.
            }
        }
        var portArgument = $"-p {port} ";
        var postmaster = processes.FirstOrDefault(p => p.CommandLine.Contains(portArgument, StringComparison.Ordinal)
            || p.CommandLine.Contains($"port={port} ", StringComparison.Ordinal));
        return processes.Where(p => postmaster.Pid != 0 && (p.Pid == postmaster.Pid || p.ParentPid == postmaster.Pid)).Sum(p => p.Ticks);
    }

    // Fields after "(comm)": state is field 3, utime and stime are fields 14 and 15.
    private static long UserPlusSystemTicks(string stat)
    {
        var after = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(after[11], CultureInfo.InvariantCulture) + long.Parse(after[12], CultureInfo.InvariantCulture);
    }

    private static long ReadWriterThread()
    {
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).Trim() != WriterThreadComm)
                {
                    continue;
                }
                return UserPlusSystemTicks(File.ReadAllText(Path.Combine(task, "stat")));
            }
            catch (IOException)
            {
                // The thread ended between listing and reading (a writer being disposed).
            }
        }
        return -1;
    }
}

/// <summary>
/// Where CPU went during a window, in cores (0–2 on this machine); other = neither this process nor PostgreSQL. SQLite commits
/// are those SQLite reported to <see cref="Zhifu.Data.SqliteBusyWait"/>'s commit hook (EF's connections and the ledger's; 0 on
/// PostgreSQL); the synced ones are those less the ones <see cref="Zhifu.Data.UnsyncedCommit"/> made without their sync.
/// </summary>
internal sealed record LoadDelta(
    double MachineCores,
    double ProcessCores,
    double PostgresCores,
    double OtherCores,
    double? WriterThreadShare,
    double BytesAllocatedPerTransfer,
    double GcPauseShare,
    int Gen2Collections,
    double SqliteCommitsPerTransfer,
    double SqliteSyncedCommitsPerTransfer);
