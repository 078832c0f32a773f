using Zhifu.Core.Banking;

namespace Zhifu.Server.RealName;

/// <summary>What one external source said about a holder.</summary>
public enum SourceVerdict
{
    /// <summary>The source knows this name, ID number and phone together.</summary>
    Matched,

    /// <summary>The source answered: it does not (or refused the facts as invalid).</summary>
    Mismatch,

    /// <summary>No answer (timeout, unknown, channel down): not matched now, asked again on a later request.</summary>
    Unknown,
}

/// <summary>One source's answer.</summary>
public sealed record SourceAnswer(string Source, SourceVerdict Verdict);

/// <summary>
/// The external sources of real-name verification (ACC-2): each bank code of <c>RealName:Sources</c> is one source, asked
/// through the one bank channel, all at once.
/// </summary>
public sealed class IdentitySources(IBankChannel bank)
{
    public async Task<IReadOnlyList<SourceAnswer>> AskAsync(IReadOnlyList<string> sources, string name, string idNumber, string phone,
        CancellationToken cancellationToken)
    {
        var answers = await Task.WhenAll(sources.Select(async source =>
        {
            var result = await bank.VerifyIdentityAsync(new IdentityVerificationRequest(source, name, idNumber, phone), cancellationToken);
            var verdict = result.Outcome switch
            {
                BankOutcome.Succeeded => result.Matched ? SourceVerdict.Matched : SourceVerdict.Mismatch,
                BankOutcome.Failed => SourceVerdict.Mismatch,
                _ => SourceVerdict.Unknown,
            };
            return new SourceAnswer(source, verdict);
        }));
        return answers;
    }

    /// <summary>For the attempt record: <c>ICBC=matched;CCB=unknown</c>.</summary>
    public static string Describe(IEnumerable<SourceAnswer> answers) =>
        string.Join(';', answers.Select(a => $"{a.Source}={a.Verdict.ToString().ToLowerInvariant()}"));
}
