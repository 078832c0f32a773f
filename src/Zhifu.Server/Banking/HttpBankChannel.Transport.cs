using System.Text;
using System.Text.Json;
using Zhifu.Core.Banking;

namespace Zhifu.Server.Banking;

/// <summary>One HTTP exchange with the bank, bounded by the per-call timeout and classified (CARD-4).</summary>
internal sealed partial class HttpBankChannel
{
    private async Task<BankReply> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        if (address.BaseAddress is not { } baseAddress)
        {
            return BankReply.NoAnswer(BankErrorCodes.ChannelNotReady, "the bank channel has not started yet");
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.TimeoutMs);
        try
        {
            using var request = new HttpRequestMessage(method, new Uri(baseAddress, path));
            if (body is not null)
            {
                request.Content = new StringContent(JsonSerializer.Serialize(body, body.GetType(), BankWire.Json), Encoding.UTF8,
                    "application/json");
            }
            using var response = await http.SendAsync(request, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            return BankReply.From(response.StatusCode, text, BankWire.Json);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return BankReply.NoAnswer(BankErrorCodes.Timeout, $"no answer within {options.Value.TimeoutMs} ms");
        }
        catch (HttpRequestException e)
        {
            return BankReply.NoAnswer(BankErrorCodes.TransportError, e.Message);
        }
    }

    // Request ids and bank codes only: card numbers, ID numbers and phones never reach a log (ACC-8).
    [LoggerMessage(Level = LogLevel.Warning,
        Message = "bank {Operation} for {RequestId}: no definite answer ({Code}); resolve by query (CARD-4)")]
    private static partial void LogNoAnswer(ILogger logger, string operation, string requestId, string code);
}
