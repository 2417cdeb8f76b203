namespace Fieldwork.Web.Components.Shared;

/// <summary>A coding to show on a text: its span in code points [Start, End), as the API counts.</summary>
public sealed record SpanMark(Guid Id, int Start, int End, Guid CodeId, string CodeName, string CoderId);

/// <summary>A stretch of the text (in UTF-16 units, for slicing a .NET string) and the codings over all of it.</summary>
public sealed record TextSegment(int From, int To, IReadOnlyList<SpanMark> Marks);

/// <summary>
/// Cuts a text at every coding's edges, so that each stretch is covered by the same codings
/// throughout and overlapping codings can be shown at once. Offsets count code points (an
/// emoji is one), as the API's do; the segments slice the string in UTF-16 units.
/// </summary>
public static class TextSpans
{
    public static IReadOnlyList<TextSegment> Segments(string text, IEnumerable<SpanMark> marks)
    {
        // Where each code point starts in the string, and one past the end.
        var starts = new List<int>(text.Length + 1);
        for (var i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1)
        {
            starts.Add(i);
        }

        var points = starts.Count;
        starts.Add(text.Length);
        var shown = marks.Where(m => m.Start >= 0 && m.End <= points && m.Start < m.End).ToList();
        var cuts = new SortedSet<int> { 0, points };
        foreach (var m in shown)
        {
            cuts.Add(m.Start);
            cuts.Add(m.End);
        }

        var segments = new List<TextSegment>();
        var edges = cuts.ToList();
        for (var i = 0; i + 1 < edges.Count; i++)
        {
            var (from, to) = (edges[i], edges[i + 1]);
            segments.Add(new TextSegment(starts[from], starts[to], [.. shown.Where(m => m.Start <= from && m.End >= to)]));
        }

        return segments;
    }
}
