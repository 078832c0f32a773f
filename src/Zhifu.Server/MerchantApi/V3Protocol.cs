using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Zhifu.Core;

namespace Zhifu.Server.MerchantApi;

/// <summary>
/// The protocol layer under /v3 (PAY-6): every request is read whole (bounded), its <c>WECHATPAY2-SHA256-RSA2048</c>
/// signature verified over the exact bytes sent, its timestamp and nonce checked against replay; every response —
/// refusals included, so an SDK sees the API's own error — is signed with the platform key (<c>Wechatpay-*</c> headers), but the
/// bill file's (<see cref="UnsignedAnswer"/>).
/// </summary>
public sealed class V3Protocol(RequestDelegate next, ILogger<V3Protocol> logger)
{
    /// <summary>
    /// Marks the one endpoint whose answer the protocol leaves unsigned — the bill file (下载账单: "该接口响应的信息请求头中不包含
    /// 微信接口响应的签名值，因此需要跳过验签的流程"; the merchant checks the file against the applied hash_value instead) — so it is
    /// streamed as it is written rather than held whole to be signed. Its request is authenticated like every other.
    /// </summary>
    public sealed class UnsignedAnswer
    {
        public static readonly UnsignedAnswer Instance = new();
    }

    /// <summary>
    /// Marks the order creates (native, jsapi, app, h5), which record the request's nonce in the commit of the order they write
    /// (<see cref="Nonce"/>) rather than in one of their own before: one commit fewer a payment. Where such a request ends
    /// without that commit — refused, a repeat, a failure — the nonce is recorded after it, and a replay is refused then.
    /// </summary>
    public sealed class NonceInOrderCommit
    {
        public static readonly NonceInOrderCommit Instance = new();
    }

    private const string NonceKey = "v3.nonce";
    private const string MerchantKey = "v3.merchant";
    private const string BodyKey = "v3.body";

    /// <summary>The authenticated merchant of the request.</summary>
    public static ApiMerchant Merchant(HttpContext context) => (ApiMerchant)context.Items[MerchantKey]!;

    /// <summary>A 200 answer with this JSON (the middleware signs it).</summary>
    public static IResult Json(System.Text.Json.Nodes.JsonNode json) =>
        Results.Text(json.ToJsonString(), "application/json", Encoding.UTF8);

    /// <summary>The nonce a <see cref="NonceInOrderCommit"/> endpoint records with its order.</summary>
    public static PendingNonce Nonce(HttpContext context) => (PendingNonce)context.Items[NonceKey]!;

    /// <summary>The request body exactly as received.</summary>
    public static byte[] Body(HttpContext context) => (byte[])context.Items[BodyKey]!;

