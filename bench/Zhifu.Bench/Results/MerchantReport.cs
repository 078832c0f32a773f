using System.Text;
using Zhifu.Bench.Merchant;

namespace Zhifu.Bench.Results;

/// <summary>Writes <c>bench/results/merchant.md</c>: targets, checks, machine, configuration, figures per database.</summary>
internal sealed partial class MerchantReport(
    MachineInfo machine, MerchantPlan plan, IReadOnlyList<(string Name, IReadOnlyList<string> Settings)> databases,
    IReadOnlyList<MerchantRun> runs, TimeSpan elapsed)
{
    private readonly StringBuilder _md = new();

    public string ToMarkdown()
    {
        Line($"# Merchant payments benchmark{(plan.Quick ? " (quick smoke run: figures not meaningful)" : "")}");
        Line();
        var command = $"merchant{(plan.Quick ? " --quick" : "")}{(databases.Count > 1 ? " --pg …" : "")}";
        Line($"Measured {machine.At:yyyy-MM-dd HH:mm} UTC by `dotnet run -c Release --project bench/Zhifu.Bench -- {command}` "
            + $"in {elapsed.TotalSeconds:0} s. How to run it: `bench/README.md`.");
        Line();
        WriteTargets();
        WriteChecks();
        WriteMachine();
        WriteConfiguration();
        foreach (var (name, _) in databases)
        {
            WriteDatabase(name);
        }
        return _md.ToString();
    }

    private void WriteTargets()
    {
        Line("## Targets of the issue (6, item 9)");
        Line();
        var table = new MarkdownTable("target", "measured", "verdict").WithTextColumns(3);
        foreach (var verdict in MerchantTargets.Judge(runs))
        {
            table.Add(verdict.Target, verdict.Measured, verdict.Pass ? "pass" : "**FAIL**");
        }
        table.WriteTo(_md);
    }

    private void WriteChecks()
    {
        Line("## Checks after every server's runs");
        Line();
        foreach (var run in runs)
        {
            var audit = run.Audit;
            Line(audit.Sound
                ? $"- {run.Database}, {run.Label}: all {audit.Orders:N0} orders SUCCESS exactly once for the amount ordered "
                    + $"(¥{audit.TotalFen / 100.0:N2} in all), paid by the wallet that was sent, one notification delivered and one "
                    + "callback verified each; each wallet's balance fell by exactly what it paid; `verify` holds."
                : $"- {run.Database}, {run.Label}: **PROBLEMS** ({audit.Orders:N0} orders, verify "
                    + $"{(audit.VerifyHolds ? "holds" : "FAILS")}): {string.Join("; ", audit.Problems)}");
        }
        Line();
    }

    private void WriteMachine()
    {
        Line("## Machine");
        Line();
        Line($"- CPU: {machine.Cpu}, {machine.Cores} cores, shared by the server, its bank simulator, the bench's merchant, wallets and "
            + "notify endpoint, and (for PostgreSQL) the database");
        Line($"- Memory: {machine.Memory}");
        Line($"- OS: {machine.Os}");
        Line($"- .NET: {machine.Runtime}, {machine.Gc}");
        Line($"- Load average when the run started: {machine.LoadAverage}. The machine is shared: the *others* columns say how many "
            + "cores other processes took during each window; before each window the harness waits (at most "
            + $"{plan.QuietWaitMax.TotalSeconds:0} s) for a quiet machine. Compare the ratios, which are measured minutes apart on the "
            + "same machine, rather than the absolute rates.");
        Line();
    }

    private void Line(string text = "") => _md.Append(text).Append('\n');
}
