using System.Text.Json.Nodes;
using Fieldwork.Coding;

namespace Fieldwork.Tests.Domain;

public sealed class AgreementTests
{
    private static JsonNode Case(string startsWith)
    {
        var vectors = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "agreement-vectors.json")))!;
        return vectors["cases"]!.AsArray().Single(c => c!["name"]!.GetValue<string>().StartsWith(startsWith, StringComparison.Ordinal))!;
    }

    private static int?[] Repeat(params (int Value, int Times)[] runs) => [.. runs.SelectMany(r => Enumerable.Repeat((int?)r.Value, r.Times))];

    [Fact]
    public void cohens_kappa_matches_the_textbook_example()
    {
        var expected = Case("Cohen's kappa")["expected"]!;
        // yes = 1, no = 0. A: 20 yes, 5 yes, 10 no, 15 no. B: 20 yes, 5 no, 10 yes, 15 no.
        var a = Repeat((1, 20), (1, 5), (0, 10), (0, 15));
        var b = Repeat((1, 20), (0, 5), (1, 10), (0, 15));

        var figures = Agreement.Nominal([a, b]);

        Assert.Equal(expected["percentAgreement"]!.GetValue<double>(), figures.PercentAgreement!.Value, 6);
        Assert.Equal(expected["cohensKappa"]!.GetValue<double>(), figures.CohensKappa!.Value, 6);
    }

    [Fact]
    public void krippendorffs_alpha_matches_the_published_example_with_missing_values()
    {
        var example = Case("Krippendorff's alpha");
        var data = example["data"]!.AsArray()
            .Select(row => (IReadOnlyList<int?>)[.. row!.AsArray().Select(v => v?.GetValue<int>())])
            .ToList();

        var figures = Agreement.Nominal(data);

        Assert.Equal(example["expected"]!["krippendorffAlphaNominal"]!.GetValue<double>(), figures.KrippendorffAlpha!.Value, 3);
        Assert.Null(figures.CohensKappa);
    }

    [Fact]
    public void a_hand_worked_binary_case_gives_the_same_figures_from_units_and_from_counts()
    {
        // A codes units 1 and 2; B codes unit 1. po = 3/4; pe = .5 x .25 + .5 x .75 = .5; kappa = .5.
        // Coincidences: o11 = 2, o10 = o01 = 1, o00 = 4; n1 = 3, n0 = 5, n = 8;
        // alpha = 1 - (8 - 1) x 2 / (2 x 3 x 5) = 1 - 14/30.
        var fromUnits = Agreement.Nominal([[1, 1, 0, 0], [1, 0, 0, 0]]);
        var fromCounts = Agreement.Binary([2, 1, 1], [2, 1]);

        foreach (var figures in new[] { fromUnits, fromCounts })
        {
            Assert.Equal(0.75, figures.PercentAgreement!.Value, 9);
            Assert.Equal(0.5, figures.CohensKappa!.Value, 9);
            Assert.Equal(1 - (14.0 / 30), figures.KrippendorffAlpha!.Value, 9);
        }
    }

    [Fact]
    public void when_every_unit_has_the_same_value_for_every_coder_kappa_and_alpha_are_one()
    {
        var none = Agreement.Nominal([[0, 0, 0], [0, 0, 0]]);
        Assert.Equal(new AgreementFigures(1, 1, 1), none);
        Assert.Equal(new AgreementFigures(1, 1, 1), Agreement.Binary([0, 0, 10], [10, 10]));
        Assert.Equal(new AgreementFigures(1, null, 1), Agreement.Binary([7, 0, 0, 0], [0, 0, 0]));
    }

    [Fact]
    public void total_disagreement_is_below_chance()
    {
        var figures = Agreement.Nominal([[1, 0, 1, 0], [0, 1, 0, 1]]);
        Assert.Equal(0, figures.PercentAgreement);
        Assert.Equal(-1, figures.CohensKappa!.Value, 9);
        Assert.True(figures.KrippendorffAlpha < 0);
    }

    [Fact]
    public void nothing_to_compare_gives_no_figures()
    {
        Assert.Equal(new AgreementFigures(null, null, null), Agreement.Binary([0, 0, 0], [0, 0]));
        Assert.Null(Agreement.Nominal([[1, null], [null, 2]]).KrippendorffAlpha);
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(5, 3)]
    public void counts_and_units_agree_on_random_binary_codings(int coders, int seed)
    {
        var random = new Random(seed);
        var units = Enumerable.Range(0, coders)
            .Select(_ => (IReadOnlyList<int?>)[.. Enumerable.Range(0, 400).Select(_ => (int?)(random.Next(3) == 0 ? 1 : 0))])
            .ToList();
        var histogram = new long[coders + 1];
        for (var u = 0; u < 400; u++)
        {
            histogram[units.Count(c => c[u] == 1)]++;
        }

        var fromUnits = Agreement.Nominal(units);
        var fromCounts = Agreement.Binary(histogram, [.. units.Select(c => (long)c.Count(v => v == 1))]);

        Assert.Equal(fromUnits.PercentAgreement!.Value, fromCounts.PercentAgreement!.Value, 9);
        Assert.Equal(fromUnits.KrippendorffAlpha!.Value, fromCounts.KrippendorffAlpha!.Value, 9);
        Assert.Equal(fromUnits.CohensKappa.HasValue, fromCounts.CohensKappa.HasValue);
        if (fromUnits.CohensKappa is { } kappa)
        {
            Assert.Equal(kappa, fromCounts.CohensKappa!.Value, 9);
        }
    }
}
