using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Zhifu.Bench.Measuring;
using Zhifu.Server.Hosting;
using Zhifu.Server.MerchantApi;
using Zhifu.Server.Security;

namespace Zhifu.Bench.Merchant;

/// <summary>
/// The crypto floor: what a payment's mandatory cryptography alone costs on this machine, run in a tight loop on as many
/// threads as the end-to-end run has callers, with the server's own keys and hasher. Per payment the protocol makes
/// mandatory six RSA-2048 operations (PAY-6: merchant signs the create request, platform verifies it, platform signs the
/// answer, merchant verifies it; PAY-5: platform signs the callback, merchant verifies it) and, for PAY-1's authorisation,
/// one Argon2id verification of the payment password at the server's configured factors. The wallet's pay answer is not
/// signed; the callback's AES-GCM is left out (microseconds).
/// </summary>
internal sealed class CryptoFloor
{
    private readonly DemoMerchant _merchant;
    private readonly PlatformKeys _platform;
    private readonly RSA _merchantPublicKey;
    private readonly PasswordHasher _passwords;
    private readonly string _paymentPasswordHash;
    private readonly string _createMessage;
    private readonly string _answerMessage;
    private readonly string _callbackMessage;

    private CryptoFloor(DemoMerchant merchant, PlatformKeys platform, RSA merchantPublicKey, PasswordHasher passwords, string notifyUrl)
    {
        _merchant = merchant;
        _platform = platform;
        _merchantPublicKey = merchantPublicKey;
        _passwords = passwords;
        _paymentPasswordHash = passwords.Hash(DemoWorld.UserPaymentPassword); // the server's factors, as the demo wallets' hashes
        var body = merchant.NativeOrder("BENCH0000000001", 7, notifyUrl);
        _createMessage = V3Authorization.Message("POST", DemoMerchant.NativePath, 1_767_225_600, new string('A', 32), body);
        _answerMessage = V3Authorization.ResponseMessage(1_767_225_600, new string('b', 32),
            "{\"code_url\":\"zhifu://wxpay/bizpayurl?pr=AbCdEfGhIjKlMnOpQrStUv\"}");
        // A TRANSACTION.SUCCESS envelope of the size the server sends (the ciphertext dominates it).
        _callbackMessage = V3Authorization.ResponseMessage(1_767_225_600, new string('c', 32),
            "{\"id\":\"" + Guid.CreateVersion7() + "\",\"create_time\":\"2026-01-01T08:00:00+08:00\","
            + "\"resource_type\":\"encrypt-resource\","
            + "\"event_type\":\"TRANSACTION.SUCCESS\",\"summary\":\"支付成功\",\"resource\":{\"original_type\":\"transaction\","
            + "\"algorithm\":\"AEAD_AES_256_GCM\",\"ciphertext\":\"" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(560))
            + "\",\"associated_data\":\"transaction\",\"nonce\":\"0123456789ab\"}}");
    }

    public static async Task<CryptoFloor> PrepareAsync(MerchantServer server, DemoMerchant merchant, string notifyUrl)
    {
        var publicKey = await server.Services.GetRequiredService<MerchantCredentials>()
            .PublicKeyAsync(merchant.MchId, merchant.Serial, CancellationToken.None)
            ?? throw new InvalidOperationException("the demo merchant's key is not registered");
        return new CryptoFloor(merchant, server.Services.GetRequiredService<PlatformKeys>(), publicKey,
            server.Services.GetRequiredService<PasswordHasher>(), notifyUrl);
    }

    /// <summary>The six RSA-2048 operations of one payment; throws if any verification fails (then the floor would be a lie).</summary>
    public void RsaOfOnePayment()
    {
        Check(_merchantPublicKey, _createMessage, _merchant.Sign(_createMessage));
        Check(_merchant.PlatformKey, _answerMessage, _platform.Sign(_answerMessage));
        Check(_merchant.PlatformKey, _callbackMessage, _platform.Sign(_callbackMessage));
    }

    public void RsaAndArgon2OfOnePayment()
    {
        RsaOfOnePayment();
        if (!_passwords.Verify(DemoWorld.UserPaymentPassword, _paymentPasswordHash))
        {
            throw new CryptographicException("the payment password did not verify");
        }
    }

    /// <summary>Runs <paramref name="onePayment"/> on dedicated threads until the time is up; payments/s and CPU per payment.</summary>
    public static FloorFigures Measure(Action onePayment, int threads, TimeSpan duration)
    {
        onePayment(); // JIT and key set-up outside the window
        var stop = false;
        var counts = new long[threads];
        var workers = Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            long n = 0;
            while (!Volatile.Read(ref stop))
            {
                onePayment();
                n++;
            }
            counts[i] = n;
        }) { IsBackground = true, Name = "crypto-floor" }).ToArray();
        var from = LoadSample.Take(null);
        var started = Stopwatch.GetTimestamp();
        foreach (var worker in workers)
        {
            worker.Start();
        }
        Thread.Sleep(duration);
        Volatile.Write(ref stop, true);
        foreach (var worker in workers)
        {
            worker.Join();
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        var to = LoadSample.Take(null);
        var total = counts.Sum();
        var load = LoadSample.Between(from, to, total);
        var rate = total / elapsed.TotalSeconds;
        return new FloorFigures(rate, total, rate == 0 ? 0 : load.ProcessCores * 1_000 / rate, load);
    }

    private static void Check(RSA publicKey, string message, string signature)
    {
        if (!publicKey.VerifyData(Encoding.UTF8.GetBytes(message), Convert.FromBase64String(signature), HashAlgorithmName.SHA256,
                RSASignaturePadding.Pkcs1))
        {
            throw new CryptographicException("a floor signature did not verify");
        }
    }
}

/// <summary>Payments/s the crypto alone allows, and its CPU time per payment.</summary>
internal sealed record FloorFigures(double PaymentsPerSecond, long Payments, double CpuMsPerPayment, LoadDelta Load)
{
    /// <summary>
    /// The rate if the crypto kept every core busy: cores ÷ CPU per payment. The tight loop does not always get there (each
    /// Argon2id check allocates and frees its memory, megabytes, in the native heap), so the targets use the higher of the two.
    /// </summary>
    public double CpuBoundPaymentsPerSecond => CpuMsPerPayment == 0 ? 0 : Environment.ProcessorCount * 1_000 / CpuMsPerPayment;

    /// <summary>The floor the targets judge against: the stricter (higher) of the measured and the CPU-bound rate.</summary>
    public double Strictest => Math.Max(PaymentsPerSecond, CpuBoundPaymentsPerSecond);
}
