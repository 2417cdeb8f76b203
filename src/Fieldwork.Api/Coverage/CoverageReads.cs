using Fieldwork.Coverage;
using Fieldwork.Evaluations;
using Fieldwork.Evidence;
using Fieldwork.Sites;

namespace Fieldwork.Api.Coverage;

/// <summary>What coverage reads, at one cut: the waves, sites, plans, evidence and visits of an evaluation.</summary>
public static class CoverageReads
{
    /// <summary>
    /// Per wave (or only waveId) and site: what the plan asks, what was done by asOf as known at
    /// knownAt (visits, interviews, observations, documents, minutes observed), and the status.
    /// </summary>
    /// <remarks>
    /// An item counts for the wave it was logged with, else for the wave whose dates hold its
    /// field date (none if no wave does), at each of its sites. Voided items do not count; a
    /// correction counts from when it was recorded. The plan is the one known at knownAt.
    /// </remarks>
    [WolverineGet("/api/evaluations/{evaluationId}/coverage", OperationId = "getCoverage")]
    [Requires(Permission.ReadEvidence)]
    [ProducesResponseType<CoverageView>(StatusCodes.Status200OK)]
    public static Task<IResult> Get(Guid evaluationId, Guid? waveId, string? asOf, string? knownAt, HttpContext http,
        IQuerySession session, TimeTravel time, CancellationToken cancellation) =>
        time.ReadAsync(session, asOf, knownAt, cancellation, async cut =>
        {
            var known = await CoverageReads.WavesAsync(session, http.Access().Evaluation, cut, cancellation);
            var waves = waveId is { } id ? [.. known.Where(w => w.Id == id)] : known;
            if (waveId is not null && waves.Count == 0)
            {
                return ProblemResults.NotFound(cut.KnownUpTo == long.MaxValue
                    ? "No such wave in this evaluation."
                    : "No such wave in this evaluation at that time.");
            }

            var (coverage, codes) = await CoverageReads.CoverageAsync(session, evaluationId, waves, known, cut, cancellation);
            return TypedResults.Ok(CoverageView.Of(cut.AsOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                time.KnownAt(knownAt), [.. coverage.Select(c => WaveCoverageView.From(c, codes))]));
        });

    /// <summary>
    /// The evaluation's waves as known at the cut: the snapshot's when the cut knows everything,
    /// else those whose definition the log held by then (waves are never changed once defined).
    /// </summary>
    public static async Task<IReadOnlyList<Wave>> WavesAsync(IQuerySession session, Evaluation evaluation, Cut cut,
        CancellationToken cancellation)
    {
        if (cut.KnownUpTo == long.MaxValue)
        {
            return evaluation.Waves;
        }

        var events = await session.Events.FetchStreamAsync(evaluation.Id, token: cancellation);
        return [.. events.Where(e => cut.Knows(e.Sequence)).Select(e => e.Data).OfType<WaveDefined>()
            .Select(w => new Wave(w.WaveId, w.Name, w.StartsOn, w.EndsOn)).OrderBy(w => w.StartsOn)];
    }

    /// <summary>
    /// Coverage at the cut for <paramref name="waves"/>: evidence items as they stood at the cut
    /// (field date on or before asOf, as recorded and corrected by knownAt, voids known by then
    /// left out), visits (<see cref="VisitsAsync"/>), and each wave's plan as known at knownAt.
    /// Rows: the evaluation's sites at the cut, and any site planned or worked at in the wave.
    /// </summary>
    public static async Task<(IReadOnlyList<WaveCoverage> Waves, IReadOnlyDictionary<Guid, string> Codes)> CoverageAsync(
        IQuerySession session, Guid evaluationId, IReadOnlyList<Wave> waves, IReadOnlyList<Wave> knownWaves, Cut cut,
        CancellationToken cancellation)
    {
        var batch = session.CreateBatchQuery();
        var siteTimelines = batch.Query<SiteTimeline>().Where(x => x.EvaluationId == evaluationId).ToList();
        var evidenceTimelines = batch.Query<EvidenceCountTimeline>().Where(x => x.EvaluationId == evaluationId).Select(x => x.Packed).ToList();
        var planTimelines = batch.Query<WavePlanTimeline>().Where(x => x.EvaluationId == evaluationId).ToList();
        await batch.Execute(cancellation);

        var sites = (await siteTimelines).Select(t => t.AsOf(cut)).OfType<SiteState>().Select(s => s.Id).ToList();
        var codes = (await siteTimelines).ToDictionary(t => t.Id, t => t.Code);
        var plans = (await planTimelines).ToDictionary(p => p.WaveId, p => p.KnownAt(cut.KnownUpTo));
        var items = (await evidenceTimelines).Select(packed => EvidenceCountTimeline.AsOf(packed, cut)).OfType<CountedItem>();
        var tally = new CoverageTally(knownWaves)
            .CountEvidence(items)
            .CountVisits(await VisitsAsync(session, evaluationId, cut, cancellation));
        return (CoverageReport.Build(waves, sites, plans, tally), codes);
    }

    /// <summary>
    /// The visits made by the cut (begun on or before asOf, recorded by knownAt), one
    /// <see cref="VisitFact"/> each: counted in the wave they were logged in (else the wave that
    /// holds their first day), with their last day by asOf as the site's lastVisitedOn.
    /// </summary>
    public static async Task<IReadOnlyList<VisitFact>> VisitsAsync(IQuerySession session, Guid evaluationId, Cut cut,
        CancellationToken cancellation) =>
        [.. (await Api.Visits.ServedVisits.AsOfAsync(session, evaluationId, cut, cancellation))
            .Select(v => new VisitFact(v.StartsOn, v.WaveId, v.SiteIds, v.EndsOn < cut.AsOf ? v.EndsOn : cut.AsOf))];
}
