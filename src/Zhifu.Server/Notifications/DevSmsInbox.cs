using System.Net;

namespace Zhifu.Server.Notifications;

/// <summary>
/// The development inbox: reads the texts the platform sent to a phone, so a newcomer (or a test acting as the phone) can
/// see one-time codes without a real SMS gateway. Only with <c>Sms:DevInbox=true</c> and only from this machine.
/// </summary>
public static class DevSmsInbox
{
    public sealed record SmsDto(string At, string Kind, string Body);

    public static void Map(WebApplication app)
    {
        if (!app.Configuration.GetValue("Sms:DevInbox", false))
        {
            return;
        }
        app.MapGet("/api/dev/sms/{phone}", async (string phone, SmsOutbox outbox, HttpContext context) =>
        {
            if (context.Connection.RemoteIpAddress is not { } ip || !IPAddress.IsLoopback(ip) || phone.Length != 11)
            {
                return Results.NotFound();
            }
            var texts = await outbox.ReadAsync(phone, 10, context.RequestAborted);
            return Results.Ok(texts.Select(t => new SmsDto(Core.ChinaTime.Format(t.At), t.Kind, t.Body)));
        }).WithTags("Development");
    }
}
