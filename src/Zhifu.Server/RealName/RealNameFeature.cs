using Zhifu.Server.RealName.Limits;

namespace Zhifu.Server.RealName;

/// <summary>
/// Wires the RealName feature (ACC-2, ACC-3): verification against external sources, face-to-face verification, account
/// classes with one Class Ⅲ per ID number, and the class limits other features call before spending a balance.
/// </summary>
public static class RealNameFeature
{
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection("RealName").Get<RealNameOptions>() ?? new RealNameOptions();
        var regulation = configuration.GetSection("Regulation").Get<AccountClassRegulation>() ?? new AccountClassRegulation();
        if ((options.Problem() ?? regulation.Problem()) is { } problem)
        {
            throw new InvalidOperationException(problem); // refuse to start on settings that would misclassify accounts
        }
        services.AddSingleton(options);
        services.AddSingleton(regulation);
        services.AddSingleton<IdentitySources>();
        services.AddSingleton<RealNameVerification>();
        services.AddSingleton<RealNameStatus>();
        services.AddSingleton<WalletMerges>();
        services.AddSingleton<Statements.IStatementSource, MergeStatementSource>();
        services.AddSingleton<ClassThreeChoice>();
        services.AddSingleton<LimitAccounts>();
        services.AddSingleton<BalanceLimits>();
        services.AddHostedService<MergeRecovery>();
        services.AddHostedService<MergeWorker>();
    }

    public static void Map(WebApplication app)
    {
        RealNameEndpoints.Map(app);
        FaceToFaceEndpoints.Map(app);
    }

    /// <summary>Finishes, at start, any merge a crash interrupted (SEC-3: recover automatically).</summary>
    private sealed class MergeRecovery(WalletMerges merges) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => merges.ResumeAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
