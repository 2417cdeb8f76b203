using Fieldwork.Evidence;

namespace Fieldwork.Api.Evidence;

/// <summary>The evaluation's evidence at a cut, from the inline timelines (no texts are read).</summary>
public static class ServedEvidence
{
    /// <summary>The items at the cut; voided ones only with <paramref name="includeVoided"/> (with their void): counts and analyses never take them.</summary>
    public static async Task<IReadOnlyList<EvidenceState>> AsOfAsync(IQuerySession session, Guid evaluationId, Cut cut,
        CancellationToken cancellation, bool includeVoided = false)
    {
        var timelines = await session.Query<EvidenceTimeline>().Where(e => e.EvaluationId == evaluationId).ToListAsync(cancellation);
        return [.. timelines.Select(t => includeVoided ? t.AsOfWithVoided(cut) : t.AsOf(cut)).OfType<EvidenceState>()];
    }

    /// <summary>
    /// The evaluation's evidence and visits at the cut, counted per site, pairing and wave; with
    /// <paramref name="siteId"/>, only what may count for that site is read (its counts are the
    /// same, the other sites' are not kept).
    /// </summary>
    public static async Task<EvidenceTally> TallyAsync(IQuerySession session, Guid evaluationId, Cut cut, CancellationToken cancellation,
        Guid? siteId = null)
    {
        // One round trip for the three reads.
        var batch = session.CreateBatchQuery();
        var tally = TallyIn(batch, evaluationId, cut, siteId);
        await batch.Execute(cancellation);
        return await tally();
    }

    /// <summary>The same reads added to a batch the caller executes (with reads of its own): the tally once it has run.</summary>
    public static Func<Task<EvidenceTally>> TallyIn(Marten.Services.BatchQuerying.IBatchedQuery batch, Guid evaluationId, Cut cut, Guid? siteId = null)
    {
        var countQuery = batch.Query<EvidenceCountTimeline>().Where(e => e.EvaluationId == evaluationId);
        var visitQuery = batch.Query<Fieldwork.Visits.VisitTimeline>().Where(v => v.EvaluationId == evaluationId);
        if (siteId is { } site)
        {
            countQuery = countQuery.Where(e => e.SiteIds.Contains(site));
            visitQuery = visitQuery.Where(v => v.SiteIds.Contains(site));
        }

        var counted = countQuery.Select(e => e.Packed).ToList();
        var evaluation = batch.Load<Fieldwork.Evaluations.Evaluation>(evaluationId);
        var visits = visitQuery.ToList();
        return async () =>
        {
            var items = (await counted).Select(packed => EvidenceCountTimeline.AsOf(packed, cut)).OfType<CountedItem>();
            return new EvidenceTally(items, (await evaluation)?.Waves.ToDictionary(w => w.Id, w => w.Name))
                .WithVisits((await visits).Select(v => v.AsOf(cut)).OfType<Fieldwork.Visits.VisitState>(), cut.AsOf);
        };
    }
}
