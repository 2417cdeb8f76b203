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
    /// <summary>The read models each kind of stream keeps inline (by the stream's aggregate type), folded from its events.</summary>
    private static readonly (Type Stream, Type Document, Func<IReadOnlyList<IEvent>, object> Fold)[] Folds =
    [
        Fold<SiteTimeline>(), Fold<PairingTimeline>(), Fold<ParticipantTimeline>(), Fold<EvidenceTimeline>(),
        Fold<EvidenceCountTimeline>(typeof(EvidenceTimeline)), Fold<Codebook>(), Fold<MemoTimeline>(), Fold<FindingTimeline>(),
        Fold<VisitTimeline>(), Fold<Coverage.WavePlanTimeline>(),
    ];

    /// <summary>The read models <see cref="ReadModels"/> folds (the others, such as evaluations, are aggregated by Marten).</summary>
    public static IReadOnlyCollection<Type> Folded => [.. Folds.Select(f => f.Document)];

    private static (Type, Type, Func<IReadOnlyList<IEvent>, object>) Fold<T>(Type? stream = null) where T : IEventTimeline, new() =>
        (stream ?? typeof(T), typeof(T), events => Timelines.Fold<T>(events));

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

    /// <summary>The read models the inline projections keep for these events (with their sequences): one timeline per stream of a folded type.</summary>
    public static List<object> ReadModels(IEnumerable<IEvent> events, IReadOnlyDictionary<Guid, Type> aggregates)
    {
        var timelines = new List<object>();
        foreach (var stream in events.GroupBy(e => e.StreamId))
        {
            var list = stream.OrderBy(e => e.Sequence).ToList();
            timelines.AddRange(Folds.Where(f => f.Stream == aggregates[stream.Key]).Select(f => f.Fold(list)));
        }

        return timelines;
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
