using Fieldwork.Coverage;

namespace Fieldwork.Api.Coverage;

public static class PlanReads
{
    private const string Route = "/api/evaluations/{evaluationId}/waves/{waveId}/plan";

    /// <summary>A wave's plan as known at knownAt (now by default): version 0, with no sites, before one was set.</summary>
    [WolverineGet(Route, OperationId = "getWavePlan")]
    [Requires(Permission.ReadEvaluation)]
    [ProducesResponseType<WavePlanView>(StatusCodes.Status200OK)]
    public static Task<IResult> Get(Guid evaluationId, Guid waveId, string? knownAt, HttpContext http, IQuerySession session,
        TimeTravel time, CancellationToken cancellation) =>
        time.ReadAsync(session, null, knownAt, cancellation, async cut =>
        {
            var waves = await CoverageReads.WavesAsync(session, http.Access().Evaluation, cut, cancellation);
            if (waves.All(w => w.Id != waveId))
            {
                return ProblemResults.NotFound(cut.KnownUpTo == long.MaxValue
                    ? "No such wave in this evaluation."
                    : "No such wave in this evaluation at that time.");
            }

            var timeline = await session.LoadAsync<WavePlanTimeline>(WavePlanTimeline.StreamId(evaluationId, waveId), cancellation);
            var codes = await ServedState.SiteCodesAsync(session, evaluationId, cancellation);
            return TypedResults.Ok(WavePlanView.From(timeline?.KnownAt(cut.KnownUpTo) ?? WavePlanTimeline.Unplanned(waveId), codes));
        });
}
