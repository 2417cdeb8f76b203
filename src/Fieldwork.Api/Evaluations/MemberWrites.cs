using Fieldwork.Evaluations;

namespace Fieldwork.Api.Evaluations;

[Tags("Members")]
public static class MemberWrites
{
    /// <summary>Adds a member, or changes a member's role. The last lead cannot stop being lead.</summary>
    [WolverinePost("/api/evaluations/{evaluationId}/members", OperationId = "grantMembership")]
    [Requires(Permission.ManageEvaluation)]
    [ProducesResponseType<MembershipView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<IResult> Post(Guid evaluationId, GrantMembership command, HttpContext http, EventRecorder recorder)
    {
        var membership = command.Valid();
        return recorder.ChangeAsync<Evaluation>(http, evaluationId, "No such evaluation.", evaluation => EvaluationRules.Grant(evaluation, membership),
            async query =>
            {
                var evaluation = await query.LoadAsync<Evaluation>(evaluationId, http.RequestAborted);
                return TypedResults.Ok(new MembershipView(membership.UserId, membership.Role, evaluation!.Version));
            });
    }

    /// <summary>Removes a member. The last lead cannot be removed.</summary>
    [WolverineDelete("/api/evaluations/{evaluationId}/members/{userId}", OperationId = "removeMember")]
    [Requires(Permission.ManageEvaluation)]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<IResult> Delete(Guid evaluationId, string userId, HttpContext http, EventRecorder recorder) =>
        recorder.ChangeAsync<Evaluation>(http, evaluationId, "No such evaluation.", evaluation => EvaluationRules.Remove(evaluation, userId),
            _ => Task.FromResult<IResult>(TypedResults.NoContent()));
}
