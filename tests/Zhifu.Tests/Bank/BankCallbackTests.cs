using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Channels;
using Zhifu.Core.Banking;

namespace Zhifu.Tests.Bank;

/// <summary>Result callbacks to notify_url, including the duplicate-callback fault the platform must shrug off (CARD-4).</summary>
public sealed class BankCallbackTests(BankSimulatorFixture bank) : IClassFixture<BankSimulatorFixture>, IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Channel<Callback> _received = Channel.CreateUnbounded<Callback>();

    [Fact]
    public async Task CARD4_with_duplicate_callbacks_on_the_result_arrives_twice_and_the_money_moves_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var notifyUrl = StartListening();
        await bank.Admin.SetFaultsAsync(new BankAdminClient.Faults(DuplicateCallbackRate: 1, Seed: 1), ct);
        var card = await bank.Admin.OpenCardAsync("ICBC", 10_000, ct);
        var channel = bank.NewChannel();

        var paid = await channel.DebitAsync(card.Movement("cb-paid", 1_500) with { NotifyUrl = notifyUrl }, ct);
        var refused = await channel.DebitAsync(card.Movement("cb-refused", 50_000) with { NotifyUrl = notifyUrl }, ct);
        var repeat = await channel.DebitAsync(card.Movement("cb-paid", 1_500) with { NotifyUrl = notifyUrl }, ct);

        var callbacks = new List<Callback>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));
        while (callbacks.Count < 4)
        {
            callbacks.Add(await _received.Reader.ReadAsync(deadline.Token));
        }
        var expectedPaid = new Callback("cb-paid", "succeeded", paid.BankTxnId, null);
        var expectedRefused = new Callback("cb-refused", "failed", refused.BankTxnId, BankErrorCodes.InsufficientFunds);
        Assert.Equal(2, callbacks.Count(c => c == expectedPaid));
        Assert.Equal(2, callbacks.Count(c => c == expectedRefused));
        Assert.Equal(paid, repeat);
        // The repeat was answered from the record: it neither moved money nor posted a third callback.
        Assert.Equal(10_000 - 1_500, await bank.Admin.BalanceAsync(card.CardNumber, ct));
        Assert.False(_received.Reader.TryRead(out _));
        await bank.Admin.SetFaultsAsync(new BankAdminClient.Faults(), ct);
    }

    public void Dispose() => ((IDisposable)_listener).Dispose();

    private Uri StartListening()
    {
        var port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _ = Task.Run(async () =>
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
                var callback = await JsonSerializer.DeserializeAsync<Callback>(context.Request.InputStream, BankAdminClient.Json);
                context.Response.StatusCode = 200;
                context.Response.Close();
                await _received.Writer.WriteAsync(callback!);
            }
        });
        return new Uri($"http://127.0.0.1:{port}/bank-notify");
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private sealed record Callback(string RequestId, string Status, string? BankTxnId, string? Code);
}
