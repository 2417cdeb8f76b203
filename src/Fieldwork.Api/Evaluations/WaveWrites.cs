using Fieldwork.Evaluations;

namespace Fieldwork.Api.Evaluations;

[Tags("Waves")]
public static class WaveWrites
{
    /// <summary>Defines a data-collection round; waves of one evaluation do not overlap.</summary>
    [WolverinePost("/api/evaluations/{evaluationId}/waves", OperationId = "defineWave")]
    [Requires(Permission.ManageEvaluation)]
    [ProducesResponseType<Created>(StatusCodes.Status201Created)]
    public static Task<IResult> Post(Guid evaluationId, DefineWave command, HttpContext http, EventRecorder recorder) =>
        recorder.CreateAsync(http, command.Id, command, waveId => $"/api/evaluations/{evaluationId}/waves/{waveId}", async (session, waveId) =>
        {
            var stream = await session.Events.FetchForWriting<Evaluation>(evaluationId, http.RequestAborted);
            return stream.Record(EvaluationRules.DefineWave(stream.Aggregate!, waveId, command.Valid()));
        });
}
