using Zhifu.Server.Hosting;
using Zhifu.Server.Payments;

namespace Zhifu.Server.MerchantApi;

/// <summary>Wires the WeChat Pay API v3–compatible merchant API (PAY-1, PAY-3, PAY-5, PAY-6, MER-6): services and routes.</summary>
public static class MerchantApiFeature
{
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection("MerchantApi").Get<MerchantApiOptions>() ?? new MerchantApiOptions());
        var payments = configuration.GetSection("Payments").Get<PaymentsOptions>() ?? new PaymentsOptions();
        services.AddSingleton(payments);
        services.AddSingleton<Statements.IStatementSource, Payments.PaymentStatementSource>();
        services.AddSingleton<Statements.IStatementSource, Payments.Refunds.RefundStatementSource>();
        services.AddSingleton<Statements.ITransactionSource, Payments.PaymentTransactionSource>();
        services.AddSingleton(sp => PlatformKeys.Load(sp.GetRequiredService<ServerSettings>().DataDirectory,
            sp.GetRequiredService<ILogger<PlatformKeys>>()));
        services.AddSingleton<MerchantCredentials>();
        Merchants.MerchantStaffAuth.AddServices(services);
        services.AddSingleton<Merchants.MerchantOnboarding>();
        services.AddSingleton<Merchants.MerchantStaff>();
        services.AddSingleton<Merchants.MerchantCredentialSettings>();
        services.AddSingleton(configuration.GetSection("MerchantConsole").Get<Merchants.MerchantConsoleOptions>()
            ?? new Merchants.MerchantConsoleOptions());
        services.AddSingleton<Merchants.MerchantCaptcha>();
        services.AddSingleton<Payments.Refunds.RefundDesk>();
        services.AddSingleton<RequestNonces>();
        services.AddSingleton<MerchantRateLimits>();
        services.AddSingleton<MerchantDemoCredentials>();
        services.AddSingleton<PaymentOrders>();
        services.AddSingleton<Payments.Bills.TradeBill>();
        services.AddSingleton<Payments.Codes.PaymentCodes>();
        services.AddSingleton<Payments.Codes.HolderPaymentCodes>();
        services.AddSingleton<PaymentLedger>();
        services.AddSingleton<PaymentNotifications>();
        services.AddSingleton<WalletPayments>();
        services.AddSingleton<Risk.IRiskHold, Payments.PaymentRiskHold>();
        services.AddSingleton<Payments.Refunds.RefundLedger>();
        services.AddSingleton<Payments.Refunds.PaymentRefunds>();
        services.AddHostedService<PaymentWorker>();
        var privateNetworks = payments.NotifyPrivateNetworks ?? configuration.GetValue("Demo:Seed", true);
        services.AddHttpClient(nameof(PaymentNotifications)).ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
        {
            AllowAutoRedirect = false, // a notify_url must answer itself, not send us elsewhere
            UseProxy = false, // the connection goes where the guard below let it
            ConnectCallback = privateNetworks ? null : NotifyAddresses.ConnectPublicAsync,
        });
    }

    public static void Map(WebApplication app)
    {
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/v3"), v3 => v3.UseMiddleware<V3Protocol>());
        var v3 = app.MapGroup("/v3").ExcludeFromDescription();
        TransactionEndpoints.Map(v3);
        Payments.Refunds.RefundEndpoints.Map(v3);
        Payments.Bills.TradeBillEndpoints.Map(v3);
        Passwordless.PasswordlessEndpoints.MapV3(v3);
        // 下载平台证书: in platform public key mode there is no platform certificate; the protocol answers this, and SDKs
        // that try certificates first then use the configured public key (PUB_KEY_ID_…).
        v3.MapGet("/certificates", () => (V3Error.NotFound with
        {
            Message = "无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥 (no platform certificate: use the platform public key)",
        }).ToResult());
        WalletPaymentEndpoints.Map(app);
        Payments.Codes.PaymentCodeEndpoints.Map(app);
        Merchants.MerchantStaffAuth.Map(app);
        Merchants.OperatorMerchantEndpoints.Map(app);
        Merchants.MerchantCredentialEndpoints.Map(app);
        Merchants.MerchantStaffEndpoints.Map(app);
        OperatorMerchantApiEndpoints.Map(app);
        Payments.Refunds.RefundReviewEndpoints.Map(app);
        Passwordless.PasswordlessEndpoints.MapWallet(app);
        Passwordless.PasswordlessEndpoints.MapOperator(app);
        Passwordless.PasswordlessEndpoints.MapMerchantConsole(app);
    }
}
