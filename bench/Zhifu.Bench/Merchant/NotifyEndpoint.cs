using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Zhifu.Bench.Merchant;

/// <summary>
/// The merchant's notify_url on loopback (Kestrel, so callbacks are received concurrently). Each callback (PAY-5) is checked
/// as a merchant must: platform signature over timestamp\nnonce\nbody\n, AEAD_AES_256_GCM resource decrypted with the APIv3
/// key, then the transaction must be the awaited order, SUCCESS, for the amount ordered. Only then does the payment count.
/// </summary>
internal sealed class NotifyEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly DemoMerchant _merchant;
    private readonly ConcurrentDictionary<string, Awaited> _awaited = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _verifiedCallbacks = new(StringComparer.Ordinal);
    private long _rejected;

    private NotifyEndpoint(WebApplication app, DemoMerchant merchant)
    {
        _app = app;
        _merchant = merchant;
    }

    public string Url { get; private set; } = "";

    /// <summary>Callbacks whose signature, decryption or content was wrong (answered 4xx, as a merchant would).</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>How many verified callbacks each order received: exactly one each is the check.</summary>
    public IReadOnlyDictionary<string, int> VerifiedCallbacks => _verifiedCallbacks;

    public static async Task<NotifyEndpoint> StartAsync(DemoMerchant merchant)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var endpoint = new NotifyEndpoint(app, merchant);
        app.MapPost("/notify", endpoint.ReceiveAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        endpoint.Url = address.TrimEnd('/') + "/notify";
        return endpoint;
    }

    /// <summary>Registers an order before it is created; the task ends with the stopwatch timestamp its callback was verified at.</summary>
    public Task<long> Expect(string outTradeNo, long totalFen)
    {
        var awaited = new Awaited(totalFen, new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
        _awaited[outTradeNo] = awaited;
        return awaited.Verified.Task;
    }

    public void Forget(string outTradeNo) => _awaited.TryRemove(outTradeNo, out _);

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        string? One(string name) => request.Headers.TryGetValue(name, out var v) ? v.ToString() : null;
        if (!_merchant.VerifyPlatform(One("Wechatpay-Serial"), One("Wechatpay-Timestamp"), One("Wechatpay-Nonce"),
                One("Wechatpay-Signature"), body))
        {
            Interlocked.Increment(ref _rejected);
            return TypedResults.StatusCode(401);
        }
        string outTradeNo;
        string state;
        long total;
        try
        {
            var envelope = JsonDocument.Parse(body).RootElement;
            var resource = envelope.GetProperty("resource");
            if (envelope.GetProperty("event_type").GetString() != "TRANSACTION.SUCCESS"
                || resource.GetProperty("algorithm").GetString() != "AEAD_AES_256_GCM")
            {
                throw new JsonException("not a TRANSACTION.SUCCESS encrypt-resource");
            }
            var transaction = JsonDocument.Parse(_merchant.Decrypt(resource.GetProperty("ciphertext").GetString()!,
                resource.GetProperty("nonce").GetString()!, resource.GetProperty("associated_data").GetString()!)).RootElement;
            outTradeNo = transaction.GetProperty("out_trade_no").GetString()!;
            state = transaction.GetProperty("trade_state").GetString()!;
            total = transaction.GetProperty("amount").GetProperty("total").GetInt64();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException or CryptographicException
            or InvalidOperationException)
        {
            Interlocked.Increment(ref _rejected);
            return TypedResults.StatusCode(400);
        }
        if (!_awaited.TryRemove(outTradeNo, out var awaited))
        {
            // A second callback for a paid order, or one the bench never created: counted, answered received (no retries).
            _verifiedCallbacks.AddOrUpdate(outTradeNo, 1, (_, n) => n + 1);
            return TypedResults.NoContent();
        }
        if (state != "SUCCESS" || total != awaited.TotalFen)
        {
            Interlocked.Increment(ref _rejected);
            awaited.Verified.TrySetException(new PaymentFailedException($"callback for {outTradeNo}: {state}, {total} fen"));
            return TypedResults.StatusCode(400);
        }
        _verifiedCallbacks.AddOrUpdate(outTradeNo, 1, (_, n) => n + 1);
        awaited.Verified.TrySetResult(Stopwatch.GetTimestamp());
        return TypedResults.NoContent();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private sealed record Awaited(long TotalFen, TaskCompletionSource<long> Verified);
}
