using Fieldwork.Pairings;
using Fieldwork.Sites;
using JasperFx.Events;
using Marten;

namespace Fieldwork.Timeline;

/// <summary>
/// The correctness reference for time travel: read the raw events recorded by the cut's
/// knowledge, fold each stream from nothing with the same <c>Record</c> code the read models
/// use, and evaluate at the cut's date. Slow by design; the served path must agree with it.
/// </summary>
public static class ReferenceFold
{
    public static async Task<(IReadOnlyList<SiteState> Sites, IReadOnlyList<PairingState> Pairings)> StateAsync(
        IQuerySession session, Guid evaluationId, Cut cut, CancellationToken cancellation = default)
    {
        var siteIds = await session.Query<SiteTimeline>().Where(x => x.EvaluationId == evaluationId).Select(x => x.Id)
            .ToListAsync(cancellation);
        var pairingIds = await session.Query<PairingTimeline>().Where(x => x.EvaluationId == evaluationId).Select(x => x.Id)
            .ToListAsync(cancellation);
        var streams = siteIds.Concat(pairingIds).ToArray();
        var known = cut.KnownUpTo;
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamId.IsOneOf(streams) && e.Sequence <= known)
            .OrderBy(e => e.Sequence)
            .ToListAsync(cancellation);
        var byStream = events.GroupBy(e => e.StreamId).ToDictionary(g => g.Key, g => (IEnumerable<IEvent>)g);

        var sites = siteIds.Where(byStream.ContainsKey)
            .Select(id => Timelines.Fold<SiteTimeline>(byStream[id]).AsOf(cut))
            .OfType<SiteState>()
            .OrderBy(s => s.Code, StringComparer.Ordinal)
            .ToList();
        var pairings = pairingIds.Where(byStream.ContainsKey)
            .Select(id => Timelines.Fold<PairingTimeline>(byStream[id]).AsOf(cut))
            .OfType<PairingState>()
            .OrderBy(p => p.ProposedOn).ThenBy(p => p.Id)
            .ToList();
        return (sites, pairings);
    }
}
