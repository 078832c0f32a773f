namespace Zhifu.Server.Statements;

/// <summary>Bank codes as statement lines name them (充值-工商银行(5670)); an unknown code is shown as itself.</summary>
public static class BankNames
{
    private static readonly Dictionary<string, (string Zh, string En)> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ICBC"] = ("工商银行", "ICBC"),
        ["CCB"] = ("建设银行", "CCB"),
        ["ABC"] = ("农业银行", "ABC"),
        ["BOC"] = ("中国银行", "BOC"),
        ["CMB"] = ("招商银行", "CMB"),
        ["BOCOM"] = ("交通银行", "BOCOM"),
        ["PSBC"] = ("邮储银行", "PSBC"),
    };

    /// <summary>The bank codes known by name (the choices a card-binding form offers).</summary>
    public static IReadOnlyCollection<string> Codes => Names.Keys;

    /// <summary>The bank's short Chinese name.</summary>
    public static string Zh(string code) => Names.TryGetValue(code, out var n) ? n.Zh : code;

    /// <summary>The bank's English short name.</summary>
    public static string En(string code) => Names.TryGetValue(code, out var n) ? n.En : code;
}
