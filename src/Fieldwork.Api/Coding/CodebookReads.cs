using Fieldwork.Coding;

namespace Fieldwork.Api.Coding;

[Tags("Codebook")]
public static class CodebookReads
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

    /// <summary>
    /// The codebook has no field dates: a change is in force once recorded, so asOf (the end of
    /// that day) and knownAt both cut it (<see cref="Cut.Saw"/>, as for codings and memos).
    /// </summary>
    internal static async Task<IReadOnlyDictionary<Guid, CodeState>> CodesAsync(IQuerySession session, Guid evaluationId, Cut cut,
        CancellationToken cancellation) =>
        await session.LoadAsync<Codebook>(Codebook.StreamId(evaluationId), cancellation) is { } codebook
            ? codebook.AsOf(cut)
            : new Dictionary<Guid, CodeState>();

    internal static IReadOnlyList<CodeView> Tree(IReadOnlyDictionary<Guid, CodeState> codes, Guid? parentId) =>
        [.. codes.Values
            .Where(c => parentId is null ? c.ParentId is null || !codes.ContainsKey(c.ParentId.Value) : c.ParentId == parentId)
            .OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ThenBy(c => c.Id)
            .Select(c => CodeView.From(c, Tree(codes, c.Id)))];
}