    public async Task InvokeAsync(HttpContext context, MerchantCredentials credentials, RequestNonces nonces, PlatformKeys keys,
        MerchantApiOptions options, MerchantRateLimits limits, IClock clock)
    {
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            if (await AuthenticateAsync(context, credentials, nonces, options, limits, clock) is { } refusal)
            {
                await WriteAsync(context, buffer, refusal);
            }
            else if (context.GetEndpoint()?.Metadata.GetMetadata<UnsignedAnswer>() is not null)
            {
                context.Response.Body = original; // streamed as written, unsigned, as the protocol answers it
                await next(context);
                return;
            }
            else
            {
                await next(context);
                if (await RecordLeftNonceAsync(context, nonces) == false)
                {
                    await WriteAsync(context, buffer, V3Error.NonceUsed); // a replay: what it was answered is not sent
                }
                else if (context.Response.StatusCode >= 400 && buffer.Length == 0)
                {
                    await WriteAsync(context, buffer, context.Response.StatusCode == 404 ? V3Error.NotFound
                        : V3Error.InvalidRequest("请求方法或格式不被支持", "method or format not supported")
                            with { Status = context.Response.StatusCode });
                }
            }
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted)
        {
            logger.LogError(e, "merchant API request {Path} failed", context.Request.Path.Value);
            // a replay of a create is answered as one even when its handler failed (PAY-6): the client's mistake, not ours
            await WriteAsync(context, buffer, await RecordLeftNonceLoggedAsync(context, nonces) == false ? V3Error.NonceUsed : V3Error.SystemError);
        }
        finally
        {
            context.Response.Body = original;
            await RecordLeftNonceLoggedAsync(context, nonces); // the handler failed or the request was dropped: a replay is still one
        }
        Sign(context, buffer.ToArray(), keys, clock);
        context.Response.ContentLength = buffer.Length;
        if (buffer.Length > 0)
        {
            await original.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
        }
    }

    /// <summary>
    /// Records the nonce of a <see cref="NonceInOrderCommit"/> request that no order's commit recorded: true when it is new,
    /// false for a replay, null when none is left to record. Not cancelled with the request: a dropped request's nonce counts.
    /// </summary>
    private static async Task<bool?> RecordLeftNonceAsync(HttpContext context, RequestNonces nonces)
    {
        if (context.Items[NonceKey] is not PendingNonce { Recorded: false } nonce)
        {
            return null;
        }
        try
        {
            return await nonces.TryUseAsync(nonce.MchId, nonce.Nonce, CancellationToken.None);
        }
        finally
        {
            nonce.MarkRecorded(); // one try a request: an insert that failed (the database down) is not tried again by the finally
        }
    }

    /// <summary><see cref="RecordLeftNonceAsync"/> where a failure to record is logged, not thrown (null then).</summary>
    private async Task<bool?> RecordLeftNonceLoggedAsync(HttpContext context, RequestNonces nonces)
    {
        try
        {
            return await RecordLeftNonceAsync(context, nonces);
        }
        catch (Exception e)
        {
            logger.LogError(e, "merchant API request {Path}: its nonce could not be recorded", context.Request.Path.Value);
            return null;
        }
    }

    private static async Task<V3Error?> AuthenticateAsync(HttpContext context, MerchantCredentials credentials, RequestNonces nonces,
        MerchantApiOptions options, MerchantRateLimits limits, IClock clock)
    {
        var body = await ReadBodyAsync(context.Request, options.RequestBodyBytesMax);
        if (body is null)
        {
            return V3Error.ParamError($"请求体超过 {options.RequestBodyBytesMax} 字节", $"request body above {options.RequestBodyBytesMax} bytes");
        }
        var auth = V3Authorization.Parse(context.Request.Headers.Authorization.ToString());
        if (auth is null)
        {
            return V3Error.SignError("缺少或无法解析 Authorization 签名信息", "missing or malformed Authorization header");
        }
        if (Math.Abs(clock.UtcNow.ToUnixTimeSeconds() - auth.Timestamp) > options.TimestampWindowSeconds)
        {
            return V3Error.SignError("请求时间戳与服务器时间相差超过 5 分钟", "timestamp more than 5 minutes away from server time");
        }
        var merchant = await credentials.FindAsync(auth.MchId, context.RequestAborted);
        if (merchant is null)
        {
            return V3Error.MchNotExists;
        }
        var key = await credentials.PublicKeyAsync(auth.MchId, auth.Serial, context.RequestAborted);
        if (key is null)
        {
            return V3Error.SignError("商户证书序列号无效", "unknown merchant certificate serial_no");
        }
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path + context.Request.QueryString;
        var head = Encoding.UTF8.GetBytes($"{context.Request.Method}\n{target}\n{auth.Timestamp}\n{auth.Nonce}\n");
        var message = new byte[head.Length + body.Length + 1];
        head.CopyTo(message, 0);
        body.CopyTo(message, head.Length);
        message[^1] = (byte)'\n';
        var signature = new byte[512];
        if (!Convert.TryFromBase64String(auth.Signature, signature, out var length)
            || !key.VerifyData(message, signature.AsSpan(0, length), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            return V3Error.SignError("签名错误，验签失败", "signature verification failed");
        }
        if (!limits.TryAcquire(auth.MchId))
        {
            return V3Error.FrequencyLimited;
        }
        if (context.GetEndpoint()?.Metadata.GetMetadata<NonceInOrderCommit>() is not null)
        {
            context.Items[NonceKey] = await nonces.DeferAsync(auth.MchId, auth.Nonce, context.RequestAborted);
        }
        else if (!await nonces.TryUseAsync(auth.MchId, auth.Nonce, context.RequestAborted))
        {
            return V3Error.NonceUsed;
        }
        context.Items[MerchantKey] = merchant;
        context.Items[BodyKey] = body;
        return null;
    }

    /// <summary>The whole body, or null when it is longer than the limit (also the face terminals' API's reader).</summary>
    internal static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int max)
    {
        if (request.ContentLength > max)
        {
            return null;
        }
        using var memory = new MemoryStream();
        var chunk = new byte[8192];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
            {
                memory.Write(chunk, 0, read);
                if (memory.Length > max)
                {
                    return null;
                }
            }
        }
        catch (BadHttpRequestException)
        {
            return null; // Kestrel's own body limit
        }
        return memory.ToArray();
    }

    private static async Task WriteAsync(HttpContext context, MemoryStream buffer, V3Error error)
    {
        buffer.SetLength(0);
        context.Response.StatusCode = error.Status;
        context.Response.ContentType = "application/json";
        await buffer.WriteAsync(error.Body());
    }

    private static void Sign(HttpContext context, byte[] body, PlatformKeys keys, IClock clock)
    {
        var headers = context.Response.Headers;
        foreach (var (name, value) in keys.SignatureHeaders(clock.UtcNow.ToUnixTimeSeconds(), Encoding.UTF8.GetString(body)))
        {
            headers[name] = value;
        }
        headers["Request-ID"] = context.TraceIdentifier;
    }
}
