using Fieldwork.Coding;
using Fieldwork.Evidence;

namespace Fieldwork.Tests.Domain;

public sealed class CodingAnalysisTests
{
    private static readonly Guid Item = Guid.NewGuid();
    private static readonly Guid X = Guid.NewGuid();
    private static readonly Guid Y = Guid.NewGuid();

    private static readonly EvidenceState Evidence = new(Item,
        new EvidenceDetails(EvidenceKind.Observation, new DateOnly(2018, 3, 5), null, [], null, []),
        [new TextMeta(1, 1, 10, "hash")], 1, "lead", DateTimeOffset.UnixEpoch, []);

    private static CodedSegment Segment(string coder, Guid code, int start, int end, int version = 1) =>
        new(new CodingRecord(Guid.NewGuid(), code, version, start, end, coder, null, 2, DateTimeOffset.UnixEpoch), code, Evidence);

    private static readonly Dictionary<Guid, int> Lengths = new() { [Item] = 10 };

    [Fact]
    public void per_code_and_pooled_figures_match_the_hand_worked_case()
    {
        // a codes X on [0,5) and [1,3), b codes X on [2,6); a codes Y on [8,10).
        var segments = new[] { Segment("a", X, 0, 5), Segment("a", X, 1, 3), Segment("b", X, 2, 6), Segment("a", Y, 8, 10) };
        var report = CodingAnalysis.Agreement(["a", "b"], [X, Y], Lengths, segments);

        var x = report.PerCode[0].Figures;
        Assert.Equal(0.7, x.PercentAgreement!.Value, 9);
        Assert.Equal(0.4, x.CohensKappa!.Value, 9); // (0.7 - 0.5) / (1 - 0.5)
        Assert.Equal(1 - (19.0 * 6 / 198), x.KrippendorffAlpha!.Value, 9);
        var y = report.PerCode[1].Figures;
        Assert.Equal(0.8, y.PercentAgreement!.Value, 9);
        Assert.Equal(0.0, y.CohensKappa!.Value, 9); // b codes nothing: agreement is all chance
        Assert.Equal(1 - (19.0 * 4 / 72), y.KrippendorffAlpha!.Value, 9);
        Assert.Equal(20, report.Units);
        Assert.Equal(0.75, report.Pooled.PercentAgreement!.Value, 9);
        Assert.Equal(0.16 / 0.41, report.Pooled.CohensKappa!.Value, 9);
    }

    [Fact]
    public void codings_on_an_older_text_version_and_other_coders_are_left_out()
    {
        var segments = new[] { Segment("a", X, 0, 5), Segment("b", X, 0, 5), Segment("b", X, 5, 10, version: 0), Segment("c", X, 5, 10) };
        var report = CodingAnalysis.Agreement(["a", "b"], [X], Lengths, segments);
        Assert.Equal(1.0, report.Pooled.PercentAgreement);
        Assert.Equal(1.0, report.Pooled.CohensKappa);
        Assert.Equal(1.0, report.Pooled.KrippendorffAlpha);
    }

    [Fact]
    public void degenerate_cases_nobody_coded_and_no_units()
    {
        var nothing = CodingAnalysis.Agreement(["a", "b"], [X], Lengths, []);
        Assert.Equal(new AgreementFigures(1, 1, 1), nothing.Pooled);
        var noUnits = CodingAnalysis.Agreement(["a", "b"], [X], new Dictionary<Guid, int>(), []);
        Assert.Equal(new AgreementFigures(null, null, null), noUnits.Pooled);
        var three = CodingAnalysis.Agreement(["a", "b", "c"], [X], Lengths, [Segment("a", X, 0, 5)]);
        Assert.Null(three.Pooled.CohensKappa);
        Assert.Equal(0.5, three.Pooled.PercentAgreement!.Value, 9);
    }

    [Fact]
    public void disagreements_are_maximal_stretches_where_coders_split()
    {
        var segments = new[] { Segment("a", X, 0, 5), Segment("b", X, 2, 6), Segment("b", X, 6, 7) };
        var found = CodingAnalysis.Disagreements(["a", "b"], [X], Lengths, segments, new Dictionary<Guid, int> { [Item] = 1 });
        Assert.Equal([(0, 2, "a"), (5, 7, "b")], found.Select(d => (d.Start, d.End, string.Join(",", d.CodedBy))));
        Assert.Equal(["b"], found[0].NotCodedBy);
    }

    [Fact]
    public void matrix_cells_count_each_segment_once_per_distinct_cell()
    {
        var cells = CodingAnalysis.Matrix([("r1", 3), ("r1", 4), ("r2", 5)], s => [s.Item1, s.Item1], _ => ["c"], s => (1, s.Item2));
        Assert.Equal([("r1", 2, 7L), ("r2", 1, 5L)], cells.OrderBy(c => c.Row).Select(c => (c.Row, c.Codings, c.Characters)));
    }

    [Fact]
    public void matrix_groups_count_their_codings_and_characters_once_per_distinct_cell()
    {
        var cells = CodingAnalysis.Matrix([("r1", 3, 30L), ("r1", 2, 12L)], s => [s.Item1, s.Item1], _ => ["c", "d"], s => (s.Item2, s.Item3));
        Assert.Equal([("c", 5, 42L), ("d", 5, 42L)], cells.OrderBy(c => c.Column).Select(c => (c.Column, c.Codings, c.Characters)));
    }
}
