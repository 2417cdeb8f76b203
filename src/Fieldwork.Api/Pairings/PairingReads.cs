using Fieldwork.Api.Evidence;

namespace Fieldwork.Api.Pairings;

public static class PairingReads
{
    /// <summary>The evaluation's pairings as they stood at asOf, as known at knownAt (both default to now).</summary>
    [WolverineGet("/api/evaluations/{evaluationId}/pairings", OperationId = "listPairings")]
    [Requires(Permission.ReadSites)]
    [ProducesResponseType<Page<PairingView>>(StatusCodes.Status200OK)]
    public static Task<IResult> List(Guid evaluationId, string? asOf, string? knownAt, int? offset, int? limit,
        IQuerySession session, TimeTravel time, CancellationToken cancellation) =>
        time.ReadListAsync(session, asOf, knownAt, offset, limit, cancellation, async cut =>
        {
            var pairings = await ServedState.PairingsAsync(session, evaluationId, cut, cancellation);
            var tally = await ServedEvidence.TallyAsync(session, evaluationId, cut, cancellation);
            var codes = await ServedState.SiteCodesAsync(session, evaluationId, cancellation);
            return TypedResults.Ok(Paging.Of([.. pairings.Select(p => PairingView.From(p, tally, codes))], offset, limit));
        });

    /// <summary>One pairing as it stood at asOf, as known at knownAt; 404 before it was proposed.</summary>
    [WolverineGet("/api/evaluations/{evaluationId}/pairings/{pairingId}", OperationId = "getPairing")]
    [Requires(Permission.ReadSites)]
    [ProducesResponseType<PairingView>(StatusCodes.Status200OK)]
    public static Task<IResult> Get(Guid evaluationId, Guid pairingId, string? asOf, string? knownAt,
        IQuerySession session, TimeTravel time, CancellationToken cancellation) =>
        time.ReadAsync(session, asOf, knownAt, cancellation, async cut =>
        {
            return await ServedState.PairingAsync(session, evaluationId, pairingId, cut, cancellation) is { } pairing
                ? TypedResults.Ok(PairingView.From(pairing, await ServedEvidence.TallyAsync(session, evaluationId, cut, cancellation),
                    await ServedState.SiteCodesAsync(session, evaluationId, cancellation)))
                : ProblemResults.NotFound("No such pairing in this evaluation at that time.");
        });
}
