using Fieldwork.Evidence;

namespace Fieldwork.Coding;

/// <summary>
/// A coding live at a cut, with the code it counts toward then (itself, or the code it had been
/// merged into) and the evidence it sits in as it stood then.
/// </summary>
public sealed record CodedSegment(CodingRecord Coding, Guid CodeId, EvidenceState Evidence)
{
    public Guid EvidenceId => Evidence.Id;

    /// <summary>True when the coding points into the item's latest text version at the cut.</summary>
    public bool OnLatestText => Evidence.LatestText?.Version == Coding.TextVersion;
}

/// <summary>Agreement for one code, characters as units.</summary>
public sealed record CodeAgreement(Guid CodeId, AgreementFigures Figures, long Units);

/// <summary>Pooled agreement (every (code, character) pair one unit) and agreement per code.</summary>
public sealed record AgreementReport(AgreementFigures Pooled, long Units, IReadOnlyList<CodeAgreement> PerCode);

/// <summary>A stretch of one text that some of the compared coders coded with a code and others did not.</summary>
public sealed record Disagreement(Guid EvidenceId, Guid CodeId, int TextVersion, int Start, int End, IReadOnlyList<string> CodedBy,
    IReadOnlyList<string> NotCodedBy);

/// <summary>One cell of a framework matrix: codings and coded characters.</summary>
public sealed record MatrixCell(string Row, string Column, int Codings, long Characters);

/// <summary>
/// Analysis over coded segments as pure functions: who coded which characters with which code,
/// reduced to agreement figures, disagreement spans and matrix counts.
/// </summary>
public static class CodingAnalysis
{
    /// <summary>
    /// Each coder's codings of the given codes in the latest text of each given item are compared
    /// character by character: a character is coded (1) or not (0) by each coder. Overlapping
    /// codings by one coder count once. Units are every character of every item, per code.
    /// </summary>
    public static AgreementReport Agreement(IReadOnlyList<string> coders, IReadOnlyList<Guid> codes,
        IReadOnlyDictionary<Guid, int> lengths, IEnumerable<CodedSegment> segments)
    {
        var m = coders.Count;
        var totalLength = lengths.Values.Sum(x => (long)x);
        var byCode = Compared(coders, codes, lengths, segments).ToLookup(x => x.Key.Code);
        var pooledUnits = new long[m + 1];
        var pooledOnes = new long[m];
        var perCode = new List<CodeAgreement>();
        foreach (var code in codes)
        {
            var unitsByOnes = new long[m + 1];
            var onesByCoder = new long[m];
            foreach (var (_, intervals) in byCode[code])
            {
                Sweep(intervals, m, (_, _, set) =>
                {
                    unitsByOnes[set.Count] += set.Length;
                    foreach (var c in set.Coders)
                    {
                        onesByCoder[c] += set.Length;
                    }
                });
            }

            unitsByOnes[0] = totalLength - unitsByOnes.Skip(1).Sum();
            for (var k = 0; k <= m; k++)
            {
                pooledUnits[k] += unitsByOnes[k];
            }

            for (var c = 0; c < m; c++)
            {
                pooledOnes[c] += onesByCoder[c];
            }

            perCode.Add(new CodeAgreement(code, Fieldwork.Coding.Agreement.Binary(unitsByOnes, onesByCoder), totalLength));
        }

        return new AgreementReport(Fieldwork.Coding.Agreement.Binary(pooledUnits, pooledOnes), totalLength * codes.Count, perCode);
    }

