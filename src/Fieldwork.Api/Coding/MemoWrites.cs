using Fieldwork.Coding;
using Fieldwork.Evidence;
using Fieldwork.Pairings;
using Fieldwork.Sites;

namespace Fieldwork.Api.Coding;

[Tags("Memos")]
public static class MemoWrites
{
    private const string Route = "/api/evaluations/{evaluationId}/memos";

    /// <summary>Writes a memo about a code, an evidence item, a site, a pairing or a finding of this evaluation.</summary>
    [WolverinePost(Route, OperationId = "writeMemo")]
    [Requires(Permission.WriteMemos)]
    [ProducesResponseType<Created>(StatusCodes.Status201Created)]
    public static Task<IResult> Write(Guid evaluationId, WriteMemo command, HttpContext http, EventRecorder recorder) =>
        recorder.CreateAsync(http, command.Id, command, id => $"/api/evaluations/{evaluationId}/memos/{id}", async (session, id) =>
        {
            var memo = command.Valid();
            var exists = await AboutExistsAsync(session, evaluationId, memo.AboutKind, memo.AboutId, http.RequestAborted);
            return session.Start<MemoTimeline>(id, MemoRules.Write(evaluationId, id, http.Access().UserId, memo, exists));
        });

    /// <summary>Rewrites a memo; expectedVersion is the version last read. Authors revise their own memos, leads any.</summary>
    [WolverinePost(Route + "/{memoId}/revisions", OperationId = "reviseMemo")]
    [Requires(Permission.WriteMemos)]
    [ProducesResponseType<MemoView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<IResult> Revise(Guid evaluationId, Guid memoId, ReviseMemo command, HttpContext http, EventRecorder recorder) =>
        recorder.ChangeAsync<MemoTimeline>(http, memoId, "No such memo in this evaluation.",
            memo => MemoRules.Revise(memo, command.Valid(), http.Access().UserId, http.Access().Role),
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
