using Fieldwork.Coding;
using Fieldwork.Evidence;
using Fieldwork.Pairings;
using Fieldwork.Sites;

namespace Fieldwork.Api.Coding;

public sealed record MemoView(Guid Id, MemoAbout AboutKind, Guid AboutId, string Text, string AuthorId, int Version, DateTimeOffset WrittenAt,
    DateTimeOffset RevisedAt, string? RevisedBy)
{
    public static MemoView From(MemoState m) => new(m.Id, m.AboutKind, m.AboutId, m.Text, m.AuthorId, m.Version, m.WrittenAt, m.RevisedAt, m.RevisedBy);
}

[Tags("Memos")]
public static class MemoEndpoints
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
            var memos = (await session.Query<MemoTimeline>().Where(m => m.EvaluationId == evaluationId).ToListAsync(cancellation))
                .Select(m => m.AsOf(cut))
                .OfType<MemoState>()
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
        time.ReadAsync(session, asOf, knownAt, cancellation, async cut =>
        {
            return await session.LoadAsync<MemoTimeline>(memoId, cancellation) is { } memo && memo.EvaluationId == evaluationId
                   && memo.AsOf(cut) is { } state
                ? TypedResults.Ok(MemoView.From(state))
                : ProblemResults.NotFound("No such memo in this evaluation at that time.");
        });

    /// <summary>Writes a memo about a code, an evidence item, a site, a pairing or a finding of this evaluation.</summary>
    [WolverinePost(Route, OperationId = "writeMemo")]
    [Requires(Permission.WriteMemos)]
    [ProducesResponseType<Created>(StatusCodes.Status201Created)]
    public static Task<IResult> Write(Guid evaluationId, WriteMemo command, HttpContext http, EventRecorder recorder) =>
        recorder.CreateAsync(http, command.Id, command, id => $"/api/evaluations/{evaluationId}/memos/{id}", async (session, id) =>
        {
            var exists = await AboutExistsAsync(session, evaluationId, command.AboutKind!.Value, command.AboutId!.Value, http.RequestAborted);
            return session.Start<MemoTimeline>(id, MemoRules.Write(evaluationId, id, http.Access().UserId, command, exists));
        });

    /// <summary>Rewrites a memo; expectedVersion is the version last read. Authors revise their own memos, leads any.</summary>
    [WolverinePost(Route + "/{memoId}/revisions", OperationId = "reviseMemo")]
    [Requires(Permission.WriteMemos)]
    [ProducesResponseType<MemoView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<IResult> Revise(Guid evaluationId, Guid memoId, ReviseMemo command, HttpContext http, EventRecorder recorder) =>
        recorder.ChangeAsync<MemoTimeline>(http, memoId, "No such memo in this evaluation.",
            memo => MemoRules.Revise(memo, command, http.Access().UserId, http.Access().Role),
            async query =>
            {
                var memo = await query.LoadAsync<MemoTimeline>(memoId, http.RequestAborted);
                return TypedResults.Ok(MemoView.From(memo!.AsOf(Fieldwork.Timeline.Cut.Now(DateOnly.MaxValue))!));
            });

    private static async Task<bool> AboutExistsAsync(IQuerySession session, Guid evaluationId, MemoAbout kind, Guid id,
        CancellationToken cancellation) => kind switch
        {
            MemoAbout.Code => await session.LoadAsync<Codebook>(Codebook.StreamId(evaluationId), cancellation) is { } codebook
                              && codebook.AsOf().ContainsKey(id),
            MemoAbout.Evidence => (await session.LoadAsync<EvidenceTimeline>(id, cancellation))?.EvaluationId == evaluationId,
            MemoAbout.Site => (await session.LoadAsync<SiteTimeline>(id, cancellation))?.EvaluationId == evaluationId,
            MemoAbout.Pairing => (await session.LoadAsync<PairingTimeline>(id, cancellation))?.EvaluationId == evaluationId,
            MemoAbout.Finding => (await session.LoadAsync<Fieldwork.Findings.FindingTimeline>(id, cancellation))?.EvaluationId == evaluationId,
            _ => false,
        };
}
