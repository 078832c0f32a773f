using System.Text.Json;
using Zhifu.Bank.Hosting;

namespace Zhifu.Bank.Callbacks;

/// <summary>Posts queued results to their notify_url, a few attempts each; the platform's query is the real source of truth.</summary>
internal sealed partial class CallbackSender(CallbackQueue queue, IHttpClientFactory clients, ILogger<CallbackSender> logger)
    : BackgroundService
{
    public const string ClientName = "callbacks";
    private const int AttemptsMax = 3;

    private static readonly JsonSerializerOptions Json = Configured();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var http = clients.CreateClient(ClientName);
        await foreach (var letter in queue.Reader.ReadAllAsync(stoppingToken))
        {
            for (var attempt = 1; attempt <= AttemptsMax; attempt++)
            {
                try
                {
                    using var response = await http.PostAsJsonAsync(letter.NotifyUrl, letter.Result, Json, stoppingToken);
                    if (response.IsSuccessStatusCode)
                    {
                        break;
                    }
                    LogRefused(logger, letter.Result.RequestId, (int)response.StatusCode, attempt);
                }
                catch (HttpRequestException e)
                {
                    LogFailed(logger, letter.Result.RequestId, attempt, e.Message);
                }
                catch (TaskCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    LogFailed(logger, letter.Result.RequestId, attempt, "timed out");
                }
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), stoppingToken);
            }
        }
    }

    private static JsonSerializerOptions Configured()
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        BankApp.Configure(json);
        return json;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "callback for {RequestId} answered {Status} (attempt {Attempt})")]
    private static partial void LogRefused(ILogger logger, string requestId, int status, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "callback for {RequestId} failed (attempt {Attempt}): {Reason}")]
    private static partial void LogFailed(ILogger logger, string requestId, int attempt, string reason);
}
