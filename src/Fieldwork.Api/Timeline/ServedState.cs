using Fieldwork.Pairings;
using Fieldwork.Sites;

namespace Fieldwork.Api.Timeline;

/// <summary>
/// The path the API serves: each site's and pairing's timeline is kept inline as one document
/// holding its dated facts with their log positions, so a state at any cut is one indexed
/// query and an in-memory evaluation, whatever the cut. The reads' own (as <c>ServedEvidence</c> is
/// for evidence); the domain keeps the timelines and the reference they are checked against
/// (<see cref="ReferenceFold"/>).
/// </summary>
public static class ServedState
{
    public static async Task<IReadOnlyList<SiteState>> SitesAsync(IQuerySession session, Guid evaluationId, Cut cut,
        CancellationToken cancellation = default)
    {
        var timelines = await session.Query<SiteTimeline>().Where(x => x.EvaluationId == evaluationId).ToListAsync(cancellation);
        return SitesAt(timelines, cut);
    }

    /// <summary>The sites at the cut from their timelines, by code.</summary>
    public static IReadOnlyList<SiteState> SitesAt(IEnumerable<SiteTimeline> timelines, Cut cut) =>
        [.. timelines.Select(t => t.AsOf(cut)).OfType<SiteState>().OrderBy(s => s.Code, StringComparer.Ordinal)];

    public static async Task<IReadOnlyList<PairingState>> PairingsAsync(IQuerySession session, Guid evaluationId, Cut cut,
        CancellationToken cancellation = default)
    {
        var timelines = await session.Query<PairingTimeline>().Where(x => x.EvaluationId == evaluationId).ToListAsync(cancellation);
        return PairingsAt(timelines, cut);
    }

    /// <summary>The pairings at the cut from their timelines, in the order they were proposed.</summary>
    public static IReadOnlyList<PairingState> PairingsAt(IEnumerable<PairingTimeline> timelines, Cut cut) =>
        [.. timelines.Select(t => t.AsOf(cut)).OfType<PairingState>().OrderBy(p => p.ProposedOn).ThenBy(p => p.Id)];

    /// <summary>Every site's pseudonym code by id (codes never change once enrolled), to name the sites of pairings.</summary>
    public static async Task<IReadOnlyDictionary<Guid, string>> SiteCodesAsync(IQuerySession session, Guid evaluationId,
        CancellationToken cancellation = default)
    {
        var codes = await session.Query<SiteTimeline>().Where(x => x.EvaluationId == evaluationId)
            .Select(x => new SiteCode(x.Id, x.Code)).ToListAsync(cancellation);
        return codes.ToDictionary(c => c.Id, c => c.Code);
    }

    public static async Task<SiteState?> SiteAsync(IQuerySession session, Guid evaluationId, Guid siteId, Cut cut,
        CancellationToken cancellation = default) =>
        await session.LoadAsync<SiteTimeline>(siteId, cancellation) is { } timeline && timeline.EvaluationId == evaluationId
            ? timeline.AsOf(cut)
            : null;

    public static async Task<PairingState?> PairingAsync(IQuerySession session, Guid evaluationId, Guid pairingId, Cut cut,
        CancellationToken cancellation = default) =>
        await session.LoadAsync<PairingTimeline>(pairingId, cancellation) is { } timeline && timeline.EvaluationId == evaluationId
            ? timeline.AsOf(cut)
            : null;

    /// <summary>
    /// The log position that a knowledge instant stands for: the last event recorded by then.
    /// Replays cut the log there, so a past knownAt always names the same prefix of the log.
    /// With <paramref name="evaluationId"/>, the last event of that evaluation recorded by then
    /// (read through the index of its events by record time, so its cost is the evaluation's, not
    /// the store's): the prefix of that evaluation's log, which is all a read of it cuts. Another
    /// evaluation's events, appended later with earlier record times (a bulk load of history),
    /// then cannot pull this evaluation's later records into the cut.
    /// </summary>
    public static async Task<long> SequenceKnownAtAsync(IQuerySession session, DateTimeOffset knownAt, CancellationToken cancellation = default,
        Guid? evaluationId = null)
    {
        // Marten's tombstones (left by failed appends) carry -infinity, not a record time: they are no knowledge.
        var found = evaluationId is { } evaluation
            ? await session.QueryAsync<long>(
                // The subquery (offset 0 keeps it one) reads the evaluation's events by record time; a plain max(seq_id)
                // would have PostgreSQL walk the whole log backwards from its end looking for them.
                $"select coalesce(max(seq_id), 0) from (select seq_id from {FieldworkStore.Schema}.mt_events where {EventIndexes.Evaluation} = ? " +
                "and timestamp <= ? and timestamp > '-infinity' offset 0) known",
                cancellation, evaluation.ToString(), knownAt)
            : await session.QueryAsync<long>(
                $"select coalesce(max(seq_id), 0) from {FieldworkStore.Schema}.mt_events where timestamp <= ? and timestamp > '-infinity'",
                cancellation, knownAt);
        return found.Count == 0 ? 0 : found[0];
    }
}

/// <summary>A site's id and pseudonym code.</summary>
public sealed record SiteCode(Guid Id, string Code);
