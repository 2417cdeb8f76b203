using Fieldwork.Coding;
using Fieldwork.Evidence;

namespace Fieldwork.Api.Coding;

/// <summary>
/// One coded segment: the span, its quote (null with <c>quoteErased</c> once the text's key is
/// destroyed), the code it counts toward at the cut (<c>codeId</c>) and the code it was applied
/// with (<c>appliedCodeId</c>, different after a merge), the coder and the evidence it sits in.
/// </summary>
public sealed record CodingView(
    Guid Id,
    Guid EvidenceId,
    Guid CodeId,
    string CodeName,
    Guid AppliedCodeId,
    int TextVersion,
    int Start,
    int End,
    string? Quote,
    bool QuoteErased,
    string? Note,
    string CoderId,
    DateTimeOffset CodedAt,
    EvidenceKind EvidenceKind,
    DateOnly EvidenceOn,
    Guid? WaveId,
    IReadOnlyList<Guid> SiteIds,
    Guid? PairingId)
{
    public static CodingView From(CodedSegment s, CodingSnapshot snapshot, Quotes quotes)
    {
        var c = s.Coding;
        var quote = quotes.Of(s.EvidenceId, c.TextVersion, c.Start, c.End);
        var d = s.Evidence.Details;
        return new CodingView(c.Id, s.EvidenceId, s.CodeId, snapshot.CodeName(s.CodeId), c.CodeId, c.TextVersion, c.Start, c.End, quote,
            quote is null, c.Note, c.CoderId, c.AppliedAt, d.Kind, d.On, d.WaveId, d.SiteIds, d.PairingId);
    }
}

public static class CodingEndpoints
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
                return CodingRules.Apply(item, codes, id, http.Access().UserId, command,
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
