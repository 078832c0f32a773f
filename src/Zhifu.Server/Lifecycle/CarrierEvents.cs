using System.Net;
using System.Security.Cryptography;
using System.Text;
using Zhifu.Core;
using Zhifu.Server.Accounts;
using Zhifu.Server.Hosting;

namespace Zhifu.Server.Lifecycle;

/// <summary>
/// The carrier's number events (ACC-6): <c>transfer</c> (过户, the number passed to another person) and <c>cancel</c> (销号).
/// The carrier proves itself like the SMS gateway does: a shared key (<c>Carrier:EventKey</c>, header
/// <c>X-Carrier-Key</c>), or — with no key configured — only this machine may deliver. Repeats are harmless.
/// </summary>
public static class CarrierEvents
{
    public sealed record NumberEvent(string? Phone, string? Event, DateTimeOffset? OccurredAt);
    public sealed record OutcomeDto(string Outcome);

    public static void Map(WebApplication app) =>
        app.MapPost("/api/carrier/events", HandleAsync).WithTags("Carrier");

    private static async Task<IResult> HandleAsync(NumberEvent message, NumberDetachment detachment, IConfiguration configuration,
        LifecycleOptions options, IClock clock, HttpContext context)
    {
        if (!IsTrusted(context, configuration["Carrier:EventKey"]))
        {
            return ApiProblem.Create(context, 403, "CARRIER_UNTRUSTED", "运营商事件来源未授权", "Unknown carrier event source");
        }
        if (!CredentialRules.IsPhone(message.Phone))
        {
            return WalletErrors.InvalidPhone.ToResult(context);
        }
        var cause = message.Event switch
        {
            "transfer" => PhoneReleaseCauses.CarrierTransfer,
            "cancel" => PhoneReleaseCauses.CarrierCancel,
            _ => null,
        };
        if (cause is null)
        {
            return ApiProblem.Create(context, 400, "INVALID_EVENT", "事件类型须为 transfer 或 cancel",
                "The event must be transfer or cancel");
        }
        if (message.OccurredAt is not { } occurredAt || occurredAt > clock.UtcNow.AddMinutes(options.CarrierClockSkewMinutes))
        {
            return ApiProblem.Create(context, 400, "INVALID_EVENT_TIME", "请提供事件发生时间（不能晚于当前时间）",
                "Give the time the event occurred (not in the future)");
        }
        var outcome = await detachment.DetachAsync(message.Phone!, cause, occurredAt.ToUniversalTime(), context.RequestAborted);
        return Results.Accepted(value: new OutcomeDto(outcome switch
        {
            DetachOutcome.Detached => "detached",
            DetachOutcome.NoWallet => "no-wallet",
            _ => "opened-after-event",
        }));
    }

    private static bool IsTrusted(HttpContext context, string? key) => string.IsNullOrEmpty(key)
        ? context.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip)
        : CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(context.Request.Headers["X-Carrier-Key"].ToString()),
            Encoding.UTF8.GetBytes(key));
}
