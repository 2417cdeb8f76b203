using Fieldwork.Coding;
using Fieldwork.Evidence;

namespace Fieldwork.Api.Coding;

public static class CodingWrites
{
    private const string Root = "/api/evaluations/{evaluationId}";

    private const string NoSuchEvidence = "No such evidence in this evaluation.";

    /// <summary>
    /// Codes the code points [start, end) of one text version with an active code; the coder is
    /// the caller. Retired and merged codes take no new codings.
    /// </summary>
    [WolverinePost(Root + "/evidence/{evidenceId}/codings", OperationId = "applyCoding")]
    [Requires(Permission.WriteCoding)]
    [ProducesResponseType<Created>(StatusCodes.Status201Created)]
    public static Task<IResult> Apply(Guid evaluationId, Guid evidenceId, ApplyCoding command, HttpContext http, EventRecorder recorder) =>
        recorder.CreateAsync(http, command.Id, command, id => $"/api/evaluations/{evaluationId}/evidence/{evidenceId}/codings/{id}",
            (session, id) => session.DecideOnAsync<EvidenceTimeline>(http, evidenceId, NoSuchEvidence, async item =>
            {
                if (EvidenceRules.Voided(item) is { } voided)
                {
                    return voided;
                }

                var codes = (await session.LoadAsync<Codebook>(Codebook.StreamId(evaluationId), http.RequestAborted))?.AsOf()
                            ?? new Dictionary<Guid, CodeState>();
                return CodingRules.Apply(item, codes, id, http.Access().UserId, command.Valid(),
                    await EvidenceErasure.ErasedForAsync(session, item, http.RequestAborted));
            }));

    /// <summary>Removes a coding (recorded as an event: replays before it still show the coding). Coders remove their own; leads any.</summary>
    [WolverineDelete(Root + "/evidence/{evidenceId}/codings/{codingId}", OperationId = "removeCoding")]
    [Requires(Permission.WriteCoding)]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    public static Task<IResult> Remove(Guid evaluationId, Guid evidenceId, Guid codingId, HttpContext http, EventRecorder recorder) =>
        recorder.ChangeAsync<EvidenceTimeline>(http, evidenceId, NoSuchEvidence,
            item => CodingRules.Remove(item, codingId, http.Access().UserId, http.Access().Role),
            _ => Task.FromResult<IResult>(TypedResults.NoContent()));
}
