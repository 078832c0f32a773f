using System.Globalization;
using Zhifu.Bench.Measuring;
using Zhifu.Bench.Merchant;

namespace Zhifu.Bench.Results;

/// <summary>The configuration and the per-database tables of the merchant report.</summary>
internal sealed partial class MerchantReport
{
    private void WriteConfiguration()
    {
        Line("## Configuration");
        Line();
        Line("- **Server**: the real Zhifu server in the bench's process (`ServerApp.Build` after `Databases.MigrateAsync`, as the "
            + "tests start it) on a free loopback port, with its bank simulator child, on a fresh data directory and database per row "
            + "group; the demo world seeded at start. Production defaults from `appsettings.json` (logging at Warning so the report "
            + "stays readable; the payment path logs nothing below it).");
        Line("- **One payment** (PAY-1, PAY-5, PAY-6): the merchant signs `POST /v3/pay/transactions/native` "
            + "(WECHATPAY2-SHA256-RSA2048, demo merchant's `apiclient_key.pem`) and verifies the platform's answer signature; a demo "
            + "wallet pays with `POST /api/wallet/payments/{code}/pay {paymentPassword}`; the server's payment worker POSTs the "
            + "TRANSACTION.SUCCESS callback to the bench's loopback notify endpoint (Kestrel), which verifies the platform signature, "
            + "decrypts the AEAD_AES_256_GCM resource and checks out_trade_no, SUCCESS and the amount. The payment counts when that "
            + "check passes; latency runs from the start of the create request to then.");
        Line($"- **Wallets**: the demo world's 张三, 李四, 王五 (seeded with ¥500/¥300/¥200, payment password hashed at the server's "
            + "factors), each signed in once through `POST /api/wallet/sessions`; payments go to them 5:3:2 and are 1–"
            + $"{MerchantPlan.AmountFenMax} fen each (fee 0 at 0.6 %), at most {plan.PaymentsPerServerMax:N0} per server, which their "
            + "balances cover (checked before the run). A wallet's payments are risk-checked one at a time (RISK-2, `PayerTurns`: "
            + "the in-memory decision and its count, not the payment).");
        Line($"- **Peak (closed loop)**: {plan.Callers} concurrent callers, each running one payment after another; first "
            + $"payments until the JIT has settled (less than {PeakThroughput.JitSettledPerSecond.TotalMilliseconds:0} ms of "
            + $"compilation in a second, at most {plan.JitSettleMax.TotalSeconds:0} s: a server's steady state, not its first minute), "
            + $"then {plan.Warmup.TotalSeconds:0.#} s warm-up, {plan.Measure.TotalSeconds:0.#} s measured; payments/s counts callbacks "
            + $"verified inside the window. The production-defaults server is measured in {plan.PeakRounds} rounds, each measuring both "
            + "crypto floors and then the peak back to back (the machine's speed drifts from minute to minute); the round with the "
            + "median ratio to its floor is the one in the tables, and the target line lists every round's ratio. The lowered-Argon2 "
            + "row is one round.");
        Line($"- **Crypto floor**: the mandatory cryptography of one payment in a tight loop on {plan.Callers} threads (as many as "
            + $"callers) for {plan.FloorMeasure.TotalSeconds:0.#} s, with the server's own platform key (`PlatformKeys.Sign`), the "
            + "demo merchant's registered key and the server's `PasswordHasher`. *RSA only*: merchant signs the create request, "
            + "platform verifies it, platform signs the answer, merchant verifies it, platform signs the callback, merchant verifies "
            + "it (6 RSA-2048 operations; the wallet's pay answer is not signed). *RSA + Argon2id*: the same plus one payment-password "
            + "verification (PAY-1) at the server's configured factors. AES-GCM (microseconds) is left out. A floor window in which "
            + "other processes took more than half a core is measured again (at most 3 times) and the least disturbed kept. Each floor "
            + "is also given CPU-bound (cores ÷ its CPU ms per payment): the tight loop does not always keep both cores busy "
            + "(each Argon2id check allocates and frees megabytes), and the targets judge against the higher, "
            + "stricter, of the two; the ÷ floor columns below use the measured one.");
        Line("- **Half load (open loop)**: arrivals paced at 50 % of the measured peak for at most "
            + $"{plan.PacedDurationMax.TotalSeconds:0} s "
            + $"and {plan.PacedPaymentsMax:N0} payments, whatever earlier payments are doing; latency from each payment's scheduled "
            + $"start (no coordinated omission); sending stops if {MerchantPlan.PacedInFlightMax} are unfinished. A payment not done "
            + $"within {MerchantPlan.PaymentTimeout.TotalSeconds:0} s fails.");
        Line($"- **One at a time**: after the half-load run, 1 caller, one payment after another, {plan.Warmup.TotalSeconds:0.#} s "
            + $"warm-up and {plan.LoneMeasure.TotalSeconds:0.#} s measured: the least latency this machine gives a payment; beside it "
            + $"the crypto floor's payment (RSA + Argon2id) in a loop on one thread for {plan.FloorMeasure.TotalSeconds:0.#} s, "
            + "its time per payment the part of that latency no platform work can remove.");
        Line("- *CPU ms/payment* is this process's CPU time (server, bank-simulator calls excluded as it is a child process, bench "
            + "clients) in the window divided by payments: it compares the end-to-end work with the floor's independent of how busy "
            + "the machine was.");
        Line();
        foreach (var (name, settings) in databases)
        {
            var run = runs.FirstOrDefault(r => r.Database == name);
            Line($"{name}:");
            foreach (var setting in settings)
            {
                Line($"- {setting}");
            }
            if (run is not null && name == "SQLite")
            {
                Line($"- synchronous={run.SqliteSynchronous} (the server's `Ledger:Sqlite:Synchronous`), except the commits that do not "
                    + "wait for the disk (`UnsyncedCommit`: a password attempt's count and reset, NOTPAY → PAYING, a callback's outcome; "
                    + "docs/ledger.md)");
            }
            Line();
        }
    }

