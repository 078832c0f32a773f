using Microsoft.AspNetCore.Authentication;

namespace Zhifu.Server.Accounts;

/// <summary>Wires the wallet-accounts feature: its services, the wallet sign-in scheme and its routes.</summary>
public static class AccountsFeature
{
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection("Accounts").Get<AccountsOptions>() ?? new AccountsOptions());
        services.AddSingleton<OneTimeCodes>();
        services.AddSingleton<WalletSessions>();
        services.AddSingleton<WalletAccounts>();
        services.AddSingleton<WalletCredentials>();
        services.AddSingleton<PayerClaims>();
        services.AddSingleton(_ => new PayerTurns());
        services.AddSingleton<WalletSignUp>();
        services.AddSingleton<LoginPasswordReset>();
        services.AddSingleton<SmsCommands>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, WalletAuthenticationHandler>(WalletSessions.Scheme, null);
        services.AddAuthorizationBuilder().AddPolicy(WalletSessions.Scheme, p => p
            .AddAuthenticationSchemes(WalletSessions.Scheme).RequireAuthenticatedUser());
    }

    public static void Map(WebApplication app)
    {
        WalletAccountEndpoints.Map(app);
        OperatorAccountEndpoints.Map(app);
        SmsCommands.Map(app);
    }
}
