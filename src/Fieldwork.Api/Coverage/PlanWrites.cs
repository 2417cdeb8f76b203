using Fieldwork.Coverage;
using Fieldwork.Sites;

namespace Fieldwork.Api.Coverage;

public static class PlanWrites
{
    private const string Route = "/api/evaluations/{evaluationId}/waves/{waveId}/plan";

    /// <summary>
    /// Sets what a wave should cover: per site, targets for visits, interviews, observations and
    /// documents. The plan replaces the one before it (a new version); the same plan again changes nothing.
    /// </summary>
    /// <remarks>
    /// Each site at most once, enrolled in this evaluation, with at least one target (0 to 10,000).
    /// An empty list plans no site. Answers the plan as stored, with its version.
    /// </remarks>
    [WolverinePut(Route, OperationId = "setWavePlan")]
    [Requires(Permission.ManageEvaluation)]
    [ProducesResponseType<WavePlanView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<IResult> Put(Guid evaluationId, Guid waveId, SetWavePlan command, HttpContext http, EventRecorder recorder)
    {
        var evaluation = http.Access().Evaluation;
        var plan = command.Valid();
        var streamId = WavePlanTimeline.StreamId(evaluationId, waveId);
        return recorder.ChangeAsync(http,
            async session =>
            {
                if (evaluation.Waves.All(w => w.Id != waveId))
                {
                    return Fieldwork.Rules.Rejection.NotFound("No such wave in this evaluation.");
                }

                var named = plan.Sites.Select(s => s.SiteId).Distinct().ToArray();
                var found = named.Length == 0 ? [] : await session.LoadManyAsync<SiteTimeline>(http.RequestAborted, named);
                var enrolled = found.Where(s => s.EvaluationId == evaluationId).Select(s => s.Id).ToHashSet();
                var stream = await session.Events.FetchForWriting<WavePlanTimeline>(streamId, http.RequestAborted);
                return stream.Record(PlanRules.Set(evaluation, waveId, plan, enrolled, stream.Aggregate?.KnownAt()));
            },
            async query =>
            {
                var stored = await query.LoadAsync<WavePlanTimeline>(streamId, http.RequestAborted);
                var codes = await ServedState.SiteCodesAsync(query, evaluationId, http.RequestAborted);
                return TypedResults.Ok(WavePlanView.From(stored?.KnownAt() ?? WavePlanTimeline.Unplanned(waveId), codes));
            });
    }
}
