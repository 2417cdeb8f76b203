using Fieldwork.Coverage;

namespace Fieldwork.Api.Coverage;

/// <summary>One site's targets in a plan (a target not set is null: the plan asks nothing of that kind).</summary>
public sealed record SiteTargetsView(Guid SiteId, string SiteCode, int? Visits, int? Interviews, int? Observations, int? Documents)
{
    public static SiteTargetsView From(SiteTargets t, IReadOnlyDictionary<Guid, string> codes) =>
        new(t.SiteId, codes.GetValueOrDefault(t.SiteId, ""), t.Visits, t.Interviews, t.Observations, t.Documents);
}

/// <summary>
/// A wave's plan as known at a moment: version 0, with no sites, until one is set; each PUT that
/// changes it adds a version.
/// </summary>
public sealed record WavePlanView(Guid WaveId, int Version, IReadOnlyList<SiteTargetsView> Sites, DateTimeOffset? SetAt, string? SetBy)
{
    public static WavePlanView From(WavePlan plan, IReadOnlyDictionary<Guid, string> codes) =>
        new(plan.WaveId, plan.Version, [.. plan.Sites.Select(s => SiteTargetsView.From(s, codes))], plan.SetAt, plan.SetBy);
}

/// <summary>What was done at a site in a wave.</summary>
public sealed record CoverageDoneView(int Visits, int Interviews, int Observations, int Documents, int ObservedMinutes);

/// <summary>The plan's targets for a site in a wave.</summary>
public sealed record CoverageTargetsView(int? Visits, int? Interviews, int? Observations, int? Documents);

/// <summary>One site's coverage in one wave.</summary>
public sealed record SiteCoverageView(
    Guid SiteId,
    string SiteCode,
    CoverageStatus Status,
    CoverageTargetsView? Planned,
    CoverageDoneView Done,
    DateOnly? LastVisitedOn);

/// <summary>How many of a wave's sites are in each status.</summary>
public sealed record CoverageSummaryView(int Planned, int Met, int InProgress, int NotStarted, int NotPlanned);

/// <summary>One wave's coverage, with the version of the plan it was measured against.</summary>
public sealed record WaveCoverageView(
    Guid WaveId,
    string WaveName,
    DateOnly StartsOn,
    DateOnly EndsOn,
    int PlanVersion,
    CoverageSummaryView Summary,
    IReadOnlyList<SiteCoverageView> Sites)
{
    public static WaveCoverageView From(WaveCoverage c, IReadOnlyDictionary<Guid, string> codes)
    {
        var sites = c.Sites
            .Select(s => new SiteCoverageView(s.SiteId, codes.GetValueOrDefault(s.SiteId, ""), s.Status,
                s.Targets is { } t ? new CoverageTargetsView(t.Visits, t.Interviews, t.Observations, t.Documents) : null,
                new CoverageDoneView(s.Done.Visits, s.Done.Interviews, s.Done.Observations, s.Done.Documents, s.Done.ObservedMinutes),
                s.Done.LastVisitedOn))
            .OrderBy(s => s.SiteCode, StringComparer.Ordinal).ThenBy(s => s.SiteId)
            .ToList();
        int Count(CoverageStatus status) => sites.Count(s => s.Status == status);
        var summary = new CoverageSummaryView(sites.Count - Count(CoverageStatus.NotPlanned), Count(CoverageStatus.Met),
            Count(CoverageStatus.InProgress), Count(CoverageStatus.NotStarted), Count(CoverageStatus.NotPlanned));
        return new WaveCoverageView(c.Wave.Id, c.Wave.Name, c.Wave.StartsOn, c.Wave.EndsOn, c.Plan.Version, summary, sites);
    }
}

/// <summary>Coverage at a cut: per wave, per site, the plan's targets against what was done.</summary>
public sealed record CoverageView(string AsOf, DateTimeOffset? KnownAt, IReadOnlyList<WaveCoverageView> Waves);
