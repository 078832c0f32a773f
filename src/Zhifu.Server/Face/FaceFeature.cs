using System.Security.Claims;
using Zhifu.Server.Accounts;

namespace Zhifu.Server.Face;

/// <summary>Wires face payment (刷脸支付, FACE-1 … FACE-6): keys, the isolated store, the index, enrolment, terminals, payment, claims.</summary>
public static class FaceFeature
{
    public sealed record ConsentRequest(bool Accept, string? PaymentPassword);

    public sealed record PasscodeRequest(string? PaymentPassword, string? Code, string? Passcode);

    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection("Face").Get<FaceOptions>() ?? new FaceOptions());
        services.AddSingleton(sp => FaceKeys.Load(configuration, sp.GetRequiredService<Hosting.ServerSettings>().DataDirectory,
            sp.GetRequiredService<ILogger<FaceKeys>>()));
        services.AddSingleton<FaceStore>();
        services.AddSingleton<FaceIndex>();
        services.AddSingleton<FaceEnrolment>();
        services.AddSingleton<FaceTerminals>();
        services.AddSingleton<FaceTokens>();
        services.AddSingleton<FacePayments>();
        services.AddSingleton<FaceClaims>();
        services.AddSingleton<FaceDemo>();
        services.AddHostedService<FaceIndexLoader>();
        services.AddHostedService<FaceClaimsWorker>();
    }

    public static void Map(WebApplication app)
    {
        FaceTerminalEndpoints.Map(app);
        FaceClaimEndpoints.Map(app);
        // FACE-3: what devices seal templates to
        app.MapGet("/api/face/transport-key", (FaceKeys keys) => Results.Ok(new { keyId = keys.TransportKeyId, publicKey = keys.TransportPublicKeyPem }))
            .WithTags("Face payment");
        var wallet = app.MapGroup("/api/wallet/face").WithTags("Wallet: face payment").RequireAuthorization(WalletSessions.Scheme);
        wallet.MapGet("", async (ClaimsPrincipal user, FaceEnrolment enrolment, HttpContext h) =>
            Results.Ok(await enrolment.StatusAsync(user.UserId(), h.RequestAborted)));
        wallet.MapPost("/consent", async (ConsentRequest request, ClaimsPrincipal user, FaceEnrolment enrolment, HttpContext h) =>
            await enrolment.ConsentAsync(user.UserId(), request.Accept, request.PaymentPassword, h.RequestAborted) is { } error
                ? error.ToResult(h) : Results.Ok(await enrolment.StatusAsync(user.UserId(), h.RequestAborted)));
        wallet.MapPost("/enrol", async (FaceEnvelope? envelope, ClaimsPrincipal user, FaceEnrolment enrolment, HttpContext h) =>
            await enrolment.EnrolAsync(user.UserId(), envelope, "wallet", h.RequestAborted) is { } error
                ? error.ToResult(h) : Results.Ok(await enrolment.StatusAsync(user.UserId(), h.RequestAborted)));
        // FACE-4: the 支付口令 typed on a terminal (six digits, not the payment password; payment password + SMS code to set)
        wallet.MapPut("/passcode", async (PasscodeRequest request, ClaimsPrincipal user, WalletCredentials credentials, FaceEnrolment enrolment,
            HttpContext h) =>
            await credentials.SetFacePasscodeAsync(user.UserId(), request.PaymentPassword, request.Code, request.Passcode, h.RequestAborted)
                is { } error ? error.ToResult(h) : Results.Ok(await enrolment.StatusAsync(user.UserId(), h.RequestAborted)));
        wallet.MapDelete("", async (ClaimsPrincipal user, FaceEnrolment enrolment, HttpContext h) =>
        {
            var withdrawn = await enrolment.WithdrawAsync(user.UserId(), h.RequestAborted);
            return Results.Ok(new { withdrawn, status = await enrolment.StatusAsync(user.UserId(), h.RequestAborted) });
        });
    }
}

/// <summary>Creates the face store if needed and rebuilds the in-memory index from it before requests are taken.</summary>
public sealed class FaceIndexLoader(FaceStore store, FaceIndex index, ILogger<FaceIndexLoader> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        var loaded = 0;
        await foreach (var (faceId, template) in store.ReadAllAsync(cancellationToken))
        {
            index.Add(faceId, template);
            loaded++;
        }
        logger.LogInformation("face index: {Count} templates loaded", loaded);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
