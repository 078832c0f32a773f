namespace Zhifu.Bench;

/// <summary>
/// The options every verb shares: <c>--quick</c>, <c>--pg "&lt;conn&gt;"</c> (or <c>ZHIFU_BENCH_PG</c>),
/// <c>--out &lt;file&gt;</c>, and the verb's own switches (e.g. the ledger's <c>--phases</c>).
/// </summary>
internal sealed record BenchOptions(bool Quick, string? Postgres, string? Output, IReadOnlySet<string> Switches)
{
    /// <summary>The parsed options, or null (after telling why on stderr) when one is unknown.</summary>
    public static BenchOptions? Parse(string verb, string[] args, params string[] switches)
    {
        var quick = false;
        var postgres = Environment.GetEnvironmentVariable("ZHIFU_BENCH_PG") is { Length: > 0 } env ? env : null;
        string? output = null;
        var on = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--pg" when i + 1 < args.Length:
                    postgres = args[++i];
                    break;
                case "--out" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                case var s when switches.Contains(s):
                    on.Add(s);
                    break;
                default:
                    var expected = string.Join(", ", new[] { "--quick" }.Concat(switches).Concat(["--pg \"<conn>\"", "--out <file>"]));
                    Console.Error.WriteLine($"{verb}: unknown option '{args[i]}' (expected {expected})");
                    return null;
            }
        }
        return new BenchOptions(quick, postgres, output, on);
    }
}
