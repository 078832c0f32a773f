namespace Zhifu.Server.Cards;

/// <summary>Rules of bound cards (section <c>Cards</c>).</summary>
public sealed record CardsOptions
{
    /// <summary>Most cards one wallet may have bound at once (a bound on everything).</summary>
    public int BoundCardsMax { get; init; } = 10;
}
