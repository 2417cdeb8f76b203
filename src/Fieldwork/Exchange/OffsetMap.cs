using System.Globalization;
using System.Text;
using Fieldwork.Evidence;

namespace Fieldwork.Exchange;

/// <summary>How a QDA tool counts <c>startPosition</c>/<c>endPosition</c> in the text it wrote.</summary>
public enum OffsetRule
{
    /// <summary>Unicode code points of the text as written (a CRLF counts two).</summary>
    CodePoints,

    /// <summary>UTF-16 code units of the text as written, without its BOM (an emoji counts two, a CRLF two): NVivo.</summary>
    Utf16,

    /// <summary>Code points, with a CRLF counted as one.</summary>
    CodePointsCrlfAsOne,
}

/// <summary>
/// Maps a tool's offsets in the text it wrote onto Fieldwork's: code points of the NFC, LF-only,
/// BOM-less text (<see cref="EvidenceText.Normalise"/>). The text is cut into grapheme clusters
/// (a CRLF is one, a letter with its combining accents is one), each measured both ways; an
/// offset that falls inside a cluster (half an emoji, between a letter and its accent) moves to
/// the cluster's start (for a start) or end (for an end), and is counted as adjusted.
/// </summary>
public sealed class OffsetMap
{
    private readonly int[] raw;
    private readonly int[] normalised;

    private OffsetMap(string text, bool exact, int[] raw, int[] normalised)
    {
        Text = text;
        Exact = exact;
        this.raw = raw;
        this.normalised = normalised;
    }

    /// <summary>The text as Fieldwork stores it.</summary>
    public string Text { get; }

    /// <summary>Whether the text normalised cluster by cluster is the text normalised whole (else offsets may drift; the import warns).</summary>
    public bool Exact { get; }

    /// <summary>Its length in code points.</summary>
    public int Length => normalised[^1];

    /// <summary>The length of the text as the tool counted it.</summary>
    public int RawLength => raw[^1];

    public static OffsetMap Build(string written, OffsetRule rule)
    {
        var text = written.TrimStart('\uFEFF');
        var raws = new List<int>(text.Length + 1) { 0 };
        var norms = new List<int>(text.Length + 1) { 0 };
        var stored = new StringBuilder(text.Length);
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            var length = StringInfo.GetNextTextElementLength(rest);
            var cluster = rest[..length];
            rest = rest[length..];
            if (length == 1 && cluster[0] < '\u0300' && cluster[0] != '\r')
            {
                // A lone character below the combining marks is its own NFC form, one code point either way (most of any text).
                stored.Append(cluster[0]);
                raws.Add(raws[^1] + 1);
                norms.Add(norms[^1] + 1);
                continue;
            }

            var units = rule switch
            {
                OffsetRule.Utf16 => length,
                OffsetRule.CodePointsCrlfAsOne when cluster is "\r\n" => 1,
                _ => Runes(cluster),
            };
            var kept = EvidenceText.NormaliseForm(cluster.ToString());
            stored.Append(kept);
            raws.Add(raws[^1] + units);
            norms.Add(norms[^1] + Runes(kept));
        }

        // Normalising cluster by cluster is normalising the whole (NFC does not compose across
        // grapheme clusters); should a text ever say otherwise, the whole text's form is kept.
        var whole = EvidenceText.NormaliseForm(text);
        return new OffsetMap(whole, stored.Equals(whole.AsSpan()), [.. raws], [.. norms]);
    }

    /// <summary>The stored offset of a tool's start offset (inside a cluster: its start), or null when past the end.</summary>
    public (int Offset, bool Adjusted)? Start(int offset) => Map(offset, roundUp: false);

    /// <summary>The stored offset of a tool's end offset (inside a cluster: its end), or null when past the end.</summary>
    public (int Offset, bool Adjusted)? End(int offset) => Map(offset, roundUp: true);

    private (int, bool)? Map(int offset, bool roundUp)
    {
        if (offset < 0 || offset > raw[^1])
        {
            return null;
        }

        var i = Array.BinarySearch(raw, offset);
        if (i >= 0)
        {
            return (normalised[i], false);
        }

        var after = ~i;
        return (roundUp ? normalised[after] : normalised[after - 1], true);
    }

    private static int Runes(ReadOnlySpan<char> s)
    {
        var n = 0;
        foreach (var _ in s.EnumerateRunes())
        {
            n++;
        }

        return n;
    }

    /// <summary>The rule a project's <c>origin</c> (the tool that wrote it, and its version) implies.</summary>
    public static OffsetRule RuleFor(string? origin) => origin switch
    {
        { } o when o.Contains("nvivo", StringComparison.OrdinalIgnoreCase) => OffsetRule.Utf16,
        { } o when o.Contains("maxqda", StringComparison.OrdinalIgnoreCase) => OffsetRule.CodePointsCrlfAsOne,
        _ => OffsetRule.CodePoints,
    };
}
