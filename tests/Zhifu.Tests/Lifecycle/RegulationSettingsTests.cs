using Microsoft.Extensions.DependencyInjection;
using Zhifu.Server.Lifecycle;
using static Zhifu.Tests.Lifecycle.LifecycleClient;

namespace Zhifu.Tests.Lifecycle;

/// <summary>The lifecycle's regulatory periods are configuration (section <c>Regulation</c>), domain.md's numbers the defaults.</summary>
public sealed class RegulationSettingsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Dormancy_months_and_the_involved_penalty_years_follow_the_configuration()
    {
        await using var server = await ClockedServer.StartAsync("--Regulation:DormancyMonths=3",
            "--Regulation:InvolvedNonCounterSuspensionYears=2", "--Regulation:InvolvedOpeningRefusalYears=1");
        var (_, idle) = await OpenWalletAsync(server, NewPhone());
        var (_, seller) = await OpenWalletAsync(server, NewPhone(), device: "configured-imei");
        using var risk = await OperatorAsync(server, "risk");
        await FundAsync(server, seller, 1_00); // the seller's wallet was used: only the listing restricts it
        await risk.PostOkAsync("/api/ops/involved-accounts", new { category = "sold", userId = seller, reason = "出售账户", source = "s" });

        // ACC-4 with three months: a little over three months later the idle wallet is dormant.
        server.Clock.Advance(TimeSpan.FromDays(93));
        await server.Services.GetRequiredService<DormancyScan>().RunOnceAsync(Ct);
        Assert.Equal("ACCOUNT_DORMANT", await GuardAsync(server, idle, Business.NonCounterOut));

        // ACC-5 with one and two years.
        var screen = server.Services.GetRequiredService<IOpeningScreen>();
        Assert.NotNull(await screen.RefusalAsync(new OpeningSubject(NewPhone(), null, "configured-imei"), Ct));
        server.Clock.Advance(TimeSpan.FromDays(366));
        Assert.Null(await screen.RefusalAsync(new OpeningSubject(NewPhone(), null, "configured-imei"), Ct));
        Assert.Equal("ACCOUNT_NON_COUNTER_SUSPENDED", await GuardAsync(server, seller, Business.NonCounterOut));
        server.Clock.Advance(TimeSpan.FromDays(366));
        Assert.Null(await GuardAsync(server, seller, Business.NonCounterOut));
    }

    [Fact]
    public void The_defaults_are_the_regulatory_numbers()
    {
        var regulation = new LifecycleRegulation();
        Assert.Equal((6, 5, 3),
            (regulation.DormancyMonths, regulation.InvolvedNonCounterSuspensionYears, regulation.InvolvedOpeningRefusalYears));
    }
}
