using Fieldwork.Coding;

namespace Fieldwork.Api.Coding;

[Tags("Codebook")]
public static class CodebookWrites
{
    private const string Route = "/api/evaluations/{evaluationId}/codebook";

    /// <summary>Defines a code; names are unique among siblings.</summary>
    [WolverinePost(Route + "/codes", OperationId = "defineCode")]
    [Requires(Permission.WriteCoding)]
    [ProducesResponseType<Recording.Created>(StatusCodes.Status201Created)]
    public static Task<IResult> Define(Guid evaluationId, DefineCode command, HttpContext http, EventRecorder recorder) =>
        recorder.CreateAsync(http, command.Id, command, id => $"/api/evaluations/{evaluationId}/codebook/codes/{id}", async (session, id) =>
        {
            var stream = await session.Events.FetchForWriting<Codebook>(Codebook.StreamId(evaluationId), http.RequestAborted);
            var codes = stream.Aggregate?.AsOf() ?? new Dictionary<Guid, CodeState>();
            return stream.Record(CodebookRules.Define(evaluationId, codes, id, command.Valid()));
        });

    /// <summary>Renames, redefines or moves a code; expectedVersion is the code's version as last read.</summary>
    [WolverinePost(Route + "/codes/{codeId}/revisions", OperationId = "reviseCode")]
    [Requires(Permission.WriteCoding)]
    [ProducesResponseType<CodeView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<IResult> Revise(Guid evaluationId, Guid codeId, ReviseCode command, HttpContext http, EventRecorder recorder) =>
        Change(http, recorder, evaluationId, codeId, codes => CodebookRules.Revise(evaluationId, codes, codeId, command.Valid()));

    /// <summary>Merges a code into another: from now on its codings count toward the target.</summary>
    [WolverinePost(Route + "/codes/{codeId}/merge", OperationId = "mergeCode")]
    [Requires(Permission.WriteCoding)]
    [ProducesResponseType<CodeView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<IResult> Merge(Guid evaluationId, Guid codeId, MergeCode command, HttpContext http, EventRecorder recorder) =>
        Change(http, recorder, evaluationId, codeId, codes => CodebookRules.Merge(evaluationId, codes, codeId, command.Valid()));

    /// <summary>Retires a code: it keeps its codings but takes no new ones.</summary>
    [WolverinePost(Route + "/codes/{codeId}/retirement", OperationId = "retireCode")]
    [Requires(Permission.WriteCoding)]
    [ProducesResponseType<CodeView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<IResult> Retire(Guid evaluationId, Guid codeId, RetireCode command, HttpContext http, EventRecorder recorder) =>
        Change(http, recorder, evaluationId, codeId, codes => CodebookRules.Retire(evaluationId, codes, codeId, command.Valid()));

    private static Task<IResult> Change(HttpContext http, EventRecorder recorder, Guid evaluationId, Guid codeId,
        Func<IReadOnlyDictionary<Guid, CodeState>, Decision> rule) =>
        recorder.ChangeAsync<Codebook>(http, Codebook.StreamId(evaluationId), "No such code in this codebook.",
            codebook => rule(codebook.AsOf()),
            async query =>
            {
                var codes = await CodebookReads.CodesAsync(query, evaluationId, Cut.Now(DateOnly.MaxValue), http.RequestAborted);
                return TypedResults.Ok(CodeView.From(codes[codeId], CodebookReads.Tree(codes, codeId)));
            });
}
