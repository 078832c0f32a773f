using System.Text;

namespace Zhifu.Bench.Results;

/// <summary>A Markdown table: a first text column, then right-aligned figures unless told otherwise.</summary>
internal sealed class MarkdownTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];
    private int _textColumns = 1;

    /// <summary>How many leading columns hold text (left-aligned).</summary>
    public MarkdownTable WithTextColumns(int count)
    {
        _textColumns = count;
        return this;
    }

    public void Add(params string[] cells) => _rows.Add(cells);

    public void WriteTo(StringBuilder md)
    {
        md.Append("| ").AppendJoin(" | ", headers).Append(" |\n|");
        for (var i = 0; i < headers.Length; i++)
        {
            md.Append(i < _textColumns ? "---|" : "---:|");
        }
        md.Append('\n');
        foreach (var row in _rows)
        {
            md.Append("| ").AppendJoin(" | ", row).Append(" |\n");
        }
        md.Append('\n');
    }
}
