using Fieldwork.Api.Evidence;
using Fieldwork.Evaluations;
using Fieldwork.Pairings;
using Fieldwork.Sites;
using Fieldwork.Uniqueness;

namespace Fieldwork.Api.Pairings;

public static class PairingWrites
{
    private const string Route = "/api/evaluations/{evaluationId}/pairings";
    private const string NoSuchPairing = "No such pairing in this evaluation.";

    /// <summary>Proposes a pairing of an exemplar and a follower (as they stood on proposedOn).</summary>
    [WolverinePost(Route, OperationId = "proposePairing")]
    [Requires(Permission.WriteSites)]
    [ProducesResponseType<Created>(StatusCodes.Status201Created)]
    public static Task<IResult> Propose(Guid evaluationId, ProposePairing command, HttpContext http, EventRecorder recorder) =>
        recorder.CreateAsync(http, command.Id, command, id => $"/api/evaluations/{evaluationId}/pairings/{id}", async (session, id) =>
        {
            var pairing = command.Valid();
            var exemplar = await session.LoadInAsync<SiteTimeline>(evaluationId, pairing.ExemplarSiteId, http.RequestAborted);
            var follower = await session.LoadInAsync<SiteTimeline>(evaluationId, pairing.FollowerSiteId, http.RequestAborted);
            var claim = UniqueClaim.OpenPairing(evaluationId, pairing.ExemplarSiteId, pairing.FollowerSiteId);
            var open = await session.LoadAsync<UniqueClaim>(claim, http.RequestAborted);
            return session.Start<PairingTimeline>(id, PairingRules.Propose(http.Access().Evaluation, id, pairing, exemplar, follower, open?.HolderId),
                claim);
        });

    /// <summary>Records the date the pairing was formally set up.</summary>
    [WolverinePost(Route + "/{pairingId}/establishment", OperationId = "establishPairing")]
    [Requires(Permission.WriteSites)]
    [ProducesResponseType<PairingView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<IResult> Establish(Guid evaluationId, Guid pairingId, EstablishPairing command, HttpContext http,
        EventRecorder recorder, TimeTravel time) =>
        Change(http, recorder, time, pairingId, (_, evaluation, pairing) => PairingRules.Establish(evaluation, pairing, command.Valid()));

    /// <summary>Records an alignment assessment (same system, same region, distance, prior links, cultural fit 1-5).</summary>
    [WolverinePost(Route + "/{pairingId}/alignment", OperationId = "assessAlignment")]
    [Requires(Permission.WriteSites)]
    [ProducesResponseType<PairingView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<IResult> Assess(Guid evaluationId, Guid pairingId, AssessAlignment command, HttpContext http,
        EventRecorder recorder, TimeTravel time) =>
        Change(http, recorder, time, pairingId, (_, evaluation, pairing) => PairingRules.Assess(evaluation, pairing, command.Valid()));

    /// <summary>Records a knowledge exchange observed within the pairing.</summary>
    [WolverinePost(Route + "/{pairingId}/exchanges", OperationId = "observeExchange")]
    [Requires(Permission.WriteSites)]
    [ProducesResponseType<Created>(StatusCodes.Status201Created)]
    public static Task<IResult> Observe(Guid evaluationId, Guid pairingId, ObserveExchange command, HttpContext http, EventRecorder recorder) =>
        recorder.CreateAsync(http, command.Id, command, id => $"/api/evaluations/{evaluationId}/pairings/{pairingId}/exchanges/{id}",
            (session, id) => session.DecideOnAsync<PairingTimeline>(http, pairingId, NoSuchPairing, async pairing =>
            {
                var exchange = command.Valid();
                var evidence = await session.LoadManyAsync<Fieldwork.Evidence.EvidenceTimeline>(http.RequestAborted, exchange.EvidenceIds.Distinct());
                var known = evidence.Where(e => e.EvaluationId == evaluationId).Select(e => e.Id).ToHashSet();
                var unknown = exchange.EvidenceIds.Select((e, i) => (e, i)).Where(x => !known.Contains(x.e))
                    .Select(x => Rejection.Invalid($"evidenceIds[{x.i}]", "There is no such evidence in this evaluation.")).ToList();
                return unknown.Count > 0 ? Rejection.Combine(unknown) : PairingRules.Observe(http.Access().Evaluation, pairing, id, exchange);
            }));

    /// <summary>Records the end of the pairing; the two sites may then be paired again.</summary>
    [WolverinePost(Route + "/{pairingId}/dissolution", OperationId = "dissolvePairing")]
    [Requires(Permission.WriteSites)]
    [ProducesResponseType<PairingView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<IResult> Dissolve(Guid evaluationId, Guid pairingId, DissolvePairing command, HttpContext http,
        EventRecorder recorder, TimeTravel time) =>
        Change(http, recorder, time, pairingId, (session, evaluation, pairing) =>
        {
            var decision = PairingRules.Dissolve(evaluation, pairing, command.Valid());
            if (decision.Accepted)
            {
                session.Delete<UniqueClaim>(UniqueClaim.OpenPairing(evaluation.Id, pairing.ExemplarSiteId, pairing.FollowerSiteId));
            }

            return decision;
        });

    /// <summary>Corrects dates logged earlier; replays with an earlier knownAt still show the old dates.</summary>
    [WolverinePost(Route + "/{pairingId}/corrections", OperationId = "correctPairingDates")]
    [Requires(Permission.WriteSites)]
    [ProducesResponseType<PairingView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<IResult> Correct(Guid evaluationId, Guid pairingId, CorrectPairingDates command, HttpContext http,
        EventRecorder recorder, TimeTravel time) =>
        Change(http, recorder, time, pairingId, (_, evaluation, pairing) => PairingRules.Correct(evaluation, pairing, command));

    private static Task<IResult> Change(HttpContext http, EventRecorder recorder, TimeTravel time, Guid pairingId,
        Func<IDocumentSession, Evaluation, PairingTimeline, Decision> rule) =>
        recorder.ChangeAsync<PairingTimeline>(http, pairingId, NoSuchPairing,
            (session, pairing) => Task.FromResult(rule(session, http.Access().Evaluation, pairing)),
            async query =>
            {
                var timeline = await query.LoadAsync<PairingTimeline>(pairingId, http.RequestAborted);
                var cut = time.ReadBack(timeline!.AsOf);
                var tally = await ServedEvidence.TallyAsync(query, timeline.EvaluationId, cut, http.RequestAborted);
                var codes = await ServedState.SiteCodesAsync(query, timeline.EvaluationId, http.RequestAborted);
                return TypedResults.Ok(PairingView.From(timeline.AsOf(cut)!, tally, codes));
            });
}
