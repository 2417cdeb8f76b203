using Fieldwork.Coding;

namespace Fieldwork.Api.Coding;

public sealed record CodeView(
    Guid Id,
    string Name,
    string Definition,
    string? Dimension,
    Guid? ParentId,
    CodeStatus Status,
    Guid? MergedInto,
    int Version,
    DateTimeOffset DefinedAt,
    DateTimeOffset RevisedAt,
    IReadOnlyList<CodeView> Children)
{
    public static CodeView From(CodeState c, IReadOnlyList<CodeView> children) =>
        new(c.Id, c.Name, c.Definition, c.Dimension, c.ParentId, c.Status, c.MergedInto, c.Version, c.DefinedAt, c.RevisedAt, children);
}

public sealed record CodebookView(IReadOnlyList<CodeView> Codes);

[Tags("Codebook")]
public static class CodebookEndpoints
{
    private const string Route = "/api/evaluations/{evaluationId}/codebook";

    /// <summary>
    /// The codebook as it stood: codes recorded by asOf (the end of that day) and by knownAt, each
    /// with its name, definition and place at that time; merged and retired codes keep their place with their status.
    /// </summary>
    [WolverineGet(Route, OperationId = "getCodebook")]
    [Requires(Permission.ReadCoding)]
    [ProducesResponseType<CodebookView>(StatusCodes.Status200OK)]
    public static Task<IResult> Get(Guid evaluationId, string? asOf, string? knownAt, IQuerySession session, TimeTravel time,
        CancellationToken cancellation) =>
        time.ReadAsync(session, asOf, knownAt, cancellation, async cut =>
        {
            var codes = await CodesAsync(session, evaluationId, cut, cancellation);
            return TypedResults.Ok(new CodebookView(Tree(codes, null)));
        });

    /// <summary>One code as it stood, with its children.</summary>
    [WolverineGet(Route + "/codes/{codeId}", OperationId = "getCode")]
    [Requires(Permission.ReadCoding)]
    [ProducesResponseType<CodeView>(StatusCodes.Status200OK)]
    public static Task<IResult> GetCode(Guid evaluationId, Guid codeId, string? asOf, string? knownAt, IQuerySession session,
        TimeTravel time, CancellationToken cancellation) =>
        time.ReadAsync(session, asOf, knownAt, cancellation, async cut =>
        {
            var codes = await CodesAsync(session, evaluationId, cut, cancellation);
            return codes.TryGetValue(codeId, out var code)
                ? TypedResults.Ok(CodeView.From(code, Tree(codes, codeId)))
                : ProblemResults.NotFound("No such code in this codebook at that time.");
        });

    /// <summary>Defines a code; names are unique among siblings.</summary>
    [WolverinePost(Route + "/codes", OperationId = "defineCode")]
    [Requires(Permission.WriteCoding)]
    [ProducesResponseType<Recording.Created>(StatusCodes.Status201Created)]
    public static Task<IResult> Define(Guid evaluationId, DefineCode command, HttpContext http, EventRecorder recorder) =>
        recorder.CreateAsync(http, command.Id, command, id => $"/api/evaluations/{evaluationId}/codebook/codes/{id}", async (session, id) =>
        {
            var stream = await session.Events.FetchForWriting<Codebook>(Codebook.StreamId(evaluationId), http.RequestAborted);
            var codes = stream.Aggregate?.AsOf() ?? new Dictionary<Guid, CodeState>();
            return stream.Record(CodebookRules.Define(evaluationId, codes, id, command));
        });

    /// <summary>Renames, redefines or moves a code; expectedVersion is the code's version as last read.</summary>
    [WolverinePost(Route + "/codes/{codeId}/revisions", OperationId = "reviseCode")]
    [Requires(Permission.WriteCoding)]
    [ProducesResponseType<CodeView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<IResult> Revise(Guid evaluationId, Guid codeId, ReviseCode command, HttpContext http, EventRecorder recorder) =>
        Change(http, recorder, evaluationId, codeId, codes => CodebookRules.Revise(evaluationId, codes, codeId, command));

    /// <summary>Merges a code into another: from now on its codings count toward the target.</summary>
    [WolverinePost(Route + "/codes/{codeId}/merge", OperationId = "mergeCode")]
    [Requires(Permission.WriteCoding)]
    [ProducesResponseType<CodeView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<IResult> Merge(Guid evaluationId, Guid codeId, MergeCode command, HttpContext http, EventRecorder recorder) =>
        Change(http, recorder, evaluationId, codeId, codes => CodebookRules.Merge(evaluationId, codes, codeId, command));

    /// <summary>Retires a code: it keeps its codings but takes no new ones.</summary>
    [WolverinePost(Route + "/codes/{codeId}/retirement", OperationId = "retireCode")]
    [Requires(Permission.WriteCoding)]
    [ProducesResponseType<CodeView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<IResult> Retire(Guid evaluationId, Guid codeId, RetireCode command, HttpContext http, EventRecorder recorder) =>
        Change(http, recorder, evaluationId, codeId, codes => CodebookRules.Retire(evaluationId, codes, codeId, command));

    private static Task<IResult> Change(HttpContext http, EventRecorder recorder, Guid evaluationId, Guid codeId,
        Func<IReadOnlyDictionary<Guid, CodeState>, Decision> rule) =>
        recorder.ChangeAsync<Codebook>(http, Codebook.StreamId(evaluationId), "No such code in this codebook.",
            codebook => rule(codebook.AsOf()),
            async query =>
            {
                var codes = await CodesAsync(query, evaluationId, Cut.Now(DateOnly.MaxValue), http.RequestAborted);
                return TypedResults.Ok(CodeView.From(codes[codeId], Tree(codes, codeId)));
            });

    /// <summary>
    /// The codebook has no field dates: a change is in force once recorded, so asOf (the end of
    /// that day) and knownAt both cut it (<see cref="Cut.Saw"/>, as for codings and memos).
    /// </summary>
    private static async Task<IReadOnlyDictionary<Guid, CodeState>> CodesAsync(IQuerySession session, Guid evaluationId, Cut cut,
        CancellationToken cancellation) =>
        await session.LoadAsync<Codebook>(Codebook.StreamId(evaluationId), cancellation) is { } codebook
            ? codebook.AsOf(cut)
            : new Dictionary<Guid, CodeState>();

    private static IReadOnlyList<CodeView> Tree(IReadOnlyDictionary<Guid, CodeState> codes, Guid? parentId) =>
        [.. codes.Values
            .Where(c => parentId is null ? c.ParentId is null || !codes.ContainsKey(c.ParentId.Value) : c.ParentId == parentId)
            .OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ThenBy(c => c.Id)
            .Select(c => CodeView.From(c, Tree(codes, c.Id)))];
}