    /// <summary>Per item and code, the stretches coded by some of the coders and not by the others, in text order.</summary>
    public static IReadOnlyList<Disagreement> Disagreements(IReadOnlyList<string> coders, IReadOnlyList<Guid> codes,
        IReadOnlyDictionary<Guid, int> lengths, IEnumerable<CodedSegment> segments, IReadOnlyDictionary<Guid, int> textVersions)
    {
        var result = new List<Disagreement>();
        foreach (var ((evidence, code), intervals) in Compared(coders, codes, lengths, segments)
                     .OrderBy(x => x.Key.Evidence).ThenBy(x => codes.ToList().IndexOf(x.Key.Code)))
        {
            Disagreement? open = null;
            Sweep(intervals, coders.Count, (start, end, set) =>
            {
                if (set.Count == coders.Count)
                {
                    Flush();
                    return;
                }

                var codedBy = set.Coders.Select(c => coders[c]).ToList();
                if (open is not null && open.End == start && open.CodedBy.SequenceEqual(codedBy))
                {
                    open = open with { End = end };
                    return;
                }

                Flush();
                open = new Disagreement(evidence, code, textVersions[evidence], start, end, codedBy, [.. coders.Except(codedBy)]);
            });
            Flush();

            void Flush()
            {
                if (open is not null)
                {
                    result.Add(open);
                    open = null;
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Counts codings and coded characters into cells: each group of codings (one coding, or an
    /// item's codings of one code) counts once in every distinct (row, column) pair it falls into.
    /// </summary>
    public static IReadOnlyList<MatrixCell> Matrix<T>(IEnumerable<T> groups, Func<T, IEnumerable<string>> rows,
        Func<T, IEnumerable<string>> columns, Func<T, (int Codings, long Characters)> size)
    {
        var cells = new Dictionary<(string, string), (int Codings, long Characters)>();
        foreach (var group in groups)
        {
            var (codings, characters) = size(group);
            foreach (var row in rows(group).Distinct())
            {
                foreach (var column in columns(group).Distinct())
                {
                    var cell = cells.GetValueOrDefault((row, column));
                    cells[(row, column)] = (cell.Codings + codings, cell.Characters + characters);
                }
            }
        }

        return [.. cells.Select(x => new MatrixCell(x.Key.Item1, x.Key.Item2, x.Value.Codings, x.Value.Characters))];
    }

    /// <summary>The compared coders' intervals per (item, code), clipped to the item's length; coder as an index.</summary>
    private static Dictionary<(Guid Evidence, Guid Code), List<(int Coder, int Start, int End)>> Compared(IReadOnlyList<string> coders,
        IReadOnlyList<Guid> codes, IReadOnlyDictionary<Guid, int> lengths, IEnumerable<CodedSegment> segments)
    {
        var coderIndex = coders.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var codeSet = codes.ToHashSet();
        var result = new Dictionary<(Guid, Guid), List<(int, int, int)>>();
        foreach (var s in segments)
        {
            if (!s.OnLatestText || !codeSet.Contains(s.CodeId) || !coderIndex.TryGetValue(s.Coding.CoderId, out var coder)
                || !lengths.TryGetValue(s.EvidenceId, out var length))
            {
                continue;
            }

            var end = Math.Min(s.Coding.End, length);
            if (end > s.Coding.Start)
            {
                var key = (s.EvidenceId, s.CodeId);
                if (!result.TryGetValue(key, out var list))
                {
                    result[key] = list = [];
                }

                list.Add((coder, s.Coding.Start, end));
            }
        }

        return result;
    }

    /// <summary>The coders covering a stretch [start, end) where the set does not change.</summary>
    private readonly record struct CoverSet(int Length, int Count, IReadOnlyList<int> Coders);

    /// <summary>
    /// Walks the boundaries of the intervals in order and reports each maximal stretch covered by
    /// at least one coder, with the set of coders covering it (a coder's overlapping intervals count once).
    /// </summary>
    private static void Sweep(List<(int Coder, int Start, int End)> intervals, int coders, Action<int, int, CoverSet> report)
    {
        var boundaries = new List<(int At, int Coder, int Delta)>(intervals.Count * 2);
        foreach (var (coder, start, end) in intervals)
        {
            boundaries.Add((start, coder, +1));
            boundaries.Add((end, coder, -1));
        }

        boundaries.Sort((a, b) => a.At.CompareTo(b.At));
        var depth = new int[coders];
        var covering = 0;
        for (var i = 0; i < boundaries.Count;)
        {
            var at = boundaries[i].At;
            for (; i < boundaries.Count && boundaries[i].At == at; i++)
            {
                var (_, coder, delta) = boundaries[i];
                var before = depth[coder];
                depth[coder] += delta;
                covering += (before == 0 && depth[coder] > 0 ? 1 : 0) - (before > 0 && depth[coder] == 0 ? 1 : 0);
            }

            if (covering > 0 && i < boundaries.Count)
            {
                var next = boundaries[i].At;
                var set = Enumerable.Range(0, coders).Where(c => depth[c] > 0).ToList();
                report(at, next, new CoverSet(next - at, set.Count, set));
            }
        }
    }
}
