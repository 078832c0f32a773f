using System.Security.Claims;

namespace Zhifu.Server.Lifecycle;

/// <summary>The signed-in operator doing a lifecycle step, as the audit log and the restriction rows name them (SEC-1).</summary>
public sealed record OperatorActor(string Username, string Role)
{
    /// <summary>How a restriction row names its creator.</summary>
    public string CreatedBy => "ops:" + Username;

    public static OperatorActor Of(ClaimsPrincipal principal) =>
        new(principal.Identity!.Name!, principal.FindFirstValue(ClaimTypes.Role)!);
}
