using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;

namespace Zhifu.Bench.Results;

/// <summary>The machine the figures were measured on; figures without it mean nothing.</summary>
internal sealed record MachineInfo(
    string Cpu, int Cores, string Memory, string Os, string Runtime, string Gc, string LoadAverage, DateTimeOffset At)
{
    public static MachineInfo Read() => new(
        Cpu: ProcLine("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        Cores: Environment.ProcessorCount,
        Memory: ProcLine("/proc/meminfo", "MemTotal") is { } kb ? FormatKb(kb) : "unknown",
        Os: OsName(),
        Runtime: $"{RuntimeInformation.FrameworkDescription} ({RuntimeInformation.RuntimeIdentifier})",
        Gc: GCSettings.IsServerGC ? "server GC" : "workstation GC",
        LoadAverage: File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown",
        At: DateTimeOffset.UtcNow);

    private static string? ProcLine(string file, string key) =>
        File.Exists(file)
            ? File.ReadLines(file).Where(l => l.StartsWith(key, StringComparison.Ordinal))
                .Select(l => l[(l.IndexOf(':') + 1)..].Trim()).FirstOrDefault()
            : null;

    private static string FormatKb(string memTotal)
    {
        var kb = long.Parse(memTotal.Split(' ')[0], CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{kb / 1024.0 / 1024.0:0.0} GiB");
    }

    private static string OsName()
    {
        var pretty = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?[12..].Trim('"')
            : null;
        return pretty is null ? RuntimeInformation.OSDescription : $"{pretty}, kernel {Environment.OSVersion.Version}";
    }
}
