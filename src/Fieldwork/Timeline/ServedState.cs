using Fieldwork.Pairings;
using Fieldwork.Sites;
using Marten;

namespace Fieldwork.Timeline;

/// <summary>
/// The path the API serves: each site's and pairing's timeline is kept inline as one document
/// holding its dated facts with their log positions, so a state at any cut is one indexed
/// query and an in-memory evaluation, whatever the cut.
/// </summary>
public static class ServedState
{
    public static async Task<IReadOnlyList<SiteState>> SitesAsync(IQuerySession session, Guid evaluationId, Cut cut,
        CancellationToken cancellation = default)
    {
        var timelines = await session.Query<SiteTimeline>().Where(x => x.EvaluationId == evaluationId).ToListAsync(cancellation);
        return [.. timelines.Select(t => t.AsOf(cut)).OfType<SiteState>().OrderBy(s => s.Code, StringComparer.Ordinal)];
    }

    public static async Task<IReadOnlyList<PairingState>> PairingsAsync(IQuerySession session, Guid evaluationId, Cut cut,
        CancellationToken cancellation = default)
    {
        var timelines = await session.Query<PairingTimeline>().Where(x => x.EvaluationId == evaluationId).ToListAsync(cancellation);
        return [.. timelines.Select(t => t.AsOf(cut)).OfType<PairingState>().OrderBy(p => p.ProposedOn).ThenBy(p => p.Id)];
    }

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
    /// </summary>
    public static async Task<long> SequenceKnownAtAsync(IQuerySession session, DateTimeOffset knownAt, CancellationToken cancellation = default)
    {
        var found = await session.QueryAsync<long>(
            // Marten's tombstones (left by failed appends) carry -infinity, not a record time: they are no knowledge.
            $"select coalesce(max(seq_id), 0) from {FieldworkStore.Schema}.mt_events where timestamp <= ? and timestamp > '-infinity'",
            cancellation, knownAt);
        return found.Count == 0 ? 0 : found[0];
    }
}

/// <summary>A site's id and pseudonym code.</summary>
public sealed record SiteCode(Guid Id, string Code);