    private void WriteDatabase(string database)
    {
        Line($"## {database}");
        Line();
        Line("Throughput: payments/s end to end against what the crypto alone allows on the same threads.");
        Line();
        var table = new MarkdownTable("server", "Argon2id", "measured", "payments/s", "÷ RSA+Argon2 floor", "÷ RSA floor", "CPU ms/payment",
            "p50 ms", "p99 ms", "failed", "others (cores)").WithTextColumns(3);
        foreach (var run in runs.Where(r => r.Database == database))
        {
            var peak = run.Peak;
            var measured = $"end to end, {run.Callers} callers{(peak.BudgetSpent ? " (payment budget spent early)" : "")}";
            table.Add(run.Label, run.Argon2Factors, measured, $"**{F(peak.PaymentsPerSecond, 1)}**",
                Pct(MerchantTargets.Share(peak.PaymentsPerSecond, run.RsaArgon2Floor.PaymentsPerSecond)),
                Pct(MerchantTargets.Share(peak.PaymentsPerSecond, run.RsaFloor.PaymentsPerSecond)), F(peak.CpuMsPerPayment, 2),
                F(peak.P50Ms, 1), F(peak.P99Ms, 1), $"{peak.Failed}", F(peak.Load.OtherCores, 2));
            table.Add(run.Label, run.Argon2Factors, "floor: RSA-2048 × 6 + Argon2id × 1",
                $"{F(run.RsaArgon2Floor.PaymentsPerSecond, 1)} (CPU-bound {F(run.RsaArgon2Floor.CpuBoundPaymentsPerSecond, 1)})",
                "1", "", F(run.RsaArgon2Floor.CpuMsPerPayment, 2), "", "", "", F(run.RsaArgon2Floor.Load.OtherCores, 2));
            table.Add(run.Label, run.Argon2Factors, "floor: RSA-2048 × 6",
                $"{F(run.RsaFloor.PaymentsPerSecond, 0)} (CPU-bound {F(run.RsaFloor.CpuBoundPaymentsPerSecond, 0)})", "", "1",
                F(run.RsaFloor.CpuMsPerPayment, 3), "", "", "", F(run.RsaFloor.Load.OtherCores, 2));
        }
        table.WriteTo(_md);
        WriteWhereTheTimeGoes(database);
        foreach (var run in runs.Where(r => r.Database == database && r.Peak.FailureReasons.Count > 0))
        {
            Line($"First failures ({run.Label}): {string.Join("; ", run.Peak.FailureReasons)}");
            Line();
        }
        var main = runs.FirstOrDefault(r => r.Database == database && r.HalfLoad is not null);
        if (main?.HalfLoad is { } h)
        {
            Line("Latency at half the peak (open loop), create start → callback verified:");
            Line();
            var latency = new MarkdownTable("target rate /s", "sent rate /s", "sent", "done", "failed", "p50 ms", "p90 ms", "p99 ms",
                "max ms", "p99 ÷ 20 ms", "others (cores)");
            latency.Add(F(h.TargetRate, 1), F(h.SentRate, 1), $"{h.Sent:N0}", $"{h.Done:N0}", $"{h.Failed}", F(h.P50Ms, 1), F(h.P90Ms, 1),
                F(h.P99Ms, 1), F(h.MaxMs, 1), F(h.P99Ms / MerchantTargets.P99MsMax, 2), F(h.Load.OtherCores, 2));
            latency.WriteTo(_md);
            if (h.Overloaded)
            {
                Line($"The paced run stopped sending: {MerchantPlan.PacedInFlightMax} payments were unfinished.");
                Line();
            }
            if (h.FailureReasons.Count > 0)
            {
                Line($"First failures: {string.Join("; ", h.FailureReasons)}");
                Line();
            }
        }
        if (main?.Lone is { } lone)
        {
            WriteLone(lone);
        }
    }

