using Fieldwork.Coding;
using Fieldwork.Evidence;
using Fieldwork.Findings;
using Fieldwork.Pairings;
using Fieldwork.Participants;
using Fieldwork.Sites;
using Fieldwork.Visits;
using JasperFx.Events;
using Marten;
using Marten.Events;

namespace Fieldwork.Timeline;

/// <summary>
/// Many new streams written at once: the events through Marten's bulk event import (binary COPY,
/// no inline projections), then the read models the inline projections would have kept, folded
/// in memory from the same events by the same code (<see cref="Timelines.Fold{T}"/>), and stored
/// by the caller. Used by the bulk seed and by REFI-QDA imports: the one place that knows which
/// read models a stream keeps inline.
/// </summary>
public static class BulkStreams
{
    /// <summary>The read model each kind of stream keeps inline, folded from its events.</summary>
    private static readonly Dictionary<Type, Func<IReadOnlyList<IEvent>, object>> Folds = new()
    {
        [typeof(SiteTimeline)] = events => Timelines.Fold<SiteTimeline>(events),
        [typeof(PairingTimeline)] = events => Timelines.Fold<PairingTimeline>(events),
        [typeof(ParticipantTimeline)] = events => Timelines.Fold<ParticipantTimeline>(events),
        [typeof(EvidenceTimeline)] = events => Timelines.Fold<EvidenceTimeline>(events),
        [typeof(Codebook)] = events => Timelines.Fold<Codebook>(events),
        [typeof(MemoTimeline)] = events => Timelines.Fold<MemoTimeline>(events),
        [typeof(FindingTimeline)] = events => Timelines.Fold<FindingTimeline>(events),
        [typeof(VisitTimeline)] = events => Timelines.Fold<VisitTimeline>(events),
        [typeof(Coverage.WavePlanTimeline)] = events => Timelines.Fold<Coverage.WavePlanTimeline>(events),
    };

    /// <summary>The stream types whose read models <see cref="ReadModels"/> folds (the others, such as evaluations, are aggregated by Marten).</summary>
    public static IReadOnlyCollection<Type> Folded => Folds.Keys;

    /// <summary>
    /// An event about to be bulk-imported: its stream, version, id and record time (to the
    /// microsecond PostgreSQL keeps, so a fold in memory sees what a fold of the stored row sees).
    /// </summary>
    public static IEvent Event(Guid stream, long version, object data, DateTimeOffset recordedAt)
    {
        var e = (IEvent)Activator.CreateInstance(typeof(Event<>).MakeGenericType(data.GetType()), data)!;
        e.Id = Guid.NewGuid();
        e.StreamId = stream;
        e.Version = version;
        e.Timestamp = Stored(recordedAt);
        return e;
    }

    /// <summary>A time as PostgreSQL stores it: UTC, to the microsecond.</summary>
    public static DateTimeOffset Stored(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % 10, TimeSpan.Zero);

    /// <summary>
    /// Writes new streams' events in the order given (each gets the next sequence, set on the event),
    /// in one transaction of Marten's own; a stream that already exists fails the whole write.
    /// </summary>
    public static async Task InsertAsync(IDocumentStore store, IReadOnlyList<IEvent> ordered, IReadOnlyDictionary<Guid, Type> aggregates,
        CancellationToken cancellation)
    {
        var headers = ordered.GroupBy(e => e.StreamId)
            .Select(g => new BulkEventStreamHeader { Id = g.Key, Version = g.Max(e => e.Version), AggregateType = aggregates[g.Key] })
            .ToList();
        await store.BulkInsertEventStreamAsync("*DEFAULT*", headers, ordered.ToAsyncEnumerable(), 5_000, cancellation);
    }

    /// <summary>Stored events of the given streams, in log order (to fold what an earlier write stored).</summary>
    public static async Task<List<IEvent>> StoredAsync(IQuerySession session, IEnumerable<Guid> streams, CancellationToken cancellation)
    {
        var stored = new List<IEvent>();
        foreach (var chunk in streams.Chunk(2_000))
        {
            stored.AddRange(await session.Events.QueryAllRawEvents().Where(e => e.StreamId.IsOneOf(chunk)).OrderBy(e => e.Sequence)
                .ToListAsync(cancellation));
        }

        return stored;
    }

    /// <summary>
    /// The read models the inline projections keep for these events (with their sequences): one
    /// timeline per stream of a folded type, and a <see cref="CodingLocator"/> per coding.
    /// </summary>
    public static (List<object> Timelines, List<CodingLocator> Locators) ReadModels(IEnumerable<IEvent> events, IReadOnlyDictionary<Guid, Type> aggregates)
    {
        var timelines = new List<object>();
        var locators = new List<CodingLocator>();
        foreach (var stream in events.GroupBy(e => e.StreamId))
        {
            var list = stream.OrderBy(e => e.Sequence).ToList();
            if (Folds.TryGetValue(aggregates[stream.Key], out var fold))
            {
                timelines.Add(fold(list));
            }

            locators.AddRange(list.Select(e => e.Data).OfType<CodingApplied>()
                .Select(c => new CodingLocator { Id = c.CodingId, EvaluationId = c.EvaluationId, EvidenceId = c.EvidenceId }));
        }

        return (timelines, locators);
    }

    /// <summary>Stores documents of mixed types, a call per type (Marten stores one document type per call).</summary>
    public static void StoreAll(IDocumentSession session, IEnumerable<object> documents)
    {
        foreach (var group in documents.GroupBy(d => d.GetType()))
        {
            session.StoreObjects(group);
        }
    }
}
