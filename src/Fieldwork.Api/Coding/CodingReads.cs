using Fieldwork.Coding;
using Fieldwork.Evidence;

namespace Fieldwork.Api.Coding;

public static class CodingReads
{
    private const string Root = "/api/evaluations/{evaluationId}";

    /// <summary>One coding as it stood at the cut, with its quote.</summary>
    [WolverineGet(Root + "/evidence/{evidenceId}/codings/{codingId}", OperationId = "getCoding")]
    [Requires(Permission.ReadCoding)]
    [ProducesResponseType<CodingView>(StatusCodes.Status200OK)]
    public static Task<IResult> GetOne(Guid evaluationId, Guid evidenceId, Guid codingId, string? asOf, string? knownAt,
        IQuerySession session, TimeTravel time, Fieldwork.Secrets.KeyRing keyRing, CancellationToken cancellation) =>
        time.ReadAsync(session, asOf, knownAt, cancellation, async cut =>
        {
            // One item and the codebook, not the whole evaluation.
            var batch = session.CreateBatchQuery();
            var itemLoad = batch.Load<EvidenceTimeline>(evidenceId);
            var codebookLoad = batch.Load<Codebook>(Codebook.StreamId(evaluationId));
            await batch.Execute(cancellation);
            var state = await itemLoad is { } item && item.EvaluationId == evaluationId ? item.AsOf(cut) : null;
            if (state?.Codings.FirstOrDefault(c => c.Id == codingId) is not { } coding)
            {
                return ProblemResults.NotFound("No such coding on this evidence item at that time.");
            }

            var snapshot = CodingSnapshot.ForItem((await codebookLoad)?.AsOf(cut) ?? new Dictionary<Guid, CodeState>(), state);
            var segment = snapshot.Segments.Single(s => s.Coding.Id == codingId);

            var quotes = await Quotes.LoadAsync(session, keyRing, [(evidenceId, segment.Coding.TextVersion)], cancellation);
            return TypedResults.Ok(CodingView.From(segment, snapshot, quotes));
        });

    /// <summary>
    /// Every segment coded with a code (and, with includeDescendants, the codes under it), filtered
    /// by site, wave, coder or evidence, with its quote, as of any cut. A merged code's codings
    /// count toward the code it was merged into from the merge on; replays before it show them
    /// under the old code. Ordered by the evidence's field date, then position in the text.
    /// </summary>
    [WolverineGet(Root + "/codings", OperationId = "listCodings")]
    [Requires(Permission.ReadCoding)]
    [ProducesResponseType<Page<CodingView>>(StatusCodes.Status200OK)]
    public static async Task<IResult> List(Guid evaluationId, Guid? codeId, bool? includeDescendants, Guid? siteId, Guid? waveId,
        string? coderId, Guid? evidenceId, string? asOf, string? knownAt, int? offset, int? limit, IQuerySession session, TimeTravel time,
        Fieldwork.Secrets.KeyRing keyRing, CancellationToken cancellation)
    {
        if (includeDescendants is not null && codeId is null)
        {
            return ProblemResults.Invalid(new Dictionary<string, string[]>
            {
                ["includeDescendants"] = ["'includeDescendants' says whether to take in the codes under 'codeId'; give 'codeId' too."],
            });
        }

        return await time.ReadListAsync(session, asOf, knownAt, offset, limit, cancellation, async cut =>
        {
            var snapshot = await CodingSource.AtAsync(session, evaluationId, cut, cancellation);
            IReadOnlySet<Guid>? codes = codeId is { } code
                ? includeDescendants == true ? Codebook.WithDescendants(snapshot.Codes, code) : new HashSet<Guid> { code }
                : null;
            var matching = snapshot.Segments
                .Where(s => codes is null || codes.Contains(s.CodeId))
                .Where(s => siteId is null || s.Evidence.Details.SiteIds.Contains(siteId.Value))
                .Where(s => waveId is null || s.Evidence.Details.WaveId == waveId)
                .Where(s => coderId is null || s.Coding.CoderId == coderId)
                .Where(s => evidenceId is null || s.EvidenceId == evidenceId)
                .OrderBy(s => s.Evidence.Details.On).ThenBy(s => s.EvidenceId).ThenBy(s => s.Coding.TextVersion).ThenBy(s => s.Coding.Start)
                .ThenBy(s => s.Coding.End).ThenBy(s => s.Coding.Id)
                .ToList();
            var page = Paging.Of(matching, offset, limit);
            var quotes = await Quotes.LoadAsync(session, keyRing, page.Items.Select(s => (s.EvidenceId, s.Coding.TextVersion)), cancellation);
            return TypedResults.Ok(new Page<CodingView>([.. page.Items.Select(s => CodingView.From(s, snapshot, quotes))], page.Total,
                page.Offset, page.Limit));
        });
    }
}
