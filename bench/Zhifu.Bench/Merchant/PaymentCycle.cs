using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Zhifu.Server.Hosting;

namespace Zhifu.Bench.Merchant;

/// <summary>What the bench asked for in one order, to check the books against afterwards.</summary>
internal sealed record OrderedPayment(string OutTradeNo, long TotalFen, PayingWallet Wallet);

/// <summary>
/// One payment end to end, over loopback HTTP as real clients do it: the merchant creates a signed Native order (PAY-6), the
/// wallet pays it with its payment password (PAY-1), and the payment is done when the merchant has received and verified the
/// TRANSACTION.SUCCESS callback (PAY-5). Bounded: a payment not done within <see cref="MerchantPlan.PaymentTimeout"/> fails.
/// </summary>
internal sealed class PaymentCycle(HttpClient http, DemoMerchant merchant, NotifyEndpoint notify, PayingWallets wallets, int paymentsMax)
{
    private readonly ConcurrentDictionary<string, OrderedPayment> _ordered = new(StringComparer.Ordinal);
    private long _sequence;

    /// <summary>Every order the bench created on this server.</summary>
    public IReadOnlyDictionary<string, OrderedPayment> Ordered => _ordered;

    /// <summary>Takes the next payment number, or false once the server's bounded budget is spent.</summary>
    public bool TryTake(out long sequence)
    {
        sequence = Interlocked.Increment(ref _sequence);
        return sequence <= paymentsMax;
    }

    /// <summary>Runs payment <paramref name="sequence"/>; returns when each step ended (stopwatch timestamps).</summary>
    public async Task<PaymentSteps> RunAsync(long sequence)
    {
        var outTradeNo = string.Create(CultureInfo.InvariantCulture, $"BENCH{sequence:D10}");
        var totalFen = 1 + sequence * 7_919 % MerchantPlan.AmountFenMax;
        var wallet = wallets.For(sequence);
        _ordered[outTradeNo] = new OrderedPayment(outTradeNo, totalFen, wallet);
        using var timeout = new CancellationTokenSource(MerchantPlan.PaymentTimeout);
        var verified = notify.Expect(outTradeNo, totalFen);
        try
        {
            var code = await merchant.CreateNativeAsync(http, outTradeNo, totalFen, notify.Url, timeout.Token);
            var createdAt = Stopwatch.GetTimestamp();
            using var pay = new HttpRequestMessage(HttpMethod.Post, $"/api/wallet/payments/{code}/pay")
            {
                Content = JsonContent.Create(new { paymentPassword = DemoWorld.UserPaymentPassword }),
            };
            pay.Headers.Authorization = new AuthenticationHeaderValue("Bearer", wallet.Token);
            using var paid = await http.SendAsync(pay, timeout.Token);
            var body = await paid.Content.ReadAsStringAsync(timeout.Token);
            if ((int)paid.StatusCode != 200 || JsonDocument.Parse(body).RootElement.GetProperty("state").GetString() != "SUCCESS")
            {
                throw new PaymentFailedException($"pay {outTradeNo}: HTTP {(int)paid.StatusCode} {body}");
            }
            var paidAt = Stopwatch.GetTimestamp();
            return new PaymentSteps(createdAt, paidAt, await verified.WaitAsync(timeout.Token));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new PaymentFailedException($"{outTradeNo}: not done within {MerchantPlan.PaymentTimeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException e)
        {
            throw new PaymentFailedException($"{outTradeNo}: {e.Message}");
        }
        finally
        {
            notify.Forget(outTradeNo);
        }
    }

}

/// <summary>When the create answer, the pay answer and the verified callback arrived (stopwatch timestamps).</summary>
internal readonly record struct PaymentSteps(long CreatedAt, long PaidAt, long VerifiedAt);
