using Zhifu.Server.Security;

namespace Zhifu.Server.Hosting;

/// <summary>
/// <c>operator add &lt;username&gt; &lt;role&gt; | reset-password &lt;username&gt; | disable &lt;username&gt; | enable &lt;username&gt; | list</c>:
/// whoever runs the server keeps the institution's operator accounts (SEC-1) — there is no operator who creates operators. A
/// new or reset password is printed once and must be changed at the next sign-in (ACC-7). Audited as <c>cli:&lt;user&gt;</c>.
/// </summary>
public static class OperatorVerb
{
    public const string Usage = "usage: operator add <username> <role> | reset-password <username> | disable <username> | enable <username> | list"
        + " [--Key=Value …]";

    /// <summary>Runs the verb with <paramref name="services"/> of a built (not running) server; 0 done, 1 refused, 2 misused.</summary>
    public static async Task<int> RunAsync(string[] args, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(services);
        var words = args.TakeWhile(a => !a.StartsWith('-')).ToArray();
        var accounts = services.GetRequiredService<OperatorAccounts>();
        var actor = "cli:" + Environment.UserName;
        var ct = CancellationToken.None;
        switch (words)
        {
            case ["add", var username, var role]:
                return await PrintAsync(await accounts.AddAsync(username, role, actor, ct), $"operator {username} ({role}) created");
            case ["reset-password", var username]:
                return await PrintAsync(await accounts.ResetPasswordAsync(username, actor, ct), $"operator {username}: password reset");
            case ["disable" or "enable", var username]:
                var refusal = await accounts.SetDisabledAsync(username, words[0] == "disable", actor, ct);
                return await DoneAsync(refusal, $"operator {username} {words[0]}d");
            case ["list"]:
                foreach (var op in await accounts.ListAsync(ct))
                {
                    Console.WriteLine($"{op.Username,-32} {op.Role,-10} {op.Status,-20} {Zhifu.Core.ChinaTime.Format(op.CreatedAt)}");
                }
                return 0;
            default:
                await Console.Error.WriteLineAsync(Usage);
                return 2;
        }
    }

    private static async Task<int> PrintAsync((string? InitialPassword, string? Refusal) result, string done)
    {
        if (await DoneAsync(result.Refusal, done) != 0)
        {
            return 1;
        }
        Console.WriteLine($"initial password (shown once; to be changed at the first sign-in): {result.InitialPassword}");
        return 0;
    }

    private static async Task<int> DoneAsync(string? refusal, string done)
    {
        if (refusal is not null)
        {
            await Console.Error.WriteLineAsync(refusal);
            return 1;
        }
        Console.WriteLine(done);
        return 0;
    }
}
