using System.Globalization;

namespace Zhifu.Core;

/// <summary>
/// An amount of renminbi in 分 (fen, 1/100 yuan). Money is never a <c>decimal</c> or <c>double</c> here:
/// arithmetic is checked so an overflow throws instead of silently wrapping a balance.
/// </summary>
public readonly record struct Money(long Fen) : IComparable<Money>
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Zero fen.</summary>
    public static Money Zero => default;

    /// <summary>An amount of whole yuan.</summary>
    public static Money FromYuan(long yuan) => new(checked(yuan * 100));

    /// <summary>Checked addition.</summary>
    public static Money operator +(Money a, Money b) => new(checked(a.Fen + b.Fen));

    /// <summary>Checked subtraction.</summary>
    public static Money operator -(Money a, Money b) => new(checked(a.Fen - b.Fen));

    /// <summary>Orders by amount.</summary>
    public static bool operator <(Money a, Money b) => a.Fen < b.Fen;

    /// <summary>Orders by amount.</summary>
    public static bool operator >(Money a, Money b) => a.Fen > b.Fen;

    /// <summary>Orders by amount.</summary>
    public static bool operator <=(Money a, Money b) => a.Fen <= b.Fen;

    /// <summary>Orders by amount.</summary>
    public static bool operator >=(Money a, Money b) => a.Fen >= b.Fen;

    /// <inheritdoc />
    public int CompareTo(Money other) => Fen.CompareTo(other.Fen);

    /// <summary>Formats as <c>¥1,234.56</c> (negative as <c>-¥1,234.56</c>).</summary>
    public override string ToString()
    {
        // Unsigned magnitude so long.MinValue formats instead of overflowing on negation.
        var magnitude = Fen < 0 ? (ulong)(-(Fen + 1)) + 1 : (ulong)Fen;
        var text = string.Create(Invariant, $"¥{magnitude / 100:N0}.{magnitude % 100:D2}");
        return Fen < 0 ? "-" + text : text;
    }

    /// <summary>
    /// Parses a yuan amount with at most two decimals ("1234.56", "¥1,234.56", "12") into fen.
    /// </summary>
    public static bool TryParseYuan(string? text, out Money money)
    {
        money = Zero;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 32)
        {
            return false;
        }
        var s = text.Trim().Replace("¥", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal);
        var negative = s.StartsWith('-');
        if (negative)
        {
            s = s[1..];
        }
        var dot = s.IndexOf('.', StringComparison.Ordinal);
        var whole = dot < 0 ? s : s[..dot];
        var frac = dot < 0 ? "" : s[(dot + 1)..];
        if (whole.Length == 0 || frac.Length > 2 || !whole.All(char.IsAsciiDigit) || !frac.All(char.IsAsciiDigit))
        {
            return false;
        }
        if (!long.TryParse(whole, NumberStyles.None, Invariant, out var yuan) || yuan > long.MaxValue / 100 - 1)
        {
            return false;
        }
        var fen = yuan * 100 + (frac.Length == 0 ? 0 : long.Parse(frac.PadRight(2, '0'), Invariant));
        money = new Money(negative ? -fen : fen);
        return true;
    }
}
