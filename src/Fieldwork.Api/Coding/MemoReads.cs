using Fieldwork.Coding;

namespace Fieldwork.Api.Coding;

[Tags("Memos")]
public static class MemoReads
{
    private const string Route = "/api/evaluations/{evaluationId}/memos";

    /// <summary>Memos as they stood at the cut, filtered by what they are about or by author; oldest first.</summary>
    [WolverineGet(Route, OperationId = "listMemos")]
    [Requires(Permission.ReadCoding)]
    [ProducesResponseType<Page<MemoView>>(StatusCodes.Status200OK)]
    public static Task<IResult> List(Guid evaluationId, MemoAbout? aboutKind, Guid? aboutId, string? authorId, string? asOf,
        string? knownAt, int? offset, int? limit, IQuerySession session, TimeTravel time, CancellationToken cancellation) =>
        time.ReadListAsync(session, asOf, knownAt, offset, limit, cancellation, async cut =>
        {
            var memos = (await session.StatesAtAsync<MemoTimeline, MemoState>(evaluationId, cut, cancellation))
                .Where(m => aboutKind is null || m.AboutKind == aboutKind)
                .Where(m => aboutId is null || m.AboutId == aboutId)
                .Where(m => authorId is null || m.AuthorId == authorId)
                .OrderBy(m => m.WrittenAt).ThenBy(m => m.Id)
                .Select(MemoView.From)
                .ToList();
            return TypedResults.Ok(Paging.Of(memos, offset, limit));
        });

    /// <summary>One memo as it stood at the cut.</summary>
    [WolverineGet(Route + "/{memoId}", OperationId = "getMemo")]
    [Requires(Permission.ReadCoding)]
    [ProducesResponseType<MemoView>(StatusCodes.Status200OK)]
    public static Task<IResult> GetOne(Guid evaluationId, Guid memoId, string? asOf, string? knownAt, IQuerySession session,
        TimeTravel time, CancellationToken cancellation) =>
        time.ReadOneAsync<MemoTimeline, MemoState, MemoView>(session, evaluationId, memoId, asOf, knownAt, MemoView.From,
            "No such memo in this evaluation at that time.", cancellation);
}
