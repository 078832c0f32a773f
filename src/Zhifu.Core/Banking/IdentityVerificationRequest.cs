namespace Zhifu.Core.Banking;

/// <summary>A real-name check (实名认证) against one external source; each bank code counts as one source (ACC-2).</summary>
/// <param name="Source">The bank code asked, e.g. <c>ICBC</c>.</param>
/// <param name="Name">The holder's full name.</param>
/// <param name="IdNumber">The 18-character resident ID number.</param>
/// <param name="Phone">The 11-digit mobile number.</param>
public sealed record IdentityVerificationRequest(string Source, string Name, string IdNumber, string Phone)
{
    /// <summary>Masked, so that logging the request never leaks personal data (ACC-8).</summary>
    public override string ToString() =>
        $"IdentityVerificationRequest {{ Source = {Source}, IdNumber = {PersonalDataMask.IdNumber(IdNumber)} }}";
}
