using Fieldwork.Api.Evidence;
using Fieldwork.Evidence;
using Fieldwork.Visits;

namespace Fieldwork.Api.Visits;

public static class VisitReads
{
    private const string Root = "/api/evaluations/{evaluationId}/visits";

    /// <summary>The visits that had begun by asOf, as known at knownAt, filtered by site or wave; oldest first.</summary>
    [WolverineGet(Root, OperationId = "listVisits")]
    [Requires(Permission.ReadEvidence)]
    [ProducesResponseType<Page<VisitView>>(StatusCodes.Status200OK)]
    public static Task<IResult> List(Guid evaluationId, Guid? siteId, Guid? waveId, string? asOf, string? knownAt, int? offset, int? limit,
        IQuerySession session, TimeTravel time, CancellationToken cancellation) =>
        time.ReadListAsync(session, asOf, knownAt, offset, limit, cancellation, async cut =>
        {
            var visits = await ServedVisits.AsOfAsync(session, evaluationId, cut, cancellation);
            var items = await ServedEvidence.AsOfAsync(session, evaluationId, cut, cancellation);
            var counts = items.Where(i => i.VisitId is not null).GroupBy(i => i.VisitId!.Value).ToDictionary(g => g.Key, g => g.Count());
            var views = visits
                .Where(v => siteId is null || v.SiteIds.Contains(siteId.Value))
                .Where(v => waveId is null || v.WaveId == waveId)
                .OrderBy(v => v.StartsOn).ThenBy(v => v.RecordedAt).ThenBy(v => v.Id)
                .Select(v => VisitView.From(v, counts.GetValueOrDefault(v.Id)))
                .ToList();
            return TypedResults.Ok(Paging.Of(views, offset, limit));
        });

    /// <summary>One visit as it stood at asOf, as known at knownAt, with its items (those that had happened and were known then).</summary>
    [WolverineGet(Root + "/{visitId}", OperationId = "getVisit")]
    [Requires(Permission.ReadEvidence)]
    [ProducesResponseType<VisitView>(StatusCodes.Status200OK)]
    public static Task<IResult> Get(Guid evaluationId, Guid visitId, string? asOf, string? knownAt, IQuerySession session, TimeTravel time,
        CancellationToken cancellation) =>
        time.ReadAsync(session, asOf, knownAt, cancellation, async cut =>
        {
            if (await session.StateAtAsync<VisitTimeline, VisitState>(evaluationId, visitId, cut, cancellation) is not { } state)
            {
                return ProblemResults.NotFound("No such visit in this evaluation at that time.");
            }

            var items = (await session.Query<EvidenceTimeline>().Where(e => e.VisitId == visitId).ToListAsync(cancellation))
                .Select(e => e.AsOf(cut)).OfType<EvidenceState>()
                .OrderBy(e => e.Details.On).ThenBy(e => e.LoggedAt).ThenBy(e => e.Id)
                .Select(EvidenceView.From)
                .ToList();
            return TypedResults.Ok(VisitView.From(state, items.Count) with { Items = items });
        });
}

/// <summary>The evaluation's visits at a cut, from their inline timelines.</summary>
public static class ServedVisits
{
    public static Task<IReadOnlyList<VisitState>> AsOfAsync(IQuerySession session, Guid evaluationId, Cut cut, CancellationToken cancellation) =>
        session.StatesAtAsync<VisitTimeline, VisitState>(evaluationId, cut, cancellation);
}
