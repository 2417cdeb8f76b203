using Fieldwork.Evaluations;
using Fieldwork.Rules;

namespace Fieldwork.Coverage;

/// <summary>The plan's rules as pure functions: command and state in, events or a refusal out.</summary>
public static class PlanRules
{
    /// <summary>The largest target of one kind for one site in one wave.</summary>
    public const int MaxTarget = 10_000;

    /// <summary>The most sites one wave's plan holds.</summary>
    public const int MaxSites = 1_000;

    /// <summary>
    /// Sets a wave's plan, replacing the one before it. Refused: a wave this evaluation does not
    /// have (404); a site without any target, a site given twice, a site not enrolled in this
    /// evaluation (one 400 naming each, <c>sites[2].siteId</c>). The same plan again records
    /// nothing (the order of the sites does not matter), and so does an empty plan for a wave
    /// that has none.
    /// </summary>
    /// <param name="sitesOfEvaluation">The ids of the sites enrolled in this evaluation (those of the command at least).</param>
    /// <param name="current">The plan as it stands, if one was set.</param>
    public static Decision Set(Evaluation evaluation, Guid waveId, NewWavePlan command, IReadOnlySet<Guid> sitesOfEvaluation, WavePlan? current)
    {
        if (evaluation.Waves.All(w => w.Id != waveId))
        {
            return Rejection.NotFound("No such wave in this evaluation.");
        }

        var errors = new List<Rejection>();
        var seen = new Dictionary<Guid, int>();
        var rows = command.Sites;
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var siteId = row.SiteId;
            if (row.Visits is null && row.Interviews is null && row.Observations is null && row.Documents is null)
            {
                errors.Add(Rejection.Invalid($"sites[{i}]",
                    "Give at least one target (visits, interviews, observations or documents) for each planned site."));
            }

            if (seen.TryGetValue(siteId, out var first))
            {
                errors.Add(Rejection.Invalid($"sites[{i}].siteId", $"The site is planned twice (first as sites[{first}]); plan each site once."));
            }
            else
            {
                seen[siteId] = i;
                if (!sitesOfEvaluation.Contains(siteId))
                {
                    errors.Add(Rejection.Invalid($"sites[{i}].siteId", "There is no such site in this evaluation."));
                }
            }
        }

        if (errors.Count > 0)
        {
            return Rejection.Combine(errors);
        }

        var targets = rows.Select(r => new SiteTargets(r.SiteId, r.Visits, r.Interviews, r.Observations, r.Documents)).ToList();
        if (SamePlan(current?.Sites ?? [], targets))
        {
            return Decision.Accept();
        }

        return Decision.Accept(new WavePlanSet(evaluation.Id, waveId, targets));
    }

    /// <summary>Whether two plans hold the same targets for the same sites, in any order.</summary>
    public static bool SamePlan(IReadOnlyList<SiteTargets> a, IReadOnlyList<SiteTargets> b) =>
        a.Count == b.Count && a.OrderBy(s => s.SiteId).SequenceEqual(b.OrderBy(s => s.SiteId));
}
