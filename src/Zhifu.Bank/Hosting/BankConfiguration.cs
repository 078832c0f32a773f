namespace Zhifu.Bank.Hosting;

/// <summary>Where the simulator takes its settings from, and the few it reads itself.</summary>
internal static class BankConfiguration
{
    /// <summary>
    /// Settings file read from next to zhifu-bank.dll; named apart from appsettings.json so it cannot clash with the server's.
    /// </summary>
    public const string SettingsFile = "zhifu-bank.appsettings.json";

    /// <summary>Only variables with this prefix reach the simulator, e.g. <c>ZHIFU_BANK_Faults__TimeoutRate=0.2</c>.</summary>
    public const string EnvironmentPrefix = "ZHIFU_BANK_";

    private static readonly Dictionary<string, string> Switches = new()
    {
        ["--data-dir"] = "Bank:DataDir",
        ["--parent-pid"] = "Bank:ParentPid",
    };

    /// <summary>
    /// Replaces the default sources. The simulator usually runs as the server's child, in the server's directory and
    /// environment: the server's appsettings.json, ASPNETCORE_URLS or Kestrel__Endpoints must not decide where the bank listens.
    /// </summary>
    public static void UseOwnSources(ConfigurationManager configuration, string[] args)
    {
        configuration.Sources.Clear();
        configuration
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, SettingsFile), optional: true, reloadOnChange: false)
            .AddEnvironmentVariables(EnvironmentPrefix)
            .AddCommandLine(args, Switches);
    }

    public static string DataDir(IConfiguration configuration) =>
        Path.GetFullPath(configuration["Bank:DataDir"] is { Length: > 0 } dir ? dir : Path.Combine("data", "bank"));
}
