using System.Text;
using Zhifu.Bench.Ledger;
using Zhifu.Core;

namespace Zhifu.Bench.Results;

/// <summary>Writes <c>bench/results/ledger.md</c>: targets, machine, configuration, one section per database, ratios.</summary>
internal sealed partial class LedgerReport(
    MachineInfo machine, LedgerPlan plan, IReadOnlyList<DatabaseTarget> targets, IReadOnlyList<LedgerRun> runs,
    IReadOnlyList<PhaseProfile> phases, TimeSpan elapsed)
{
    private readonly StringBuilder _md = new();

    public string ToMarkdown()
    {
        Line($"# Ledger benchmark{(plan.Quick ? " (quick smoke run: figures not meaningful)" : "")}");
        Line();
        var command = $"ledger{(plan.Quick ? " --quick" : "")}{(targets.Count > 1 ? " --pg …" : "")}";
        Line($"Measured {machine.At:yyyy-MM-dd HH:mm} UTC by `dotnet run -c Release --project bench/Zhifu.Bench -- {command}` "
            + $"in {elapsed.TotalSeconds:0} s. How to run it: `bench/README.md`.");
        Line();
        WriteTargets();
        WriteMachine();
        WriteConfiguration();
        foreach (var target in targets)
        {
            WriteDatabase(target);
        }
        WriteRatios();
        return _md.ToString();
    }

    private void WriteMachine()
    {
        Line("## Machine");
        Line();
        Line($"- CPU: {machine.Cpu}, {machine.Cores} cores, shared by the callers, the writer, the GC and (for PostgreSQL) the server");
        Line($"- Memory: {machine.Memory}");
        Line($"- OS: {machine.Os}");
        Line($"- .NET: {machine.Runtime}, {machine.Gc}");
        Line($"- Load average when the run started: {machine.LoadAverage}. The machine is shared: the *others* column below says how "
            + "much CPU other processes took during each window. Before each row the harness waits briefly for a quiet machine; "
            + "rows disturbed by more than half a core are measured again at the end and the less disturbed run is kept (within "
            + $"{plan.ExtrasBudget.TotalSeconds:0} s per run, so a busy machine shows in the results rather than stretching the run).");
        Line();
    }

    private void WriteConfiguration()
    {
        Line("## Configuration");
        Line();
        Line($"- **Uniform**: {plan.Wallets:N0} user wallets (flag *debits must not exceed credits*), each funded with "
            + $"{new Money(plan.WalletFundingFen)} from a custody reserve account through the ledger; each payment moves "
            + "¥0.01–¥10.00 from one random wallet to another.");
        Line("- **Hot account**: the same payers, but every payment credits one merchant account.");
        Line($"- **Overdraft attempts**: 1 payment in {LedgerPlan.OverdraftEvery} asks for more than all wallets hold together; the "
            + "ledger must refuse exactly those (ExceedsCredits, for that transfer only) and apply every other one.");
        Line("- **Batched**: the product's `LedgerWriter` (one writer thread, group commit, `BatchWaitMaxMs = 0`). Callers are "
            + "closed-loop tasks in the same process: each sends a request, waits for its answer, sends the next. Latency is one "
            + "request's, from send to answer.");
        Line("- **Naive**: one database transaction per transfer (read both balances, check the overdraft rule, update both "
            + "accounts, insert the transfer row, refusals too as the ledger stores them, commit) with prepared "
            + "Microsoft.Data.Sqlite / Npgsql commands.");
        Line("- Every row runs on a fresh database made by the real EF migrations: world set-up, "
            + $"{plan.Warmup.TotalSeconds:0.#} s warm-up (not counted), {plan.Measure.TotalSeconds:0.#} s measured; throughput counts "
            + "the transfers answered inside the window. `LedgerVerifier` then checks that database (its business-record check is "
            + "left out: the benchmark writes no business records).");
        Line();
        var shapes = new MarkdownTable("batched shape", "callers", "transfers/request", "in flight", "BatchSizeMax");
        foreach (var s in plan.Shapes)
        {
            shapes.Add(s.Name, $"{s.Callers}", $"{s.TransfersPerRequest:N0}", $"{s.InFlight:N0}", $"{s.BatchSizeMax:N0}");
        }
        shapes.WriteTo(_md);
        foreach (var target in targets)
        {
            var callers = target.NaiveCallers == 1 ? "1 caller" : $"{target.NaiveCallers} concurrent callers";
            Line($"{target.Name} (naive baseline: {callers}, one connection each):");
            foreach (var setting in target.Settings)
            {
                Line($"- {setting}");
            }
            Line();
        }
    }

    private void Line(string text = "") => _md.Append(text).Append('\n');
}
