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

/// <summary>One row of coverage: one site in one wave, flat (what a table or a spreadsheet shows).</summary>
public sealed record CoverageItemView(
    Guid SiteId,
    string SiteCode,
    Guid WaveId,
    string WaveName,
    int Visits,
    int Interviews,
    int Observations,
    int Documents,
    int ObservedMinutes,
    CoverageTargetsView? Planned,
    CoverageStatus Status,
    DateOnly? LastVisitedOn)
{
    public static IEnumerable<CoverageItemView> Of(WaveCoverageView wave) => wave.Sites.Select(s => new CoverageItemView(s.SiteId, s.SiteCode,
        wave.WaveId, wave.WaveName, s.Done.Visits, s.Done.Interviews, s.Done.Observations, s.Done.Documents, s.Done.ObservedMinutes, s.Planned,
        s.Status, s.LastVisitedOn));
}

/// <summary>
/// Coverage at a cut: <c>items</c>, one row per site and wave (waves in date order, sites by
/// code), and <c>waves</c>, the same per wave with the plan's version and a summary.
/// </summary>
public sealed record CoverageView(string AsOf, DateTimeOffset? KnownAt, IReadOnlyList<CoverageItemView> Items, IReadOnlyList<WaveCoverageView> Waves)
{
    public static CoverageView Of(string asOf, DateTimeOffset? knownAt, IReadOnlyList<WaveCoverageView> waves) =>
        new(asOf, knownAt, [.. waves.SelectMany(CoverageItemView.Of)], waves);
}
