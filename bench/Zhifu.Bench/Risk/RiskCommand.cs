using System.Collections.Frozen;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Zhifu.Bench.Measuring;
using Zhifu.Bench.Results;
using Zhifu.Server.Risk;

namespace Zhifu.Bench.Risk;

/// <summary>
/// <c>risk</c>: the risk engine's decision (RISK-1) — the product's <see cref="RiskEngine.Evaluate"/> over the starter rule
/// set with trained profiles, full velocity windows and a large list — as latency per decision and decisions/s on this
/// machine's cores, next to the ledger's measured throughput, and against a baseline that keeps the velocity windows in
/// SQLite (what a "query the recent transactions" engine does). Writes bench/results/risk.md.
/// </summary>
internal static partial class RiskCommand
{
    private const int Users = 10_000;
    private const int Merchants = 200;
    private static readonly TimeSpan Measured = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var outFile = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault()
            ?? Path.Combine(Ledger.LedgerCommand.RepositoryRoot(), "bench", "results", quick ? "risk-quick.md" : "risk.md");
        var machine = MachineInfo.Read();
        var started = Stopwatch.StartNew();
        var world = World.Build(quick ? 1_000 : Users);
        var rows = new List<(string Name, Run Run)>();
        foreach (var threads in new[] { 1, Environment.ProcessorCount })
        {
            await QuietMachine.WaitAsync(TimeSpan.FromSeconds(quick ? 1 : 20)); // a shared machine: start each run when it is calm
            rows.Add(($"engine, {threads} thread(s)", Measure(world, threads, quick)));
        }
        rows.Add(("baseline: velocity in SQLite, 1 thread", await SqliteBaselineAsync(world, quick)));
        var ledger = LedgerThroughput();
        await File.WriteAllTextAsync(outFile, Report(machine, rows, ledger, world, started.Elapsed));
        Console.WriteLine($"wrote {outFile}");
        return 0;
    }

    private sealed record Run(long Decisions, double Seconds, double[] SortedMs, long NonAllow)
    {
        public double PerSecond => Decisions / Seconds;
    }

    private sealed class World
    {
        public required RiskRuleSet Rules { get; init; }
        public required RiskListSnapshot Lists { get; init; }
        public required VelocityWindows Windows { get; init; }
        public required BehaviourProfile[] Profiles { get; init; }
        public required Guid[] UserIds { get; init; }
        public required RiskOptions Options { get; init; }
        public int ListEntries { get; init; }
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;
        public TimeSpan Step => TimeSpan.FromHours(1) / Profiles.Length;

        public static World Build(int users)
        {
            var rules = RiskRules.Defaults.Select(d => RiskRule.Compile(d.Id, 1, d.Rule.Type, d.Rule.Kinds, d.Rule.ParametersJson,
                d.Rule.Action, d.Rule.Score, d.Rule.Mode, d.Rule.Description).Rule!).ToList();
            var entries = new Dictionary<string, (string, DateTimeOffset?)>(StringComparer.Ordinal);
            for (var i = 0; i < 100_000; i++)
            {
                entries[$"device:{Guid.NewGuid():N}"] = ("listed for the benchmark", null);
            }
            var world = new World
            {
                Rules = new RiskRuleSet(rules), Lists = new RiskListSnapshot(entries.ToFrozenDictionary()), Windows = new VelocityWindows(),
                Profiles = [.. Enumerable.Range(0, users).Select(_ => new BehaviourProfile())],
                UserIds = [.. Enumerable.Range(0, users).Select(_ => Guid.CreateVersion7())], Options = new RiskOptions(),
                ListEntries = entries.Count,
            };
            var random = new Random(7);
            var start = world.Now.AddHours(-23);
            for (var u = 0; u < users; u++)
            {
                for (var k = 0; k < 20; k++) // a trained profile and a full day of windows per user
                {
                    var e = world.Event(random, u, start.AddMinutes(random.Next(0, 23 * 60)));
                    world.Profiles[u].Observe(e);
                    RiskEngine.Remember(e, world.Windows, world.Rules.Keep, world.Now);
                }
            }
            return world;
        }

        public RiskEvent Event(Random random, int user, DateTimeOffset at)
        {
            var amount = (long)Math.Exp(random.NextDouble() * 2 + 6); // ¥4 – ¥30, a habit
            if (random.Next(100) == 0)
            {
                amount *= 200; // 1 in 100 departs from habit
            }
            var device = random.Next(100) == 0 ? "new-device" : $"device-{user}";
            return new RiskEvent(random.Next(2) == 0 ? RiskKinds.Payment : RiskKinds.Transfer, Guid.CreateVersion7(), UserIds[user], amount, at,
                MchId: $"12300{random.Next(Merchants):D5}", MerchantRiskLevel: random.Next(20) == 0 ? "high" : "low",
                PayeeUserId: UserIds[random.Next(UserIds.Length)], DeviceKey: device, Region: "310101");
        }
    }

    /// <summary>Closed loop per thread: decide, and for an allowed movement learn it (windows and profile) as the server does.</summary>
    private static Run Measure(World world, int threads, bool quick)
    {
        var window = quick ? TimeSpan.FromSeconds(1) : Measured;
        var samples = new List<long>[threads];
        var counts = new long[threads];
        var nonAllow = new long[threads];
        var go = new Barrier(threads + 1);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var random = new Random(100 + t);
            var mine = samples[t] = new List<long>(1 << 20);
            go.SignalAndWait();
            var end = Stopwatch.GetTimestamp() + (long)(window.TotalSeconds * Stopwatch.Frequency);
            while (true)
            {
                var user = random.Next(world.Profiles.Length);
                // Time moves on so that each user averages one movement an hour, as real traffic does.
                var at = world.Now + world.Step * (counts[t] * threads + t);
                var e = world.Event(random, user, at);
                var t0 = Stopwatch.GetTimestamp();
                var d = RiskEngine.Evaluate(e, world.Profiles[user], world.Rules, world.Lists, world.Windows, world.Options);
                if (d.Action == RiskAction.Allow)
                {
                    RiskEngine.Remember(e, world.Windows, world.Rules.Keep, at);
                    lock (world.Profiles[user])
                    {
                        world.Profiles[user].Observe(e);
                    }
                }
                else
                {
                    nonAllow[t]++;
                }
                var t1 = Stopwatch.GetTimestamp();
                if (mine.Count < 2_000_000)
                {
                    mine.Add(t1 - t0);
                }
                counts[t]++;
                if (t1 >= end)
                {
                    break;
                }
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        var clock = Stopwatch.StartNew();
        go.SignalAndWait();
        workers.ForEach(w => w.Join());
        world.Now += world.Step * counts.Sum(); // the next run carries on from here
        return new Run(counts.Sum(), clock.Elapsed.TotalSeconds, Percentiles.SortedMilliseconds(samples.SelectMany(s => s)), nonAllow.Sum());
    }

    /// <summary>The same two velocity questions the starter rules ask (R002, R003), answered by SQL over an indexed table.</summary>
    private static async Task<Run> SqliteBaselineAsync(World world, bool quick)
    {
        var file = Path.Combine(Path.GetTempPath(), $"zhifu-risk-bench-{Guid.NewGuid():N}.db");
        try
        {
            await using var connection = new SqliteConnection($"Data Source={file};Pooling=false");
            await connection.OpenAsync();
            await using (var setup = connection.CreateCommand())
            {
                setup.CommandText = """
                    PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
                    CREATE TABLE movements (subject TEXT NOT NULL, at INTEGER NOT NULL, amount INTEGER NOT NULL);
                    CREATE INDEX movements_subject_at ON movements (subject, at);
                    """;
                await setup.ExecuteNonQueryAsync();
            }
            var random = new Random(9);
            await using (var tx = connection.BeginTransaction())
            {
                await using var fill = connection.CreateCommand();
                fill.CommandText = "INSERT INTO movements VALUES ($s, $a, $m)";
                var (s, a, m) = (fill.Parameters.Add("$s", SqliteType.Text), fill.Parameters.Add("$a", SqliteType.Integer),
                    fill.Parameters.Add("$m", SqliteType.Integer));
                for (var u = 0; u < world.UserIds.Length; u++)
                {
                    for (var k = 0; k < 20; k++)
                    {
                        (s.Value, a.Value, m.Value) = (world.UserIds[u].ToString("N"), world.Now.AddMinutes(-random.Next(0, 23 * 60)).UtcTicks,
                            random.Next(400, 3_000));
                        await fill.ExecuteNonQueryAsync();
                    }
                }
                await tx.CommitAsync();
            }
            await using var ask = connection.CreateCommand();
            ask.CommandText = "SELECT count(*), coalesce(sum(amount), 0) FROM movements WHERE subject = $s AND at > $since";
            var (subject, since) = (ask.Parameters.Add("$s", SqliteType.Text), ask.Parameters.Add("$since", SqliteType.Integer));
            await using var add = connection.CreateCommand();
            add.CommandText = "INSERT INTO movements VALUES ($s, $a, $m)";
            var (addS, addA, addM) = (add.Parameters.Add("$s", SqliteType.Text), add.Parameters.Add("$a", SqliteType.Integer),
                add.Parameters.Add("$m", SqliteType.Integer));
            ask.Prepare();
            add.Prepare();
            var samples = new List<long>(1 << 20);
            var end = Stopwatch.GetTimestamp() + (long)((quick ? 1 : Measured.TotalSeconds) * Stopwatch.Frequency);
            var clock = Stopwatch.StartNew();
            long count = 0;
            while (Stopwatch.GetTimestamp() < end)
            {
                var e = world.Event(random, random.Next(world.UserIds.Length), world.Now + world.Step * count);
                var t0 = Stopwatch.GetTimestamp();
                subject.Value = e.UserId.ToString("N");
                since.Value = (e.At - TimeSpan.FromMinutes(10)).UtcTicks;
                await using (var r = await ask.ExecuteReaderAsync())
                {
                    await r.ReadAsync();
                }
                since.Value = (e.At - TimeSpan.FromDays(1)).UtcTicks;
                await using (var r = await ask.ExecuteReaderAsync())
                {
                    await r.ReadAsync();
                }
                (addS.Value, addA.Value, addM.Value) = (subject.Value, e.At.UtcTicks, e.AmountFen);
                await add.ExecuteNonQueryAsync();
                samples.Add(Stopwatch.GetTimestamp() - t0);
                count++;
            }
            return new Run(count, clock.Elapsed.TotalSeconds, Percentiles.SortedMilliseconds(samples), 0);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var f in new[] { file, file + "-wal", file + "-shm" })
            {
                File.Delete(f);
            }
        }
    }

    /// <summary>The ledger's best uniform SQLite throughput from bench/results/ledger.md, when it has been measured.</summary>
    private static double? LedgerThroughput()
    {
        var path = Path.Combine(Ledger.LedgerCommand.RepositoryRoot(), "bench", "results", "ledger.md");
        if (!File.Exists(path))
        {
            return null;
        }
        var match = LedgerFigure().Match(File.ReadAllText(path));
        return match.Success ? double.Parse(match.Groups[1].Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture)
            : null;
    }

    private static string Report(MachineInfo m, List<(string Name, Run Run)> rows, double? ledger, World world, TimeSpan took)
    {
        var md = new StringBuilder();
        var engine = rows[^2].Run;
        var one = rows[0].Run;
        var baseline = rows[^1].Run;
        var p99 = Percentiles.Of(engine.SortedMs, 0.99);
        md.Append("# Risk decision benchmark\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Measured {m.At:yyyy-MM-dd HH:mm} UTC by `dotnet run -c Release --project bench/Zhifu.Bench -- risk` in {took.TotalSeconds:0} s.\n\n");
        md.Append("## Targets of the issue (RISK-1)\n\n");
        var targets = new MarkdownTable("target", "measured", "verdict").WithTextColumns(3);
        targets.Add("decision p99 well under 1 ms at the ledger's throughput",
            string.Create(CultureInfo.InvariantCulture, $"p99 {p99 * 1000:0.0} µs with {Environment.ProcessorCount} threads deciding flat out"),
            p99 < 0.5 ? "pass" : "FAIL");
        targets.Add("decisions/s ≥ the ledger's transfers/s",
            ledger is { } l ? string.Create(CultureInfo.InvariantCulture, $"{engine.PerSecond:#,0}/s ÷ ledger {l:#,0}/s = {engine.PerSecond / l:0.00}×")
                : "ledger.md not measured yet",
            ledger is { } l2 ? (engine.PerSecond >= l2 ? "pass" : "FAIL") : "n/a");
        targets.Add("in memory beats the database-backed baseline",
            string.Create(CultureInfo.InvariantCulture, $"1 thread: {one.PerSecond / baseline.PerSecond:0.0}× the decisions/s, p99 {Percentiles.Of(baseline.SortedMs, 0.99) / Math.Max(Percentiles.Of(one.SortedMs, 0.99), 1e-9):0.0}× lower"),
            one.PerSecond > baseline.PerSecond ? "pass" : "FAIL");
        targets.WriteTo(md);
        md.Append("\n## Results\n\n");
        var table = new MarkdownTable("run", "decisions/s", "p50 µs", "p99 µs", "p99.9 µs", "max µs", "not allowed");
        foreach (var (name, run) in rows)
        {
            table.Add(name, run.PerSecond.ToString("#,0", CultureInfo.InvariantCulture), Us(run, 0.5), Us(run, 0.99), Us(run, 0.999),
                Us(run, 1), run.Decisions == 0 ? "–" : (run.NonAllow * 100.0 / run.Decisions).ToString("0.0", CultureInfo.InvariantCulture) + " %");
        }
        table.WriteTo(md);
        md.Append(CultureInfo.InvariantCulture, $"""

            ## Configuration

            - The product's `RiskEngine.Evaluate` over the starter rule set (`RiskRules.Defaults`, 10 rules: amount, three velocity
              windows, new device, new region, night hours, merchant risk, list hit, two profile rules), a list snapshot of
              {world.ListEntries:#,0} entries, {world.Profiles.Length:#,0} users each with a trained profile and a day of velocity history
              (20 movements), per-user, device, card, merchant and payee windows.
            - Each decision: a random user, an amount in their habit (1 in 100 two hundred times larger), their device (1 in 100 new),
              one of {Merchants} merchants (1 in 20 high risk), a random payee. An allowed decision is then learnt — velocity windows
              and profile — exactly as the server does when the movement completes. Latency is decision + learning.
            - Simulated time moves on by one hour ÷ users per decision, so each user averages one movement an hour.
            - Closed loop per thread, no I/O: the engine never waits on the database once a user's profile is loaded. The decision's
              record is queued to a batched writer in the server and is not part of this figure.
            - Baseline: the two velocity questions of R002/R003 answered by SQL (`count`, `sum` over an indexed SQLite table in WAL
              mode, prepared commands) and the movement inserted, 1 thread.
            - Ledger figure: the best uniform SQLite throughput in `bench/results/ledger.md`.

            ## Machine

            - CPU: {m.Cpu}, {m.Cores} cores; memory {m.Memory}; {m.Os}; {m.Runtime}, {m.Gc}
            - Load average when the run started: {m.LoadAverage} (the machine is shared; compare ratios, not absolute figures)

            """);
        return md.ToString();
    }

    private static string Us(Run run, double q) => (Percentiles.Of(run.SortedMs, q) * 1000).ToString("0.0", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"uniform ([0-9,]+)/s")]
    private static partial Regex LedgerFigure();
}
