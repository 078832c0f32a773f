namespace Zhifu.Core.Ledger;

/// <summary>Linked chains: every transfer but the last carries <see cref="TransferFlags.Linked"/>, so all apply or none do.</summary>
public static class TransferChain
{
    /// <summary>Links <paramref name="chain"/> in place (its other flags kept) and returns it.</summary>
    public static List<Transfer> Link(List<Transfer> chain)
    {
        for (var i = 0; i < chain.Count - 1; i++)
        {
            chain[i] = chain[i] with { Flags = chain[i].Flags | TransferFlags.Linked };
        }
        return chain;
    }
}
