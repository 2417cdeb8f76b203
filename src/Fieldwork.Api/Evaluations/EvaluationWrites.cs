using Fieldwork.Api.Auth;
using Fieldwork.Evaluations;

namespace Fieldwork.Api.Evaluations;

public static class EvaluationWrites
{
    /// <summary>Sets up an evaluation; the caller becomes its lead.</summary>
    [WolverinePost("/api/evaluations", OperationId = "createEvaluation")]
    [ProducesResponseType<Created>(StatusCodes.Status201Created)]
    public static Task<IResult> Post(CreateEvaluation command, HttpContext http, EventRecorder recorder) =>
        recorder.CreateAsync(http, command.Id, command, id => $"/api/evaluations/{id}", (session, id) =>
        {
            session.Events.StartStream<Evaluation>(id, EvaluationRules.Create(id, command.Valid(), http.User.UserId()));
            return Task.FromResult(Fieldwork.Rules.Decision.Accept());
        });
}
