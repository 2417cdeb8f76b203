namespace Fieldwork.Coding;

/// <summary>
/// Inter-coder agreement on nominal data. <see cref="PercentAgreement"/> is a fraction 0..1;
/// <see cref="CohensKappa"/> is null for more (or fewer) than two coders; when every unit has the
/// same value for every coder, kappa and alpha are 1 by convention (both are 0/0 otherwise).
/// </summary>
public sealed record AgreementFigures(double? PercentAgreement, double? CohensKappa, double? KrippendorffAlpha);

/// <summary>
/// Percent agreement, Cohen's kappa and Krippendorff's alpha (nominal) as pure functions, on a
/// coincidence matrix: the same arithmetic serves a small table of labelled units and millions
/// of coded/uncoded characters summarised by counts.
/// </summary>
public static class Agreement
{
    /// <summary>
    /// Agreement on nominal values: <paramref name="coders"/>[c][u] is coder c's value for unit
    /// u, or null where the coder did not code it. Units with fewer than two values are not
    /// pairable and count for nothing. Percent agreement is the share of pairable units on which
    /// every value is the same.
    /// </summary>
    public static AgreementFigures Nominal(IReadOnlyList<IReadOnlyList<int?>> coders)
    {
        var units = coders.Count == 0 ? 0 : coders.Max(c => c.Count);
        var coincidence = new Dictionary<(int, int), double>();
        int pairable = 0, unanimous = 0;
        for (var u = 0; u < units; u++)
        {
            var values = coders.Select(c => u < c.Count ? c[u] : null).OfType<int>().ToList();
            if (values.Count < 2)
            {
                continue;
            }

            pairable++;
            unanimous += values.Distinct().Count() == 1 ? 1 : 0;
            for (var i = 0; i < values.Count; i++)
            {
                for (var j = 0; j < values.Count; j++)
                {
                    if (i != j)
                    {
                        var key = (values[i], values[j]);
                        coincidence[key] = coincidence.GetValueOrDefault(key) + (1.0 / (values.Count - 1));
                    }
                }
            }
        }

        double? kappa = null;
        if (coders.Count == 2)
        {
            var both = Enumerable.Range(0, units)
                .Where(u => u < coders[0].Count && u < coders[1].Count && coders[0][u] is not null && coders[1][u] is not null)
                .Select(u => (A: coders[0][u]!.Value, B: coders[1][u]!.Value))
                .ToList();
            kappa = CohensKappa(both.Count, both.Count(x => x.A == x.B),
                both.GroupBy(x => x.A).ToDictionary(g => g.Key, g => (double)g.Count()),
                both.GroupBy(x => x.B).ToDictionary(g => g.Key, g => (double)g.Count()));
        }

        return new AgreementFigures(pairable == 0 ? null : (double)unanimous / pairable, kappa, Alpha(coincidence));
    }

    /// <summary>
    /// Agreement on binary units (coded 1 or not 0) where every coder rates every unit, from
    /// counts alone: <paramref name="unitsByOnes"/>[k] is how many units exactly k coders coded,
    /// <paramref name="onesByCoder"/>[c] how many units coder c coded. This is how characters are
    /// compared without listing them.
    /// </summary>
    public static AgreementFigures Binary(IReadOnlyList<long> unitsByOnes, IReadOnlyList<long> onesByCoder)
    {
        var m = onesByCoder.Count;
        var n = unitsByOnes.Sum();
        if (m < 2 || n == 0)
        {
            return new AgreementFigures(null, null, null);
        }

        var coincidence = new Dictionary<(int, int), double>();
        for (var k = 0; k <= m && k < unitsByOnes.Count; k++)
        {
            var count = unitsByOnes[k];
            if (count == 0)
            {
                continue;
            }

            // In a unit with k ones among m values: k(k-1) ordered (1,1) pairs, (m-k)(m-k-1)
            // (0,0) pairs and k(m-k) of each mixed pair, each weighted 1/(m-1).
            var weight = count / (double)(m - 1);
            Add(coincidence, (1, 1), weight * k * (k - 1));
            Add(coincidence, (0, 0), weight * (m - k) * (m - k - 1));
            Add(coincidence, (1, 0), weight * k * (m - k));
            Add(coincidence, (0, 1), weight * k * (m - k));
        }

        var unanimous = unitsByOnes[0] + (unitsByOnes.Count > m ? unitsByOnes[m] : 0);
        double? kappa = null;
        if (m == 2)
        {
            var agreed = unitsByOnes[0] + (unitsByOnes.Count > 2 ? unitsByOnes[2] : 0);
            kappa = CohensKappa(n, agreed,
                new Dictionary<int, double> { [1] = onesByCoder[0], [0] = n - onesByCoder[0] },
                new Dictionary<int, double> { [1] = onesByCoder[1], [0] = n - onesByCoder[1] });
        }

        return new AgreementFigures((double)unanimous / n, kappa, Alpha(coincidence));
    }

    private static double? CohensKappa(long units, long agreed, IReadOnlyDictionary<int, double> first, IReadOnlyDictionary<int, double> second)
    {
        if (units == 0)
        {
            return null;
        }

        var observed = (double)agreed / units;
        var expected = first.Sum(x => x.Value / units * (second.GetValueOrDefault(x.Key) / units));
        return expected >= 1 ? 1 : (observed - expected) / (1 - expected);
    }

    private static double? Alpha(IReadOnlyDictionary<(int, int), double> coincidence)
    {
        var marginals = coincidence.GroupBy(x => x.Key.Item1).ToDictionary(g => g.Key, g => g.Sum(x => x.Value));
        var n = marginals.Values.Sum();
        if (n <= 1)
        {
            return null;
        }

        var disagreement = coincidence.Where(x => x.Key.Item1 != x.Key.Item2).Sum(x => x.Value);
        var chance = marginals.Sum(a => marginals.Where(b => b.Key != a.Key).Sum(b => a.Value * b.Value));
        return chance == 0 ? 1 : 1 - ((n - 1) * disagreement / chance);
    }

    private static void Add(Dictionary<(int, int), double> coincidence, (int, int) key, double value)
    {
        if (value != 0)
        {
            coincidence[key] = coincidence.GetValueOrDefault(key) + value;
        }
    }
}