    /// <summary>
    /// Each step's latency, and the rate the process's CPU would allow if nothing waited (cores ÷ CPU per payment): a measured
    /// rate far below that ceiling means payments wait on something other than the CPU. On SQLite, also the commits a payment
    /// makes, and how many of them sync the WAL to disk (synchronous=FULL) on the thread that commits, which waits meanwhile.
    /// </summary>
    private void WriteWhereTheTimeGoes(string database)
    {
        var sqlite = database == "SQLite";
        Line("Where a payment's time goes (p50 / p99 ms): *create* = signed create request to verified answer; *pay* = wallet pay "
            + "request to its answer; *callback* = pay answer to callback verified (at half load *create* runs from the payment's "
            + "scheduled start). *CPU ceiling* = cores ÷ CPU per payment: the rate "
            + "if the CPU were the only limit."
            + (sqlite ? " *Commits* = SQLite commits per payment (EF's and the ledger's batches); *synced* = those of them synced to "
                + "disk before the committing thread (a thread-pool thread for EF: Microsoft.Data.Sqlite has no asynchronous I/O) goes "
                + "on — the others commit without their own sync (docs/ledger.md, \"Which commits wait for the disk\")." : ""));
        Line();
        string[] columns = ["server", "measured", "create", "pay", "callback", "process cores busy", "CPU ceiling /s", "payments/s ÷ CPU ceiling"];
        var table = new MarkdownTable(sqlite ? [.. columns, "commits", "synced"] : columns).WithTextColumns(2);
        string[] Row(string label, string measured, StepLatencies steps, LoadDelta load, string ceiling, string share)
        {
            string[] cells = [label, measured, Steps(steps.CreateP50, steps.CreateP99), Steps(steps.PayP50, steps.PayP99),
                Steps(steps.CallbackP50, steps.CallbackP99), F(load.ProcessCores, 2), ceiling, share];
            return sqlite ? [.. cells, F(load.SqliteCommitsPerTransfer, 1), F(load.SqliteSyncedCommitsPerTransfer, 1)] : cells;
        }
        foreach (var run in runs.Where(r => r.Database == database))
        {
            var ceiling = run.Peak.CpuMsPerPayment == 0 ? 0 : machine.Cores * 1_000 / run.Peak.CpuMsPerPayment;
            table.Add(Row(run.Label, $"peak, {run.Callers} callers", run.Peak.Steps, run.Peak.Load, F(ceiling, 1),
                Pct(MerchantTargets.Share(run.Peak.PaymentsPerSecond, ceiling))));
            if (run.HalfLoad is { } h)
            {
                table.Add(Row(run.Label, "half load", h.Steps, h.Load, "", ""));
            }
            if (run.Lone is { Payments: var a })
            {
                table.Add(Row(run.Label, "one at a time", a.Steps, a.Load, "", ""));
            }
        }
        table.WriteTo(_md);
    }

    /// <summary>
    /// The latency no load can improve on: payments one at a time, beside the crypto of one payment on one thread. When these
    /// come near the p99 limit, no tuning of the queueing at half load reaches it.
    /// </summary>
    private void WriteLone(LoneFigures lone)
    {
        var a = lone.Payments;
        Line("One payment at a time (closed loop, 1 caller: nothing queues), create start → callback verified, beside the mandatory "
            + "crypto of one payment (RSA-2048 × 6 + Argon2id × 1) run on one thread:");
        Line();
        var table = new MarkdownTable("payments", "failed", "p50 ms", "p99 ms", "max ms", "crypto of one payment ms",
            "p50 − crypto ms", "p99 ÷ 20 ms", "others (cores)");
        table.Add($"{a.Done:N0}", $"{a.Failed}", F(a.P50Ms, 1), F(a.P99Ms, 1), F(a.MaxMs, 1), F(lone.CryptoMs, 1),
            F(a.P50Ms - lone.CryptoMs, 1), F(a.P99Ms / MerchantTargets.P99MsMax, 2), F(a.Load.OtherCores, 2));
        table.WriteTo(_md);
        if (a.FailureReasons.Count > 0)
        {
            Line($"First failures: {string.Join("; ", a.FailureReasons)}");
            Line();
        }
    }

    private static string Steps(double p50, double p99) => $"{F(p50, 1)} / {F(p99, 1)}";

    private static string F(double value, int decimals) => value.ToString("N" + decimals, CultureInfo.InvariantCulture);

    private static string Pct(double share) => share.ToString("P1", CultureInfo.InvariantCulture);
}
