using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Zhifu.Core.Banking;

namespace Zhifu.Server.Banking;

/// <summary>Wiring of the bank channel into the server.</summary>
public static class BankChannelServiceCollectionExtensions
{
    /// <summary>Largest answer read from the bank (a busy day's statement file fits many times over).</summary>
    private const long ResponseBytesMax = 64L * 1024 * 1024;

    /// <summary>
    /// Registers <see cref="IBankChannel"/> (HTTP to zhifu-bank), <see cref="BankOptions"/> from the <c>Bank</c> section, and
    /// a hosted service that starts zhifu-bank as a child process when <c>Bank:Url</c> is empty.
    /// </summary>
    /// <param name="services">The server's services.</param>
    /// <param name="configuration">The server's configuration (the <c>Bank</c> section is read from it).</param>
    public static IServiceCollection AddBankChannel(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<BankOptions>()
            .Bind(configuration.GetSection(BankOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BankOptions>, BankOptionsValidation>());
        services.TryAddSingleton<BankChannelAddress>();
        services.AddSingleton<BankSimulatorHost>();
        services.AddHostedService(sp => sp.GetRequiredService<BankSimulatorHost>());
        // The per-call timeout is BankOptions.TimeoutMs (HttpBankChannel); HttpClient's own would turn into an exception.
        services.AddHttpClient<IBankChannel, HttpBankChannel>(http =>
        {
            http.Timeout = Timeout.InfiniteTimeSpan;
            http.MaxResponseContentBufferSize = ResponseBytesMax;
        });
        return services;
    }
}
