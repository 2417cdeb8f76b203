using Fieldwork.Api.Evidence;
using Fieldwork.Sites;

namespace Fieldwork.Api.Sites;

public static class SiteReads
{
    /// <summary>The evaluation's sites as they stood at asOf, as known at knownAt (both default to now), by code.</summary>
    [WolverineGet("/api/evaluations/{evaluationId}/sites", OperationId = "listSites")]
    [Requires(Permission.ReadSites)]
    [ProducesResponseType<Page<SiteView>>(StatusCodes.Status200OK)]
    public static Task<IResult> List(Guid evaluationId, string? asOf, string? knownAt, int? offset, int? limit,
        IQuerySession session, TimeTravel time, CancellationToken cancellation) =>
        time.ReadListAsync(session, asOf, knownAt, offset, limit, cancellation, async cut =>
        {
            var sites = await ServedState.SitesAsync(session, evaluationId, cut, cancellation);
            var tally = await ServedEvidence.TallyAsync(session, evaluationId, cut, cancellation);
            return TypedResults.Ok(Paging.Of([.. sites.Select(s => SiteView.From(s, tally))], offset, limit));
        });

    /// <summary>One site as it stood at asOf, as known at knownAt; 404 before its enrolment.</summary>
    [WolverineGet("/api/evaluations/{evaluationId}/sites/{siteId}", OperationId = "getSite")]
    [Requires(Permission.ReadSites)]
    [ProducesResponseType<SiteView>(StatusCodes.Status200OK)]
    public static Task<IResult> Get(Guid evaluationId, Guid siteId, string? asOf, string? knownAt,
        IQuerySession session, TimeTravel time, CancellationToken cancellation) =>
        time.ReadAsync(session, asOf, knownAt, cancellation, async cut =>
        {
            return await ServedState.SiteAsync(session, evaluationId, siteId, cut, cancellation) is { } site
                ? TypedResults.Ok(SiteView.From(site, await ServedEvidence.TallyAsync(session, evaluationId, cut, cancellation, siteId)))
                : ProblemResults.NotFound("No such site in this evaluation at that time.");
        });

    /// <summary>Every recorded change of a site, in log order, with its field date and its record time.</summary>
    [WolverineGet("/api/evaluations/{evaluationId}/sites/{siteId}/history", OperationId = "getSiteHistory")]
    [Requires(Permission.ReadSites)]
    [ProducesResponseType<Page<HistoryEntry>>(StatusCodes.Status200OK)]
    public static Task<IResult> History(Guid evaluationId, Guid siteId, string? knownAt, IQuerySession session,
        TimeTravel time, CancellationToken cancellation) =>
        time.ReadAsync(session, null, knownAt, cancellation, async cut =>
        {
            if (await session.LoadInAsync<SiteTimeline>(evaluationId, siteId, cancellation) is null)
            {
                return ProblemResults.NotFound("No such site in this evaluation.");
            }

            var events = await session.Events.FetchStreamAsync(siteId, token: cancellation);
            var entries = events.Where(e => cut.Knows(e.Sequence)).Select(e => new HistoryEntry(
                e.Sequence, e.Version, System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(e.EventType.Name),
                e.Data switch
                {
                    SiteEnrolled x => x.EnrolledOn,
                    SiteAttributesChanged x => x.EffectiveOn,
                    SiteWithdrawn x => x.EffectiveOn,
                    _ => null,
                },
                e.Timestamp, e.UserName, e.Data)).ToList();
            return TypedResults.Ok(new Page<HistoryEntry>(entries, entries.Count, 0, entries.Count));
        });
}
