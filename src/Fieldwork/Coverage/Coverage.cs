using Fieldwork.Evaluations;
using Fieldwork.Evidence;

namespace Fieldwork.Coverage;

/// <summary>How far a site is with what its wave's plan asks of it.</summary>
public enum CoverageStatus
{
    /// <summary>The wave's plan has no row for the site.</summary>
    NotPlanned,

    /// <summary>Planned, and nothing done yet.</summary>
    NotStarted,

    /// <summary>Planned, something done, some target not reached.</summary>
    InProgress,

    /// <summary>Every target the plan gives for the site is reached.</summary>
    Met,
}

/// <summary>What was done at one site in one wave: visits, evidence items by kind, minutes observed, the last visit's date.</summary>
public sealed record CoverageDone(int Visits, int Interviews, int Observations, int Documents, int ObservedMinutes, DateOnly? LastVisitedOn)
{
    public static readonly CoverageDone None = new(0, 0, 0, 0, 0, null);

    /// <summary>Nothing of any kind done.</summary>
    public bool Nothing => Visits == 0 && Interviews == 0 && Observations == 0 && Documents == 0;

    /// <summary>One more evidence item (an observation also adds its minutes).</summary>
    public CoverageDone Add(CountedItem item) => item.Kind switch
    {
        EvidenceKind.Interview => this with { Interviews = Interviews + 1 },
        EvidenceKind.Observation => this with { Observations = Observations + 1, ObservedMinutes = ObservedMinutes + item.ObservedMinutes },
        _ => this with { Documents = Documents + 1 },
    };

    /// <summary>One more visit, on <paramref name="on"/>.</summary>
    public CoverageDone AddVisit(DateOnly on) =>
        this with { Visits = Visits + 1, LastVisitedOn = LastVisitedOn is { } last && last >= on ? last : on };
}

/// <summary>
/// A visit as coverage counts it: its date, the wave it was logged in (if any) and the sites it
/// went to. Visits are counted by <see cref="CoverageTally.CountVisits"/>, by the same wave rule
/// as evidence (<see cref="CoverageRules.WaveOf"/>).
/// </summary>
public sealed record VisitFact(DateOnly On, Guid? WaveId, IReadOnlyList<Guid> SiteIds, DateOnly? LastOn = null);

/// <summary>One site's row of a wave's coverage.</summary>
public sealed record SiteCoverage(Guid SiteId, CoverageStatus Status, SiteTargets? Targets, CoverageDone Done);

/// <summary>One wave's coverage: the plan it was measured against, and a row per site.</summary>
public sealed record WaveCoverage(Wave Wave, WavePlan Plan, IReadOnlyList<SiteCoverage> Sites);

public static class CoverageRules
{
    /// <summary>
    /// notPlanned without a plan row; met when every target given is reached (so a row whose
    /// targets are all 0 is met from the start); notStarted when nothing at all is done; else
    /// inProgress.
    /// </summary>
    public static CoverageStatus Status(SiteTargets? targets, CoverageDone done) =>
        targets is null ? CoverageStatus.NotPlanned
        : Met(targets, done) ? CoverageStatus.Met
        : done.Nothing ? CoverageStatus.NotStarted
        : CoverageStatus.InProgress;

    /// <summary>Whether every target given is reached (a target not given asks for nothing).</summary>
    public static bool Met(SiteTargets targets, CoverageDone done) =>
        Reached(targets.Visits, done.Visits) && Reached(targets.Interviews, done.Interviews)
        && Reached(targets.Observations, done.Observations) && Reached(targets.Documents, done.Documents);

    /// <summary>
    /// The wave something done counts for: the wave it was logged with, else the wave whose dates
    /// (both ends inclusive) hold its field date; waves of one evaluation do not overlap, so
    /// there is at most one. Null when there is none among <paramref name="waves"/> (the waves
    /// known at the read's cut).
    /// </summary>
    public static Guid? WaveOf(DateOnly on, Guid? waveId, IReadOnlyList<Wave> waves) =>
        waveId is { } id
            ? waves.Any(w => w.Id == id) ? id : null
            : waves.FirstOrDefault(w => w.StartsOn <= on && on <= w.EndsOn)?.Id;

    private static bool Reached(int? target, int done) => target is not { } t || done >= t;
}

/// <summary>What was done, per wave and site, at one cut: evidence items and visits, each counted for one wave (<see cref="CoverageRules.WaveOf"/>) and every site it names.</summary>
public sealed class CoverageTally(IReadOnlyList<Wave> waves)
{
    private readonly Dictionary<(Guid Wave, Guid Site), CoverageDone> done = [];

    /// <summary>Counts the evidence as it stood at the cut (voided items already left out).</summary>
    public CoverageTally CountEvidence(IEnumerable<CountedItem> items)
    {
        foreach (var item in items)
        {
            Count(item.On, item.WaveId, item.SiteIds, d => d.Add(item));
        }

        return this;
    }

    /// <summary>Counts the visits made by the cut: each adds one visit, and its date to lastVisitedOn, at each site it went to.</summary>
    public CoverageTally CountVisits(IEnumerable<VisitFact> visits)
    {
        foreach (var visit in visits)
        {
            Count(visit.On, visit.WaveId, visit.SiteIds, d => d.AddVisit(visit.LastOn ?? visit.On));
        }

        return this;
    }

    public CoverageDone For(Guid waveId, Guid siteId) => done.GetValueOrDefault((waveId, siteId), CoverageDone.None);

    /// <summary>The sites something was done at in a wave.</summary>
    public IEnumerable<Guid> SitesOf(Guid waveId) => done.Keys.Where(k => k.Wave == waveId).Select(k => k.Site);

    private void Count(DateOnly on, Guid? waveId, IReadOnlyList<Guid> siteIds, Func<CoverageDone, CoverageDone> add)
    {
        if (CoverageRules.WaveOf(on, waveId, waves) is not { } wave)
        {
            return;
        }

        foreach (var site in siteIds.Distinct())
        {
            done[(wave, site)] = add(For(wave, site));
        }
    }
}

public static class CoverageReport
{
    /// <summary>
    /// Each wave's coverage: a row for every site given (the evaluation's sites at the cut), every
    /// site its plan names and every site something was done at in it, each with the plan's
    /// targets, what was done and its status. Rows come in <paramref name="sites"/>' order, then
    /// by id.
    /// </summary>
    public static IReadOnlyList<WaveCoverage> Build(IReadOnlyList<Wave> waves, IReadOnlyList<Guid> sites,
        IReadOnlyDictionary<Guid, WavePlan> plans, CoverageTally tally) =>
        [.. waves.Select(wave =>
        {
            var plan = plans.GetValueOrDefault(wave.Id) ?? WavePlanTimeline.Unplanned(wave.Id);
            var rows = sites.Concat(plan.Sites.Select(s => s.SiteId).Concat(tally.SitesOf(wave.Id)).Except(sites).Distinct().Order())
                .Distinct()
                .Select(site =>
                {
                    var targets = plan.For(site);
                    var done = tally.For(wave.Id, site);
                    return new SiteCoverage(site, CoverageRules.Status(targets, done), targets, done);
                })
                .ToList();
            return new WaveCoverage(wave, plan, rows);
        })];
}
