namespace Fieldwork.Api.Evaluations;

[Tags("Waves")]
public static class WaveReads
{
    /// <summary>The evaluation's waves, in date order.</summary>
    [WolverineGet("/api/evaluations/{evaluationId}/waves", OperationId = "listWaves")]
    [Requires(Permission.ReadEvaluation)]
    [ProducesResponseType<Page<WaveView>>(StatusCodes.Status200OK)]
    public static IResult List(Guid evaluationId, HttpContext http)
    {
        var waves = http.Access().Evaluation.Waves.Select(WaveView.From).ToList();
        return TypedResults.Ok(new Page<WaveView>(waves, waves.Count, 0, waves.Count));
    }

    /// <summary>One wave.</summary>
    [WolverineGet("/api/evaluations/{evaluationId}/waves/{waveId}", OperationId = "getWave")]
    [Requires(Permission.ReadEvaluation)]
    [ProducesResponseType<WaveView>(StatusCodes.Status200OK)]
    public static IResult Get(Guid evaluationId, Guid waveId, HttpContext http) =>
        http.Access().Evaluation.Waves.FirstOrDefault(w => w.Id == waveId) is { } wave
            ? TypedResults.Ok(WaveView.From(wave))
            : ProblemResults.NotFound("No such wave in this evaluation.");
}
