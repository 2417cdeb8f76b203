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
            // Which items hold the page is found from their tallies; only those items are read in full.
            var batch = session.CreateBatchQuery();
            var codebook = batch.Load<Codebook>(Codebook.StreamId(evaluationId));
            var tallied = CodingTallies.In(session, batch, evaluationId, cut, cancellation);
            await batch.Execute(cancellation);
            var codesAtCut = (await codebook)?.AsOf(cut) ?? new Dictionary<Guid, CodeState>();
            IReadOnlySet<Guid>? codes = codeId is { } code
                ? includeDescendants == true ? Codebook.WithDescendants(codesAtCut, code) : new HashSet<Guid> { code }
                : null;
            bool Chosen(Guid applied, string coder) =>
                (codes is null || codes.Contains(Codebook.Resolve(codesAtCut, applied))) && (coderId is null || coder == coderId);

            var items = (await tallied())
                .Where(i => siteId is null || i.Item.SiteIds.Contains(siteId.Value))
                .Where(i => waveId is null || i.Item.WaveId == waveId)
                .Where(i => evidenceId is null || i.Id == evidenceId)
                .Select(i => (i.Id, i.Item.On, Matching: i.Codings.Count(c => Chosen(c.CodeId, c.CoderId))))
                .Where(i => i.Matching > 0)
                .OrderBy(i => i.On).ThenBy(i => i.Id)
                .ToList();

            var (skip, take) = Paging.Resolve(offset, limit);
            var total = items.Sum(i => i.Matching);
            var onPage = new List<(Guid Id, int Skip)>();
            var before = 0;
            foreach (var item in items)
            {
                if (before + item.Matching > skip && before < skip + take)
                {
                    onPage.Add((item.Id, Math.Max(0, skip - before)));
                }

                before += item.Matching;
            }

            var timelines = (await session.LoadManyAsync<EvidenceTimeline>(cancellation, onPage.Select(p => p.Id))).ToDictionary(t => t.Id);
            var states = onPage.Select(p => timelines.GetValueOrDefault(p.Id)?.AsOf(cut)).OfType<EvidenceState>().ToList();
            var snapshot = new CodingSnapshot(codesAtCut, states, [.. states.SelectMany(e => CodingSnapshot.ForItem(codesAtCut, e).Segments)]);
            var segments = onPage.SelectMany(p => snapshot.Segments
                    .Where(s => s.EvidenceId == p.Id && Chosen(s.Coding.CodeId, s.Coding.CoderId))
                    .OrderBy(s => s.Coding.TextVersion).ThenBy(s => s.Coding.Start).ThenBy(s => s.Coding.End).ThenBy(s => s.Coding.Id)
                    .Skip(p.Skip))
                .Take(take)
                .ToList();
            var quotes = await Quotes.LoadAsync(session, keyRing, segments.Select(s => (s.EvidenceId, s.Coding.TextVersion)), cancellation);
            return TypedResults.Ok(new Page<CodingView>([.. segments.Select(s => CodingView.From(s, snapshot, quotes))], total, skip, take));
        });
    }
}
