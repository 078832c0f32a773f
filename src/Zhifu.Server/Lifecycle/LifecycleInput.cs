using Zhifu.Core.Banking;

namespace Zhifu.Server.Lifecycle;

/// <summary>Shapes of the lifecycle's inputs, checked before anything is read or written.</summary>
public static class LifecycleInput
{
    /// <summary>A trimmed reason of 1–256 characters, or null.</summary>
    public static string? Reason(string? text) => text?.Trim() is { Length: > 0 and <= 256 } t ? t : null;

    /// <summary>A resident ID number normalized to capital X, or null when it is not one (GB 11643 check character).</summary>
    public static string? IdNumber(string? text)
    {
        var id = text?.Trim().ToUpperInvariant();
        return CheckDigits.IsValidResidentId(id) ? id : null;
    }
}
