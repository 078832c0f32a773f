using System.Threading.Channels;
using Zhifu.Bank.Movements;

namespace Zhifu.Bank.Callbacks;

/// <summary>A result to post to the platform's notify_url.</summary>
internal sealed record CallbackLetter(Uri NotifyUrl, MovementAnswer Result);

/// <summary>
/// Bounded queue of result callbacks. A letter may be queued twice (the duplicate-callback fault): the platform must
/// treat callbacks as idempotent hints and trust only its own query.
/// </summary>
internal sealed partial class CallbackQueue(ILogger<CallbackQueue> logger)
{
    private const int CapacityMax = 10_000;

    private readonly Channel<CallbackLetter> _letters =
        Channel.CreateBounded<CallbackLetter>(new BoundedChannelOptions(CapacityMax) { FullMode = BoundedChannelFullMode.DropWrite });

    public ChannelReader<CallbackLetter> Reader => _letters.Reader;

    public void Post(Uri notifyUrl, MovementAnswer result, int times)
    {
        for (var i = 0; i < times; i++)
        {
            if (!_letters.Writer.TryWrite(new CallbackLetter(notifyUrl, result)))
            {
                LogDropped(logger, result.RequestId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "callback queue full; result of {RequestId} not posted")]
    private static partial void LogDropped(ILogger logger, string requestId);
}
