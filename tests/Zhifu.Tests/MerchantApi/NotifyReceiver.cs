using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Zhifu.Tests.MerchantApi;

/// <summary>A merchant's notify_url on loopback: records each callback (headers and body) and answers with the given status.</summary>
internal sealed class NotifyReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Channel<(WebHeaderCollection Headers, string Body)> _received = Channel.CreateUnbounded<(WebHeaderCollection, string)>();

    public NotifyReceiver()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Url = $"http://127.0.0.1:{port}/notify/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    public string Url { get; }

    /// <summary>When set, each callback is recorded at once but answered only when this completes (or after 15 s): a slow endpoint.</summary>
    public Task? Hold { get; set; }

    /// <summary>Callbacks received so far.</summary>
    public int Count => _count;

    private int _count;

    /// <summary>The HTTP status answered to each callback, in order; the last repeats.</summary>
    public Queue<int> Answers { get; } = new();

    public async Task<(WebHeaderCollection Headers, string Body)> NextAsync(TimeSpan within)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(within);
        return await _received.Reader.ReadAsync(timeout.Token);
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            Interlocked.Increment(ref _count);
            await _received.Writer.WriteAsync(((WebHeaderCollection)context.Request.Headers, body));
            if (Hold is { } hold)
            {
                await Task.WhenAny(hold, Task.Delay(TimeSpan.FromSeconds(15)));
            }
            context.Response.StatusCode = Answers.Count > 1 ? Answers.Dequeue() : Answers.Count == 1 ? Answers.Peek() : 200;
            context.Response.Close();
        }
    }

    public void Dispose() => _listener.Close();
}
