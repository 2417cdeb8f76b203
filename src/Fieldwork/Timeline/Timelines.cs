using JasperFx.Events;

namespace Fieldwork.Timeline;

/// <summary>A read model built by recording a stream's events one by one, inline or from raw events alike.</summary>
public interface IEventTimeline
{
    /// <summary>The evaluation the stream belongs to.</summary>
    Guid EvaluationId { get; }

    void Record(IEvent e);
}

/// <summary>A timeline of one thing that answers what it was at a cut: null where it was not there yet (or any more).</summary>
public interface IEventTimeline<out TState> : IEventTimeline where TState : class
{
    TState? AsOf(Cut cut);
}

public static class Timelines
{
    /// <summary>Folds events from nothing: what the inline projection builds, and the reference recomputes.</summary>
    public static T Fold<T>(IEnumerable<IEvent> events) where T : IEventTimeline, new()
    {
        var timeline = new T();
        foreach (var e in events)
        {
            timeline.Record(e);
        }

        return timeline;
    }

    /// <summary>
    /// When the event was recorded, to the microsecond PostgreSQL keeps: an inline projection sees
    /// the append's own clock reading (to 100 ns), a fold of stored events sees it truncated, and a
    /// read model must not depend on which of the two built it.
    /// </summary>
    public static DateTimeOffset RecordedAt(this IEvent e) =>
        new(e.Timestamp.Ticks - e.Timestamp.Ticks % 10, e.Timestamp.Offset);
}
