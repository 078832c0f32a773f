namespace Zhifu.Server.Banking;

/// <summary>
/// Where the bank channel answers. Known from <c>Bank:Url</c> at once, or set by <see cref="BankSimulatorHost"/> when it has
/// started (or restarted) the simulator; until then every call comes back unknown with <c>channel_not_ready</c>.
/// </summary>
internal sealed class BankChannelAddress
{
    private volatile Uri? _baseAddress;

    public BankChannelAddress()
    {
    }

    public BankChannelAddress(Uri baseAddress) => Set(baseAddress);

    public Uri? BaseAddress => _baseAddress;

    /// <summary>Stores the address with a trailing slash, so relative paths keep any path prefix of the base.</summary>
    public void Set(Uri baseAddress)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        _baseAddress = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
    }
}
